//! `zksettle`: the command-line private-payments wallet.

use std::{io::Write, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use zksettle_wallet::{
	builder::AssetArg,
	chain::{self, Chain},
	keys::{Address, Keys},
	keystore::{Kind, LOG_N},
	store::EntryKind,
	wallet::{self, Wallet},
	WalletError,
};

/// Decimals of the native token (and the default for amounts given in units).
const DECIMALS: u32 = 12;

#[derive(Parser)]
#[command(name = "zksettle", version, about = "Private payments on zkSettle: shield, send privately, unshield.")]
struct Cli {
	/// Wallet directory (keystore and encrypted state).
	#[arg(long, env = "ZKSETTLE_WALLET", default_value_os_t = default_dir())]
	wallet: PathBuf,
	/// Node RPC endpoint.
	#[arg(long, env = "ZKSETTLE_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// Proving parameters file (default: the public development parameters, derived once and
	/// cached in the wallet directory; for development networks only).
	#[arg(long, env = "ZKSETTLE_PARAMS")]
	params: Option<PathBuf>,
	/// Amounts are in base units (plancks) instead of tokens with 12 decimals.
	#[arg(long, global = true)]
	raw: bool,
	/// Read the keystore password from this file (its first line) instead of `ZKSETTLE_PASSWORD`
	/// or the terminal.
	#[arg(long, global = true, env = "ZKSETTLE_PASSWORD_FILE")]
	password_file: Option<PathBuf>,
	/// Write the submitted call (hex) to this file: a record of exactly what went on chain.
	#[arg(long, global = true)]
	save_call: Option<PathBuf>,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Create a wallet with a new 24-word mnemonic (printed once: write it down). Its birthday
	/// is the node's finalized height (a new wallet has no older notes), so that its first
	/// sync scans nothing before it.
	Init {
		/// Block to start scanning at, instead of asking the node for its height.
		#[arg(long)]
		birthday: Option<u64>,
	},
	/// Restore a wallet from its mnemonic (read from standard input).
	Restore {
		/// Block to start scanning at: at or before the block of the wallet's first note
		/// (default 0: the whole chain).
		#[arg(long, default_value_t = 0)]
		birthday: u64,
	},
	/// Create a watch-only wallet from an exported viewing key.
	ImportViewingKey {
		/// The key (`zkview…`).
		key: String,
		/// Block to start scanning at (default 0: the whole chain).
		#[arg(long, default_value_t = 0)]
		birthday: u64,
	},
	/// Print the viewing key: it reveals all notes and balances, but cannot spend.
	ExportViewingKey,
	/// Print the shielded address and the public account.
	Address,
	/// Scan new blocks for notes and spends.
	Sync,
	/// Public and shielded balances: the native token, and each asset named with `--asset` or
	/// held in shielded notes.
	Balance {
		/// A `pallet-assets` id to show (repeatable).
		#[arg(long)]
		asset: Vec<u32>,
	},
	/// Move public funds into the pool, to a note of this wallet.
	Shield {
		/// Amount.
		amount: String,
		/// `pallet-assets` id (default: the native token).
		#[arg(long)]
		asset: Option<u32>,
		/// Pay from this account instead of the wallet's own (e.g. `//Alice` on a dev chain).
		#[arg(long, env = "ZKSETTLE_SURI")]
		suri: Option<String>,
	},
	/// Send privately to a shielded address.
	Send {
		/// Amount.
		amount: String,
		/// Recipient's shielded address (`zks…`).
		to: String,
		/// Fee from shielded value (default: the chain's minimum for unsigned transactions).
		#[arg(long)]
		fee: Option<String>,
		/// `pallet-assets` id (default: the native token).
		#[arg(long)]
		asset: Option<u32>,
	},
	/// Withdraw from the pool to any public account (it needs no balance of its own).
	Unshield {
		/// Amount the account receives.
		amount: String,
		/// SS58 account.
		to: String,
		/// Fee from shielded value (default: the chain's minimum for unsigned transactions).
		#[arg(long)]
		fee: Option<String>,
		/// `pallet-assets` id (default: the native token).
		#[arg(long)]
		asset: Option<u32>,
	},
	/// What happened to this wallet, oldest first.
	History,
}

fn default_dir() -> PathBuf {
	std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default().join(".zksettle")
}

/// Parse `text` as tokens with [`DECIMALS`] decimals, or as base units with `--raw`.
fn parse_amount(text: &str, raw: bool) -> Result<u128, WalletError> {
	let bad = || WalletError::Amount(format!("{text:?} is not an amount"));
	if raw {
		return text.parse().map_err(|_| bad());
	}
	let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
	if frac.len() > DECIMALS as usize || (whole.is_empty() && frac.is_empty()) {
		return Err(bad());
	}
	let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
	let frac_units: u128 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| bad())? };
	let scale = 10u128.pow(DECIMALS);
	let frac_units = frac_units * 10u128.pow(DECIMALS - frac.len() as u32);
	whole.checked_mul(scale).and_then(|w| w.checked_add(frac_units)).ok_or_else(bad)
}

