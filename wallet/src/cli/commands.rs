//! The commands: each one does its work through the library and returns a [`Report`].

use std::path::Path;

use serde_json::json;
use zksettle_wallet::{
	assets::AssetInfo,
	builder::{AssetArg, Beneficiary},
	chain::{self, Chain, Included},
	files::read_secret,
	keys::Address,
	store::EntryKind,
	wallet::{self, Fee, Outcome, Wallet},
	WalletError,
};

use crate::{
	confirm, setup,
	report::{amount_json, included_json, Report, Units},
	Cli, Command, Spend,
};

/// An error, with the asset it concerns (to word its amounts in that asset's units).
pub struct Failure {
	/// The error.
	pub error: WalletError,
	/// The asset of the command, once known.
	asset: Option<AssetInfo>,
}

impl From<WalletError> for Failure {
	fn from(error: WalletError) -> Self {
		Failure { error, asset: None }
	}
}

impl Failure {
	/// The error as the user reads it: amounts in the command's units (the asset's decimals, or
	/// base units with `--raw`).
	pub fn describe(&self, raw: bool) -> String {
		match (&self.error, &self.asset) {
			(WalletError::InsufficientShieldedBalance { needed, available, .. }, Some(info)) => {
				let units = Units { raw };
				format!(
					"insufficient shielded balance: need {} (fees included), have {}",
					units.show(info, *needed),
					units.show(info, *available)
				)
			},
			(WalletError::InsufficientPublicBalance { needed, available, .. }, Some(info)) => {
				let units = Units { raw };
				format!(
					"insufficient public balance: need {} (and the transaction fee), have {}; nothing was proved or sent",
					units.show(info, *needed),
					units.show(info, *available)
				)
			},
			(other, _) => other.to_string(),
		}
	}
}

/// Attach `info` to the errors of `result`.
fn about<T>(info: &AssetInfo, result: Result<T, WalletError>) -> Result<T, Failure> {
	result.map_err(|error| Failure { error, asset: Some(info.clone()) })
}

/// The keystore password: from `--password-file` (its first line), else `ZKSETTLE_PASSWORD`, else
/// asked on the terminal (twice when `confirm`).
pub(crate) fn password(file: Option<&Path>, confirm: bool) -> Result<String, WalletError> {
	if let Some(path) = file {
		return Ok(read_secret(path)?);
	}
	if let Ok(password) = std::env::var("ZKSETTLE_PASSWORD") {
		return Ok(password);
	}
	let first = rpassword::prompt_password("keystore password: ").map_err(|e| WalletError::io("terminal".into(), e))?;
	if confirm {
		let again = rpassword::prompt_password("again: ").map_err(|e| WalletError::io("terminal".into(), e))?;
		if again != first {
			return Err(WalletError::BadEncoding("the passwords differ"));
		}
	}
	Ok(first)
}

/// A secret URI (a payer's, a relayer's): the first line of `file` (`-`: asked on the terminal,
/// hidden), else the environment variable `var`, else none.
fn secret_uri(file: Option<&Path>, var: &str, what: &str) -> Result<Option<String>, WalletError> {
	match file {
		Some(path) if path == Path::new("-") => rpassword::prompt_password(format!("{what} secret URI: "))
			.map(Some)
			.map_err(|e| WalletError::io("terminal".into(), e)),
		Some(path) => Ok(Some(read_secret(path)?)),
		None => Ok(std::env::var(var).ok().filter(|uri| !uri.is_empty())),
	}
}

/// A secret given as a flag is refused before anything else: it is already in the shell's
/// history, and the user is told where secrets go instead.
fn refuse_secret_flags(command: &Command) -> Result<(), WalletError> {
	let (flag, instead) = match command {
		Command::Shield { suri: Some(_), .. } => ("--suri", "--suri-file FILE (or ZKSETTLE_SURI)"),
		Command::Send { spend: Spend { relayer: Some(_), .. }, .. } |
		Command::Unshield { spend: Spend { relayer: Some(_), .. }, .. } => ("--relayer", "--relayer-file FILE (or ZKSETTLE_RELAYER_SURI)"),
		_ => return Ok(()),
	};
	Err(WalletError::Usage(format!(
		"{flag} is not taken: a secret on the command line is in the shell's history and in every user's process list \
		 (consider it exposed). Give it with {instead}; the file must be readable by you alone"
	)))
}

/// A progress bar for a scan (blocks, rate, ETA) on stderr, drawn only when stderr is a terminal.
fn progress() -> impl FnMut(u64, u64) {
	let bar = indicatif::ProgressBar::new(0);
	let style = indicatif::ProgressStyle::with_template("scanning [{bar:30}] {pos}/{len} blocks, {per_sec}, ETA {eta}")
		.unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
	bar.set_style(style.progress_chars("=> "));
	move |done, total| {
		bar.set_length(total);
		bar.set_position(done);
		if done >= total {
			bar.finish_and_clear();
		}
	}
}

fn save_call(path: Option<&Path>, included: &Included) -> Result<(), WalletError> {
	match path {
		Some(path) => std::fs::write(path, format!("0x{}\n", hex::encode(&included.call)))
			.map_err(|e| WalletError::io(path.display().to_string(), e)),
		None => Ok(()),
	}
}

/// The asset a note's field value names (`None` for a value no asset has).
fn asset_of_field(field: u64) -> Option<AssetArg> {
	AssetArg::of_field(field)
}

/// A 32-byte account on a reserve chain: SS58 (any prefix) or `0x` and 64 hex digits.
fn reserve_account(text: &str) -> Result<[u8; 32], WalletError> {
	if let Some(hex_digits) = text.strip_prefix("0x") {
		let bytes = hex::decode(hex_digits).map_err(|_| WalletError::BadEncoding("not hex"))?;
		return bytes.try_into().map_err(|_| WalletError::BadEncoding("not 32 bytes"));
	}
	Ok(chain::account(text)?.0)
}

fn to_u64(amount: u128) -> Result<u64, WalletError> {
	u64::try_from(amount).map_err(|_| WalletError::Amount("notes hold at most 2^64 - 1 base units".into()))
}

/// What a shield, send or unshield did, in both forms.
fn transaction_report(verb: &str, units: Units, info: &AssetInfo, amount: u128, fee: u128, to: Option<String>, outcome: &Outcome) -> Report {
	let mut text: Vec<String> = outcome
		.merges
		.iter()
		.enumerate()
		.map(|(i, m)| format!("merged two notes ({} of {}) at block #{} ({})", i + 1, outcome.merges.len(), m.block, m.hash))
		.collect();
	let fee_text = if fee == 0 { String::new() } else { format!(" (fee {})", units.show(info, fee)) };
	let to_text = to.as_ref().map(|to| format!(" to {to}")).unwrap_or_default();
	text.push(format!(
		"{verb} {}{fee_text}{to_text} at block #{} ({})",
		units.show(info, amount),
		outcome.tx.block,
		outcome.tx.hash
	));
	let json = json!({
		"command": verb,
		"value": amount_json(info, amount),
		"fee": fee.to_string(),
		"to": to,
		"tx": included_json(&outcome.tx),
		"merges": outcome.merges.iter().map(included_json).collect::<Vec<_>>(),
	});
	Report::new(text, json)
}

/// A spend made ready: the wallet open, the node connected, the asset resolved, amount and fee
/// in base units, the proving key loaded.
struct Prepared {
	wallet: Wallet,
	chain: Chain,
	info: AssetInfo,
	amount: u64,
	fee: u128,
	params: zk_verifier::prover::ProvingKey,
	relayer: Option<subxt_signer::sr25519::Keypair>,
}

impl Prepared {
	/// Open, connect, resolve, and read the relayer's secret: everything before the proposal.
	async fn open(cli: &Cli, pw_file: Option<&Path>, units: Units, spend: &Spend) -> Result<Opened, Failure> {
		let wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
		let relayer = secret_uri(spend.relayer_file.as_deref(), "ZKSETTLE_RELAYER_SURI", "relayer")?
			.as_deref()
			.map(wallet::signer)
			.transpose()?;
		let chain = Chain::connect(&cli.url).await?;
		let info = chain.resolve_asset(&spend.asset).await?;
		let fee = match &spend.fee {
			Some(fee) => info.parse(fee, units.raw)?,
			None => chain.min_unsigned_fee().await?,
		};
		let amount = to_u64(info.parse(&spend.amount, units.raw)?)?;
		if relayer.is_none() && info.asset != AssetArg::Native {
			return Err(WalletError::Usage(format!(
				"{} cannot be spent unsigned (the chain prices the unsigned fee in its native token): give a relayer \
				 (--relayer-file or ZKSETTLE_RELAYER_SURI)",
				info.symbol
			))
			.into());
		}
		wallet.keys().spending_key()?;
		Ok(Opened { wallet, chain, info, amount, fee, relayer })
	}