fn to_u64(amount: u128) -> Result<u64, WalletError> {
	u64::try_from(amount).map_err(|_| WalletError::Amount("notes hold at most 2^64 - 1 base units".into()))
}

fn show(amount: u128, raw: bool) -> String {
	if raw {
		return amount.to_string();
	}
	let scale = 10u128.pow(DECIMALS);
	let frac = format!("{:012}", amount % scale);
	let frac = frac.trim_end_matches('0');
	if frac.is_empty() {
		format!("{}", amount / scale)
	} else {
		format!("{}.{frac}", amount / scale)
	}
}

fn asset_name(asset: u64) -> String {
	if asset == 0 { "ZKS".into() } else { format!("asset {}", asset - 1) }
}

/// The keystore password: from `--password-file` (its first line), else `ZKSETTLE_PASSWORD`, else
/// asked on the terminal (twice when `confirm`).
fn password(file: Option<&std::path::Path>, confirm: bool) -> Result<String, WalletError> {
	if let Some(path) = file {
		let text = std::fs::read_to_string(path).map_err(|e| WalletError::Io(path.display().to_string(), e))?;
		return Ok(text.lines().next().unwrap_or_default().to_string());
	}
	if let Ok(password) = std::env::var("ZKSETTLE_PASSWORD") {
		return Ok(password);
	}
	let first = rpassword::prompt_password("keystore password: ").map_err(|e| WalletError::Io("terminal".into(), e))?;
	if confirm {
		let again = rpassword::prompt_password("again: ").map_err(|e| WalletError::Io("terminal".into(), e))?;
		if again != first {
			return Err(WalletError::BadEncoding("the passwords differ"));
		}
	}
	Ok(first)
}