	/// [`Prepared::open`], then [`Opened::propose`].
	async fn new(cli: &Cli, pw_file: Option<&Path>, cache: &Path, units: Units, spend: &Spend, what: (&str, &str)) -> Result<Self, Failure> {
		Self::open(cli, pw_file, units, spend).await?.propose(cli, cache, units, what).await
	}

	/// Show the transaction's long steps on `bar`.
	fn steps(&mut self, bar: &indicatif::ProgressBar) {
		let bar = bar.clone();
		self.wallet.on_step(move |step| bar.set_message(step.to_string()));
	}
}

/// A spend opened, not yet proposed.
struct Opened {
	wallet: Wallet,
	chain: Chain,
	info: AssetInfo,
	amount: u64,
	fee: u128,
	relayer: Option<subxt_signer::sr25519::Keypair>,
}

impl Opened {
	/// Propose the spend (`verb` of the amount `to` someone) and have it confirmed, then load the
	/// parameters: nothing is proved before the user says yes.
	async fn propose(mut self, cli: &Cli, cache: &Path, units: Units, (verb, to): (&str, &str)) -> Result<Prepared, Failure> {
		let proposal = about(&self.info, self.wallet.propose(&self.chain, self.info.asset, self.amount, self.fee).await)?;
		confirm::confirm(&confirm::describe(&proposal, verb, to, &self.info, units), cli.yes)?;
		let params = load_params(cli.params.as_deref(), cache)?;
		let Opened { wallet, chain, info, amount, fee, relayer } = self;
		Ok(Prepared { wallet, chain, info, amount, fee, params, relayer })
	}
}

/// The proving parameters, with a spinner while they load (or are derived, the first time).
fn load_params(params: Option<&Path>, cache: &Path) -> Result<zk_verifier::prover::ProvingKey, WalletError> {
	let bar = confirm::spinner();
	bar.set_message(if params.is_none() && !cache.exists() {
		format!("deriving the development proving parameters (once; cached in {})", cache.display())
	} else {
		"loading the proving parameters".to_string()
	});
	let key = wallet::proving_key(params, cache);
	bar.finish_and_clear();
	key
}

pub async fn run(cli: Cli) -> Result<Report, Failure> {
	let units = Units { raw: cli.raw };
	let save = cli.save_call.clone();
	let pw_file = cli.password_file.clone();
	let pw_file = pw_file.as_deref();
	let cache = cli.wallet.join("dev-transfer-v2.params");
	refuse_secret_flags(&cli.command)?;
	let report = match cli.command {
		Command::Init { birthday, network } => setup::init(&cli.url, &cli.wallet, pw_file, birthday, network).await?,
		Command::Restore { birthday, network } => setup::restore(&cli.url, &cli.wallet, pw_file, birthday, network).await?,
		Command::ImportViewingKey { ref key, birthday, network } => {
			setup::import_viewing_key(&cli.url, &cli.wallet, pw_file, key, birthday, network).await?
		},
		Command::ExportViewingKey => {
			let wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let key = wallet.keys().export_viewing_key();
			Report::new(vec![key.as_str().to_string()], json!({ "viewing_key": key.as_str() }))
		},
		Command::Address => setup::address(&cli.url, &cli.wallet, pw_file).await?,
		Command::Sync => {
			let mut wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let chain = Chain::connect(&cli.url).await?;
			let r = wallet.sync(&chain, progress()).await?;
			let mut text = Vec::new();
			if let Some(w) = r.rewound {
				text.push(format!(
					"the node's chain is not the one this wallet scanned (a restarted chain?): forgot {} note(s) ({} unspent) and {} history line(s), rescanned from the birthday, block {}",
					w.notes, w.unspent, w.history, w.to
				));
			}
			text.push(format!("scanned blocks {}..={}: {} note(s) received, {} spent", r.from, r.to, r.received, r.spent));
			Report::new(text, json!({ "from": r.from, "to": r.to, "received": r.received, "spent": r.spent, "rewound": r.rewound }))
		},
		Command::Rescan { birthday } => {
			let mut wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let w = wallet.rescan(birthday)?;
			let chain = Chain::connect(&cli.url).await?;
			let r = wallet.sync(&chain, progress()).await?;
			Report::new(
				vec![
					format!("forgot {} note(s); kept the history of this wallet's own transactions", w.notes),
					format!("scanned blocks {}..={}: {} note(s) received, {} spent", r.from, r.to, r.received, r.spent),
				],
				json!({ "forgot": w, "from": r.from, "to": r.to, "received": r.received, "spent": r.spent }),
			)
		},
		Command::Reset { birthday } => {
			let mut wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let w = wallet.reset(birthday)?;
			Report::new(
				vec![format!(
					"forgot {} note(s) and {} history line(s) and the chain; the next sync scans from block {}",
					w.notes, w.history, w.to
				)],
				json!({ "forgot": w, "birthday": w.to }),
			)
		},
		Command::Balance { asset } => balance(&cli.wallet, &cli.url, pw_file, units, &asset).await?,
		Command::Shield { amount, asset, suri_file, .. } => {
			let mut wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let payer = match secret_uri(suri_file.as_deref(), "ZKSETTLE_SURI", "payer")? {
				Some(uri) => wallet::signer(&uri)?,
				None => wallet.account()?,
			};
			let chain = Chain::connect(&cli.url).await?;
			let info = chain.resolve_asset(&asset).await?;
			let amount = to_u64(info.parse(&amount, units.raw)?)?;
			let params = load_params(cli.params.as_deref(), &cache)?;
			let bar = confirm::spinner();
			let shown = bar.clone();
			wallet.on_step(move |step| shown.set_message(step.to_string()));
			let outcome = about(&info, wallet.shield(&chain, &params, info.asset, amount, &payer).await);
			bar.finish_and_clear();
			let outcome = outcome?;
			save_call(save.as_deref(), &outcome.tx)?;
			transaction_report("shielded", units, &info, amount.into(), 0, None, &outcome)
		},
		Command::Send { ref to, ref spend } => {
			// An address of another network than the wallet's is refused before anything else.
			let (_, written_for) = Address::decode_any(to)?;
			if let Some(own) = Wallet::keystore(&cli.wallet)?.network.filter(|own| *own != written_for) {
				return Err(WalletError::WrongNetwork { address: written_for, chain: own }.into());
			}
			let opened = Prepared::open(&cli, pw_file, units, spend).await?;
			let network = opened.chain.network().await?;
			let to = Address::decode(to, network)?;
			let to_text = to.encode(network);
			let mut p = opened.propose(&cli, &cache, units, ("send", &to_text)).await?;
			let bar = confirm::spinner();
			p.steps(&bar);
			let relayer = p.relayer.as_ref();
			let outcome = p.wallet.send(&p.chain, &p.params, p.info.asset, p.amount, to, Fee::relayed(p.fee, relayer)).await;
			bar.finish_and_clear();
			let outcome = about(&p.info, outcome)?;
			save_call(save.as_deref(), &outcome.tx)?;
			transaction_report("sent", units, &p.info, p.amount.into(), p.fee, Some(to_text), &outcome)
		},
		Command::Unshield { ref to, ref spend, to_reserve: false } => {
			chain::account(to)?;
			let opened = Prepared::open(&cli, pw_file, units, spend).await?;
			let to = chain::account_on(to, opened.chain.ss58_prefix().await?)?;
			let mut p = opened.propose(&cli, &cache, units, ("unshield", &to.to_string())).await?;
			let bar = confirm::spinner();
			p.steps(&bar);
			let relayer = p.relayer.as_ref();
			let outcome = p.wallet.unshield(&p.chain, &p.params, p.info.asset, p.amount, &to, Fee::relayed(p.fee, relayer)).await;
			bar.finish_and_clear();
			let outcome = about(&p.info, outcome)?;
			save_call(save.as_deref(), &outcome.tx)?;
			transaction_report("unshielded", units, &p.info, p.amount.into(), p.fee, Some(to.to_string()), &outcome)
		},
		Command::Unshield { ref to, ref spend, to_reserve: true } => {
			let beneficiary = Beneficiary::account32(reserve_account(to)?);
			if spend.relayer_file.is_none() && std::env::var_os("ZKSETTLE_RELAYER_SURI").is_none() {
				return Err(WalletError::Usage("--to-reserve needs a relayer (--relayer-file or ZKSETTLE_RELAYER_SURI): the transfer is signed, and the relayer takes the fee".into()).into());
			}
			let mut p = Prepared::new(&cli, pw_file, &cache, units, spend, ("unshield to the reserve", to)).await?;
			let bar = confirm::spinner();
			p.steps(&bar);
			let fee = Fee::relayed(p.fee, p.relayer.as_ref());
			let outcome = p.wallet.unshield_to_reserve(&p.chain, &p.params, p.info.asset, p.amount, beneficiary, fee).await;
			bar.finish_and_clear();
			let outcome = about(&p.info, outcome)?;
			save_call(save.as_deref(), &outcome.tx)?;
			transaction_report("sent to the reserve", units, &p.info, p.amount.into(), p.fee, Some(to.clone()), &outcome)
		},
		Command::History => history(&cli.wallet, &cli.url, pw_file, units).await?,
		Command::Watch { events } => super::watch::watch(&cli.wallet, &cli.url, pw_file, units, cli.json, events).await?,
	};
	Ok(report)
}