fn asset_arg(asset: Option<u32>) -> AssetArg {
	asset.map(AssetArg::Fungible).unwrap_or(AssetArg::Native)
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

fn save_call(path: Option<&std::path::Path>, included: &zksettle_wallet::chain::Included) -> Result<(), WalletError> {
	match path {
		Some(path) => std::fs::write(path, format!("0x{}\n", hex::encode(&included.call)))
			.map_err(|e| WalletError::Io(path.display().to_string(), e)),
		None => Ok(()),
	}
}

async fn run(cli: Cli) -> Result<(), WalletError> {
	let raw = cli.raw;
	let save = cli.save_call.clone();
	let password_file = cli.password_file.clone();
	let pw_file = password_file.as_deref();
	let cache = cli.wallet.join("dev-transfer-v2.params");
	match cli.command {
		Command::Init { birthday } => {
			let birthday = match birthday {
				Some(block) => block,
				None => {
					let offline = |e: WalletError| {
						WalletError::Node(format!("{e} (the birthday is read from the node; offline, pass --birthday)"))
					};
					Chain::connect(&cli.url).await.map_err(offline)?.finalized().await.map_err(offline)?
				},
			};
			let phrase = Keys::generate_phrase()?;
			let wallet = Wallet::create(&cli.wallet, Keys::from_phrase(&phrase)?, &password(pw_file, true)?, LOG_N, birthday)?;
			println!("mnemonic (write it down; it is shown only now):\n{}\n", phrase.as_str());
			println!("shielded address: {}", wallet.keys().address());
			println!("public account:   {}", wallet.account()?.public_key().to_account_id());
			println!("birthday:         block {birthday} (restore with --birthday {birthday})");
		},
		Command::Restore { birthday } => {
			let mut phrase = String::new();
			eprintln!("mnemonic:");
			std::io::stdin().read_line(&mut phrase).map_err(|e| WalletError::Io("stdin".into(), e))?;
			let wallet =
				Wallet::create(&cli.wallet, Keys::from_phrase(phrase.trim())?, &password(pw_file, true)?, LOG_N, birthday)?;
			println!("shielded address: {}", wallet.keys().address());
			println!("run `zksettle sync` to find its notes (scanning from block {birthday})");
		},
		Command::ImportViewingKey { key, birthday } => {
			let wallet = Wallet::create(&cli.wallet, Keys::from_viewing_key(&key)?, &password(pw_file, true)?, LOG_N, birthday)?;
			println!("watch-only wallet for {} (scanning from block {birthday})", wallet.keys().address());
		},
		Command::ExportViewingKey => {
			let wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			println!("{}", wallet.keys().export_viewing_key().as_str());
		},
		Command::Address => {
			let keystore = Wallet::keystore(&cli.wallet)?;
			println!("shielded address: {}", keystore.address);
			if keystore.kind == Kind::Viewing {
				println!("(watch-only wallet)");
			}
		},
		Command::Sync => {
			let mut wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let chain = Chain::connect(&cli.url).await?;
			let report = wallet.sync(&chain, progress()).await?;
			println!(
				"scanned blocks {}..={}: {} note(s) received, {} spent",
				report.from, report.to, report.received, report.spent
			);
		},
		Command::Balance { asset } => {
			let mut wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let chain = Chain::connect(&cli.url).await?;
			wallet.sync(&chain, progress()).await?;
			if let Ok(account) = wallet.account() {
				let id = account.public_key().to_account_id();
				println!("public   {} ZKS ({id})", show(chain.free_balance(&id).await?, raw));
				let mut assets: Vec<u32> = asset;
				assets.extend(wallet.state.balances().keys().filter_map(|a| a.checked_sub(1)).filter_map(|a| u32::try_from(a).ok()));
				assets.sort_unstable();
				assets.dedup();
				for asset in assets {
					println!("public   {} {}", show(chain.asset_balance(asset, &id).await?, raw), asset_name(u64::from(asset) + 1));
				}
			}
			let balances = wallet.state.balances();
			if balances.is_empty() {
				println!("shielded 0 ZKS");
			}
			for (asset, value) in balances {
				let notes = wallet.state.unspent(asset).len();
				println!("shielded {} {} in {notes} note(s)", show(value, raw), asset_name(asset));
			}
		},
		Command::Shield { amount, asset, suri } => {
			let mut wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let payer = match suri {
				Some(uri) => wallet::signer(&uri)?,
				None => wallet.account()?,
			};
			let chain = Chain::connect(&cli.url).await?;
			let params = wallet::proving_key(cli.params.as_deref(), &cache)?;
			let amount = to_u64(parse_amount(&amount, raw)?)?;
			let included = wallet.shield(&chain, &params, asset_arg(asset), amount, &payer).await?;
			save_call(save.as_deref(), &included)?;
			println!("shielded {} at block #{} ({})", show(amount.into(), raw), included.block, included.hash);
		},
		Command::Send { amount, to, fee, asset } => {
			let to: Address = to.parse()?;
			let mut wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let chain = Chain::connect(&cli.url).await?;
			let fee = match fee {
				Some(fee) => parse_amount(&fee, raw)?,
				None => chain.min_unsigned_fee().await?,
			};
			let params = wallet::proving_key(cli.params.as_deref(), &cache)?;
			let amount = to_u64(parse_amount(&amount, raw)?)?;
			let included = wallet.send(&chain, &params, asset_arg(asset), amount, to, fee).await?;
			save_call(save.as_deref(), &included)?;
			println!("sent {} (fee {}) at block #{} ({})", show(amount.into(), raw), show(fee, raw), included.block, included.hash);
		},
		Command::Unshield { amount, to, fee, asset } => {
			let to = chain::account(&to)?;
			let mut wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let chain = Chain::connect(&cli.url).await?;
			let fee = match fee {
				Some(fee) => parse_amount(&fee, raw)?,
				None => chain.min_unsigned_fee().await?,
			};
			let params = wallet::proving_key(cli.params.as_deref(), &cache)?;
			let amount = to_u64(parse_amount(&amount, raw)?)?;
			let included = wallet.unshield(&chain, &params, asset_arg(asset), amount, &to, fee).await?;
			save_call(save.as_deref(), &included)?;
			println!("unshielded {} to {to} at block #{} ({})", show(amount.into(), raw), included.block, included.hash);
		},
		Command::History => {
			let wallet = Wallet::open(&cli.wallet, &password(pw_file, false)?)?;
			let mut out = std::io::stdout().lock();
			for entry in &wallet.state.history {
				let kind = match entry.kind {
					EntryKind::Received => "received",
					EntryKind::Spent => "spent",
					EntryKind::Shield => "shield",
					EntryKind::Send => "send",
					EntryKind::Unshield => "unshield",
				};
				let mut line = format!("#{:<8} {kind:<9} {} {}", entry.block, show(entry.amount, raw), asset_name(entry.asset));
				if entry.fee != 0 {
					line += &format!(" (fee {})", show(entry.fee, raw));
				}
				if let Some(other) = &entry.counterparty {
					line += &format!(" {other}");
				}
				writeln!(out, "{line}").map_err(|e| WalletError::Io("stdout".into(), e))?;
			}
		},
	}
	Ok(())
}

/// An error as the user reads it: amounts in the same unit as the command's (tokens, or base
/// units with `--raw`), assets by name.
fn describe(error: &WalletError, raw: bool) -> String {
	match error {
		WalletError::InsufficientShieldedBalance { asset, needed, available } => format!(
			"insufficient shielded balance: need {} {name} (fee included), have {} {name}",
			show(*needed, raw),
			show(*available, raw),
			name = asset_name(*asset),
		),
		other => other.to_string(),
	}
}

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	let raw = cli.raw;
	match run(cli).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {}", describe(&e, raw));
			ExitCode::from(e.exit_code())
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn amounts_parse_in_tokens_or_base_units() {
		assert_eq!(parse_amount("5", false).unwrap(), 5_000_000_000_000);
		assert_eq!(parse_amount("0.25", false).unwrap(), 250_000_000_000);
		assert_eq!(parse_amount(".5", false).unwrap(), 500_000_000_000);
		assert_eq!(parse_amount("7", true).unwrap(), 7);
		assert!(parse_amount("1.0000000000001", false).is_err());
		assert!(parse_amount("abc", false).is_err());
		assert!(parse_amount(".", false).is_err());
		assert_eq!(show(250_000_000_000, false), "0.25");
		assert_eq!(show(5_000_000_000_000, false), "5");
	}

	#[test]
	fn errors_show_amounts_in_the_commands_unit() {
		let error = WalletError::InsufficientShieldedBalance { asset: 0, needed: 200_010_000_000_000, available: 100_000_000_000_000 };
		assert_eq!(describe(&error, false), "insufficient shielded balance: need 200.01 ZKS (fee included), have 100 ZKS");
		assert_eq!(
			describe(&error, true),
			"insufficient shielded balance: need 200010000000000 ZKS (fee included), have 100000000000000 ZKS"
		);
		let error = WalletError::InsufficientShieldedBalance { asset: 3, needed: 5, available: 0 };
		assert!(describe(&error, true).ends_with("have 0 asset 2"), "{}", describe(&error, true));
		assert_eq!(describe(&WalletError::ViewOnly, false), WalletError::ViewOnly.to_string());
	}
}