async fn balance(dir: &Path, url: &str, pw_file: Option<&Path>, units: Units, named: &[String]) -> Result<Report, Failure> {
	let mut wallet = Wallet::open(dir, &password(pw_file, false)?)?;
	let chain = Chain::connect(url).await?;
	wallet.sync(&chain, progress()).await?;
	let mut text = Vec::new();
	// Assets to list: the native token, those named, those held in notes, and the foreign assets
	// (what arrives over XCM) the account holds publicly.
	let mut assets = vec![chain.native_info().await?];
	for name in named {
		assets.push(chain.resolve_asset(name).await?);
	}
	let balances = wallet.state.balances();
	for asset in balances.keys().filter_map(|field| asset_of_field(*field)) {
		assets.push(chain.asset_info(asset).await?);
	}
	assets.sort_by_key(|i| i.asset.field_value());
	assets.dedup_by_key(|i| i.asset.field_value());

	let mut public = Vec::new();
	let account = wallet.account().ok().map(|a| a.public_key().to_account_id());
	if let Some(id) = &account {
		for info in chain.foreign_assets().await? {
			if !assets.iter().any(|a| a.asset == info.asset) && chain.public_balance(info.asset, id).await? > 0 {
				assets.push(info);
			}
		}
		for info in &assets {
			let amount = chain.public_balance(info.asset, id).await?;
			text.push(format!("public   {} ({id})", units.show(info, amount)));
			public.push(amount_json(info, amount));
		}
	}
	let mut shielded = Vec::new();
	for info in &assets {
		let field = info.asset.field_value();
		let value = balances.get(&field).copied().unwrap_or(0);
		let notes = wallet.state.unspent(field).len();
		if value == 0 && info.asset != AssetArg::Native {
			continue;
		}
		text.push(format!("shielded {} in {notes} note(s)", units.show(info, value)));
		shielded.push(json!({ "value": amount_json(info, value), "notes": notes }));
	}
	// What the best chain adds before finality: shown, never counted as spendable.
	let pending = wallet.pending(&chain).await?;
	let mut pending_json = Vec::new();
	for (field, net) in pending.net() {
		if net == 0 {
			continue;
		}
		let info = match assets.iter().find(|i| i.asset.field_value() == field) {
			Some(info) => info.clone(),
			None => match asset_of_field(field) {
				Some(asset) => chain.asset_info(asset).await?,
				None => continue,
			},
		};
		let info = &info;
		let sign = if net > 0 { "+" } else { "-" };
		text.push(format!(
			"pending  {sign}{} in blocks {}..={} (included, not final)",
			units.show(info, net.unsigned_abs()),
			pending.scanned + 1,
			pending.best
		));
		pending_json.push(json!({ "net": net.to_string(), "value": amount_json(info, net.unsigned_abs()) }));
	}
	let json = json!({
		"account": account.map(|a| a.to_string()),
		"public": public,
		"shielded": shielded,
		"pending": pending_json,
		"synced_to": wallet.state.next_block.saturating_sub(1),
		"best": pending.best,
	});
	Ok(Report::new(text, json))
}

/// The wallet's history. Amounts are shown with each asset's decimals, read from the node; with
/// no node reachable, in base units (and said so).
async fn history(dir: &Path, url: &str, pw_file: Option<&Path>, units: Units) -> Result<Report, Failure> {
	let wallet = Wallet::open(dir, &password(pw_file, false)?)?;
	let chain = match Chain::connect(url).await {
		Ok(chain) => Some(chain),
		Err(e) => {
			tracing::warn!(target: "zksettle", "{e}: amounts in base units");
			None
		},
	};
	let mut infos: std::collections::BTreeMap<u64, AssetInfo> = Default::default();
	let (mut text, mut entries) = (Vec::new(), Vec::new());
	for entry in &wallet.state.history {
		let info = match infos.entry(entry.asset) {
			std::collections::btree_map::Entry::Occupied(known) => known.into_mut(),
			std::collections::btree_map::Entry::Vacant(slot) => {
				let Some(asset) = asset_of_field(entry.asset) else { continue };
				slot.insert(match &chain {
					Some(chain) => chain.asset_info(asset).await?,
					None => AssetInfo { asset, symbol: format!("(asset field {})", entry.asset), decimals: 0 },
				})
			},
		};
		let kind = match entry.kind {
			EntryKind::Received => "received",
			EntryKind::Spent => "spent",
			EntryKind::Shield => "shield",
			EntryKind::Send => "send",
			EntryKind::Unshield => "unshield",
			EntryKind::Merge => "merge",
		};
		let mut line = format!("#{:<8} {kind:<9} {}", entry.block, units.show(info, entry.amount));
		if entry.fee != 0 {
			line += &format!(" (fee {})", units.show(info, entry.fee));
		}
		if let Some(other) = &entry.counterparty {
			line += &format!(" {other}");
		}
		text.push(line);
		entries.push(json!({
			"block": entry.block,
			"kind": kind,
			"value": amount_json(info, entry.amount),
			"fee": entry.fee.to_string(),
			"counterparty": entry.counterparty,
			"tx": entry.tx,
		}));
	}
	Ok(Report::new(text, json!({ "history": entries })))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn errors_show_amounts_in_the_commands_unit() {
		let zks = AssetInfo { asset: AssetArg::Native, symbol: "ZKS".into(), decimals: 12 };
		let error = WalletError::InsufficientShieldedBalance { asset: 0, needed: 200_010_000_000_000, available: 100_000_000_000_000 };
		let failure = Failure { error, asset: Some(zks) };
		assert_eq!(failure.describe(false), "insufficient shielded balance: need 200.01 ZKS (fees included), have 100 ZKS");
		assert_eq!(
			failure.describe(true),
			"insufficient shielded balance: need 200010000000000 base units of ZKS (fees included), have 100000000000000 base units of ZKS"
		);
		let usd = AssetInfo { asset: AssetArg::Fungible(2), symbol: "USD".into(), decimals: 6 };
		let error = WalletError::InsufficientShieldedBalance { asset: 3, needed: 5_000_000, available: 0 };
		assert!(Failure { error, asset: Some(usd) }.describe(false).ends_with("need 5 USD (fees included), have 0 USD"));
		assert_eq!(Failure::from(WalletError::ViewOnly).describe(false), WalletError::ViewOnly.to_string());
	}

	#[test]
	fn note_fields_name_assets() {
		assert_eq!(asset_of_field(0), Some(AssetArg::Native));
		assert_eq!(asset_of_field(8), Some(AssetArg::Fungible(7)));
		assert_eq!(asset_of_field(u64::from(u32::MAX) + 1), Some(AssetArg::Fungible(u32::MAX)));
		assert_eq!(asset_of_field(u64::from(u32::MAX) + 2), None);
	}
}
