//! The wallet's commands: a keystore and a state file in one directory, and the operations a
//! user runs against a node.

use std::path::{Path, PathBuf};

use codec::Encode;
use subxt::utils::AccountId32;
use zk_verifier::prover::ProvingKey;

use crate::{
	builder::{self, Anchor, AssetArg, Beneficiary, Plan},
	chain::{Chain, Included},
	error::WalletError,
	keys::{Address, Keys, Network},
	keystore::Keystore,
	proposal::Step,
	store::{Entry, EntryKind, Rewound, State},
};

/// An open wallet.
pub struct Wallet {
	dir: PathBuf,
	keys: Keys,
	/// What the wallet knows.
	pub state: State,
	/// Told each long step of a transaction ([`Wallet::on_step`]).
	steps: Option<Box<dyn Fn(Step) + Send + Sync>>,
	/// The transaction being made, and how many the command makes (for [`Step`]s).
	current: (usize, usize),
}

pub use crate::sync::SyncReport;

/// What a command put on chain: its transaction, and the merges that preceded it when the
/// payment needed more than two notes.
#[derive(Clone, Debug)]
pub struct Outcome {
	/// The command's transaction.
	pub tx: Included,
	/// Merges (two of the wallet's notes into one), oldest first.
	pub merges: Vec<Included>,
}

/// Which notes a transaction spends.
#[derive(Clone, Copy, Debug)]
enum Spend {
	/// At most two notes covering this value ([`crate::store::State::select`]).
	Cover(u128),
	/// The two largest unspent notes (a merge).
	LargestTwo,
}

fn keystore_path(dir: &Path) -> PathBuf {
	dir.join("keystore.json")
}

fn state_path(dir: &Path) -> PathBuf {
	dir.join("state.bin")
}

impl Wallet {
	/// Create a wallet in `dir` (which must not hold one) from `keys`, sealed with `password`,
	/// whose scans start at block `birthday` (see [`State::birthday`]).
	/// `network`, when known, is the network whose address form `zksettle address` prints.
	pub fn create(
		dir: &Path,
		keys: Keys,
		password: &str,
		log_n: u8,
		birthday: u64,
		network: Option<Network>,
	) -> Result<Self, WalletError> {
		let path = keystore_path(dir);
		if path.exists() {
			return Err(WalletError::WalletExists(dir.display().to_string()));
		}
		crate::files::private_dir(dir)?;
		let mut keystore = Keystore::seal(&keys, password, log_n)?;
		keystore.network = network;
		let json = serde_json::to_vec_pretty(&keystore).map_err(|e| WalletError::corrupt("keystore".into(), e.to_string()))?;
		crate::files::write_private(&path, &json)?;
		let wallet = Wallet { dir: dir.to_path_buf(), keys, state: State::born_at(birthday), steps: None, current: (1, 1) };
		wallet.state.save(&state_path(dir), &wallet.keys)?;
		Ok(wallet)
	}

	/// The keystore of the wallet in `dir`, without opening it.
	pub fn keystore(dir: &Path) -> Result<Keystore, WalletError> {
		let path = keystore_path(dir);
		let json = match std::fs::read(&path) {
			Ok(json) => json,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(WalletError::NoWallet(dir.display().to_string())),
			Err(e) => return Err(WalletError::io(path.display().to_string(), e)),
		};
		serde_json::from_slice(&json).map_err(|e| WalletError::corrupt(path.display().to_string(), e.to_string()))
	}

	/// Record in the keystore of the wallet in `dir` the network it is used on (for a keystore
	/// from before networks).
	pub fn record_network(dir: &Path, network: Network) -> Result<(), WalletError> {
		let mut keystore = Self::keystore(dir)?;
		keystore.network = Some(network);
		let json = serde_json::to_vec_pretty(&keystore).map_err(|e| WalletError::corrupt("keystore".into(), e.to_string()))?;
		Ok(crate::files::write_private(&keystore_path(dir), &json)?)
	}

	/// Open the wallet in `dir` with `password`.
	pub fn open(dir: &Path, password: &str) -> Result<Self, WalletError> {
		// The files of a wallet written by an older version (default umask) are made the owner's
		// alone (not the directory: `--wallet` may name one the user shares on purpose).
		crate::files::make_private(&[&keystore_path(dir), &state_path(dir)])?;
		let mut keystore = Self::keystore(dir)?;
		let keys = keystore.open(password)?;
		// A keystore written before the public account was recorded gets it now.
		if keystore.account.is_none() && keystore.kind == crate::keystore::Kind::Spending {
			keystore.account = crate::keystore::account_of(&keys)?;
			let json =
				serde_json::to_vec_pretty(&keystore).map_err(|e| WalletError::corrupt("keystore".into(), e.to_string()))?;
			crate::files::write_private(&keystore_path(dir), &json)?;
		}
		let state = State::load(&state_path(dir), &keys)?.unwrap_or_default();
		Ok(Wallet { dir: dir.to_path_buf(), keys, state, steps: None, current: (1, 1) })
	}

	/// Report each long step of the transactions this wallet makes (proving, the work stamp,
	/// waiting for finality) to `steps`.
	pub fn on_step(&mut self, steps: impl Fn(Step) + Send + Sync + 'static) {
		self.steps = Some(Box::new(steps));
	}

	fn step(&self, step: Step) {
		tracing::info!(target: "zksettle::wallet", "{step}");
		if let Some(steps) = &self.steps {
			steps(step);
		}
	}

	/// The keys.
	pub fn keys(&self) -> &Keys {
		&self.keys
	}

	/// The public account of a full wallet (the mnemonic's sr25519 key, as Polkadot.js derives it).
	pub fn account(&self) -> Result<subxt_signer::sr25519::Keypair, WalletError> {
		signer(self.keys.phrase()?)
	}

	/// Save the state.
	pub fn save(&self) -> Result<(), WalletError> {
		self.state.save(&state_path(&self.dir), &self.keys)
	}

	/// Scan every finalized block not scanned yet ([`crate::sync`]). `progress(done, total)` is
	/// called as windows of blocks are scanned; the state is saved after each and at the end, so
	/// an interrupted scan resumes where it was.
	pub async fn sync(&mut self, chain: &Chain, progress: impl FnMut(u64, u64)) -> Result<SyncReport, WalletError> {
		self.sync_with(chain, progress, true).await
	}

	/// [`Wallet::sync`] in memory only, the wallet's files left as they are: for a process that
	/// follows the chain beside others using the same wallet (`zksettle watch`), which must not
	/// overwrite what a spend in another process records.
	pub async fn sync_unsaved(&mut self, chain: &Chain) -> Result<SyncReport, WalletError> {
		self.sync_with(chain, |_, _| {}, false).await
	}

	async fn sync_with(&mut self, chain: &Chain, progress: impl FnMut(u64, u64), persist: bool) -> Result<SyncReport, WalletError> {
		let genesis = chain.genesis();
		if self.state.genesis.is_empty() {
			self.state.genesis = genesis;
		} else if self.state.genesis != genesis {
			return Err(WalletError::WrongChain { expected: self.state.genesis.clone(), found: genesis });
		}
		self.state.rescan_if_without_witnesses();
		let rewound = crate::sync::check_continuity(chain, &mut self.state).await?;
		if rewound.is_some() && persist {
			self.save()?;
		}
		let head = chain.finalized().await?;
		let path = state_path(&self.dir);
		let keys = &self.keys;
		let save = |state: &State| if persist { state.save(&path, keys) } else { Ok(()) };
		let mut report = crate::sync::sync(chain, keys, &mut self.state, (head, None), progress, save).await?;
		report.rewound = rewound;
		if persist {
			self.save()?;
		}
		Ok(report)
	}

	/// What the node's best chain holds for this wallet beyond its (final) state: notes received
	/// and spent in blocks included but not final ([`crate::pending`]). Nothing is saved.
	pub async fn pending(&self, chain: &Chain) -> Result<crate::pending::Pending, WalletError> {
		crate::sync::pending(chain, &self.keys, &self.state).await
	}

	/// Forget the notes found and scan again from the birthday (`birthday` moves it, e.g. to an
	/// earlier block for a note the first scan could not have found), keeping the history of
	/// this wallet's own transactions. The next [`Wallet::sync`] rescans.
	pub fn rescan(&mut self, birthday: Option<u64>) -> Result<Rewound, WalletError> {
		if let Some(b) = birthday {
			self.state.birthday = b;
		}
		let rewound = self.state.rewind(true);
		self.save()?;
		Ok(rewound)
	}

	/// Forget everything the chain told this wallet, which chain it was included: for moving
	/// the wallet to another chain. Keys and birthday stay (`birthday` replaces it).
	pub fn reset(&mut self, birthday: Option<u64>) -> Result<Rewound, WalletError> {
		let rewound = self.state.reset(birthday);
		self.save()?;
		Ok(rewound)
	}

	fn record(&mut self, included: &Included, kind: EntryKind, asset: u64, amount: u128, fee: u128, counterparty: String) {
		self.state.history.push(Entry {
			block: included.block,
			kind,
			asset,
			amount,
			fee,
			counterparty: Some(counterparty),
			tx: Some(included.hash.clone()),
		});
	}

	/// Shield `amount` of `asset` from the public account `payer` into a note for this wallet.
	pub async fn shield(
		&mut self,
		chain: &Chain,
		params: &ProvingKey,
		asset: AssetArg,
		amount: u64,
		payer: &subxt_signer::sr25519::Keypair,
	) -> Result<Outcome, WalletError> {
		// The payer's balance before the proof (seconds of work): a shortfall is the user's
		// funds, not a refusal by the chain after the fact.
		let available = chain.public_balance(asset, &payer.public_key().to_account_id()).await?;
		if available < u128::from(amount) {
			return Err(WalletError::InsufficientPublicBalance { asset: asset.field_value(), needed: amount.into(), available });
		}
		let plan = Plan {
			asset,
			ext_amount: i128::from(amount),
			fee: 0,
			recipient: None,
			relayer: None,
			payment: None,
			reserve: None,
		};
		let outcome = self.transact(chain, params, &plan, Some(payer)).await?;
		let payer = payer.public_key().to_account_id().to_string();
		self.record(&outcome.tx, EntryKind::Shield, asset.field_value(), amount.into(), 0, payer);
		self.save()?;
		Ok(outcome)
	}

	/// Send `amount` privately to `to`, paying `fee` from shielded value. Without a relayer it
	/// is submitted unsigned (native token only) and the fee goes to the block author: no public
	/// account is linked to the payment. With one (any other asset), the relayer signs and
	/// takes the fee, and is the only account the transaction shows.
	pub async fn send(
		&mut self,
		chain: &Chain,
		params: &ProvingKey,
		asset: AssetArg,
		amount: u64,
		to: Address,
		fee: Fee<'_>,
	) -> Result<Outcome, WalletError> {
		let Fee { amount: fee, relayer } = fee;
		let plan = Plan {
			asset,
			ext_amount: 0,
			fee,
			recipient: None,
			relayer: relayer.map(account_of),
			payment: Some((amount, to)),
			reserve: None,
		};
		let outcome = self.transact(chain, params, &plan, relayer).await?;
		let to = to.encode(chain.network().await?);
		self.record(&outcome.tx, EntryKind::Send, asset.field_value(), amount.into(), fee, to);
		self.save()?;
		Ok(outcome)
	}

	/// Unshield `amount` to the public account `to` (which needs no balance: the transaction is
	/// unsigned, or signed by a relayer as for [`Self::send`], and its fee comes from shielded
	/// value).
	pub async fn unshield(
		&mut self,
		chain: &Chain,
		params: &ProvingKey,
		asset: AssetArg,
		amount: u64,
		to: &AccountId32,
		fee: Fee<'_>,
	) -> Result<Outcome, WalletError> {
		let Fee { amount: fee, relayer } = fee;
		let plan = Plan {
			asset,
			ext_amount: -i128::from(amount),
			fee,
			recipient: Some(to.0),
			relayer: relayer.map(account_of),
			payment: None,
			reserve: None,
		};
		let outcome = self.transact(chain, params, &plan, relayer).await?;
		self.record(&outcome.tx, EntryKind::Unshield, asset.field_value(), amount.into(), fee, to.to_string());
		self.save()?;
		Ok(outcome)
	}

	/// Unshield `amount` of a foreign asset straight to `beneficiary` on its reserve chain (the
	/// relay chain for its token, Asset Hub for its assets): the pool pays the beneficiary's
	/// outbox, which the runtime empties over XCM in the same call. Signed by `relayer`, which
	/// takes `fee` in the asset; the reserve takes its execution fee from `amount`.
	pub async fn unshield_to_reserve(
		&mut self,
		chain: &Chain,
		params: &ProvingKey,
		asset: AssetArg,
		amount: u64,
		beneficiary: Beneficiary,
		fee: Fee<'_>,
	) -> Result<Outcome, WalletError> {
		let Fee { amount: fee, relayer } = fee;
		let relayer = relayer.ok_or(WalletError::Usage("an unshield to a reserve is signed by a relayer".into()))?;
		if !matches!(asset, AssetArg::Foreign(_)) {
			return Err(WalletError::Usage("only a foreign asset has a reserve to go back to".into()));
		}
		let to = format!("reserve beneficiary 0x{}", hex::encode(&beneficiary.0));
		let plan = Plan {
			asset,
			ext_amount: -i128::from(amount),
			fee,
			recipient: Some(beneficiary.outbox()),
			relayer: Some(account_of(relayer)),
			payment: None,
			reserve: Some(beneficiary),
		};
		let outcome = self.transact(chain, params, &plan, Some(relayer)).await?;
		self.record(&outcome.tx, EntryKind::Unshield, asset.field_value(), amount.into(), fee, to);
		self.save()?;
		Ok(outcome)
	}

	/// Prove and submit `plan`, first merging notes when the value it spends is spread over
	/// more than two (each merge pays `plan.fee`, and is a transaction of its own: a spend of
	/// two notes into one new note of the wallet's).
	async fn transact(
		&mut self,
		chain: &Chain,
		params: &ProvingKey,
		plan: &Plan,
		signer: Option<&subxt_signer::sr25519::Keypair>,
	) -> Result<Outcome, WalletError> {
		self.keys.spending_key()?;
		self.sync(chain, |_, _| {}).await?;
		let asset = plan.asset.field_value();
		let needed = plan.spent_value()?;
		let merges = self.state.merges_needed(asset, needed, plan.fee)?;
		let mut merged = Vec::with_capacity(merges);
		let transactions = merges.saturating_add(1);
		for round in 1..=merges {
			self.current = (round, transactions);
			let joined: u128 = self.state.unspent(asset).iter().take(2).map(|n| u128::from(n.value)).sum();
			tracing::info!(target: "zksettle::wallet", round, of = merges, joined, "merging two notes");
			// Signed by the transaction's relayer when it has one (a merge of a non-native asset
			// cannot go unsigned).
			let merge = Plan { payment: None, ext_amount: 0, recipient: None, reserve: None, ..plan.clone() };
			let included = self.submit_retrying_stale_root(chain, params, &merge, signer, Spend::LargestTwo).await?;
			self.record(&included, EntryKind::Merge, asset, joined.saturating_sub(plan.fee), plan.fee, "self".into());
			self.sync(chain, |_, _| {}).await?;
			merged.push(included);
		}
		self.current = (transactions, transactions);
		let tx = self.submit_retrying_stale_root(chain, params, plan, signer, Spend::Cover(needed)).await?;
		// Pick up the new notes (change included) and the spends right away.
		self.sync(chain, |_, _| {}).await?;
		Ok(Outcome { tx, merges: merged })
	}

	/// [`Self::prove_and_submit`]; when the root the proof used went out of the chain's recent
	/// roots while proving (a long proof under heavy load), sync and prove once more.
	async fn submit_retrying_stale_root(
		&mut self,
		chain: &Chain,
		params: &ProvingKey,
		plan: &Plan,
		signer: Option<&subxt_signer::sr25519::Keypair>,
		spend: Spend,
	) -> Result<Included, WalletError> {
		match self.prove_and_submit(chain, params, plan, signer, spend).await {
			Err(WalletError::StaleRoot) => {
				tracing::info!(target: "zksettle::wallet", "the root went stale while proving: syncing and proving again");
				self.prove_and_submit(chain, params, plan, signer, spend).await
			},
			other => other,
		}
	}

	async fn prove_and_submit(
		&mut self,
		chain: &Chain,
		params: &ProvingKey,
		plan: &Plan,
		signer: Option<&subxt_signer::sr25519::Keypair>,
		spend: Spend,
	) -> Result<Included, WalletError> {
		self.sync(chain, |_, _| {}).await?;
		let asset = plan.asset.field_value();
		let spends = match spend {
			Spend::Cover(needed) => self.state.select(asset, needed)?,
			Spend::LargestTwo => self.state.unspent(asset).into_iter().take(2).cloned().collect(),
		};
		// The paths are the wallet's own: the node is asked only whether the root is known.
		let (root, paths) = if spends.is_empty() && self.state.frontier.is_none() {
			// Nothing spent and no note seen since the birthday: the chain's root will do.
			(chain.current_root().await?, Vec::new())
		} else {
			self.state.anchor(&spends)?
		};
		let (known, key_version, chain_key) = chain.proving_context(&root).await?;
		if !known {
			return Err(WalletError::StaleRoot);
		}
		if params.verifying_key_bytes() != chain_key {
			return Err(WalletError::KeyMismatch(key_version));
		}
		let (tx_index, of) = self.current;
		self.step(Step::Proving { tx: tx_index, of });
		let started = std::time::Instant::now();
		let tx = builder::prove(&self.keys, plan, &spends, &Anchor { root, paths, key_version, genesis: chain.genesis_hash() }, params)?;
		tracing::debug!(target: "zksettle::wallet", spent = spends.len(), ms = started.elapsed().as_millis() as u64, "proved");
		let mut args = tx.encode();
		let call = match (&plan.reserve, signer) {
			(Some(beneficiary), _) => {
				args.extend_from_slice(&beneficiary.0);
				"transact_to_reserve"
			},
			(None, Some(_)) => "transact",
			(None, None) => {
				// The work stamp the node asks of a proof it checks for free; searched on all
				// cores, after the proof, as the stamp covers the proof's bytes. A runtime from
				// before stamps takes the transaction alone.
				if let Some(bits) = chain.unsigned_stamp_bits().await? {
					self.step(Step::Stamping { bits });
					let started = std::time::Instant::now();
					let seed = zk_verifier::stamp::seed(&args);
					let threads = std::thread::available_parallelism().map_or(1, usize::from);
					let stamp = tokio::task::spawn_blocking(move || zk_verifier::stamp::mint(&seed, bits, threads))
						.await
						.map_err(|e| WalletError::Node(format!("stamp search: {e}")))?
						.ok_or_else(|| WalletError::Rejected(format!("the chain asks for a {bits}-bit stamp, beyond reach")))?;
					tracing::debug!(target: "zksettle::wallet", bits, ms = started.elapsed().as_millis() as u64, "stamped");
					args.extend_from_slice(&stamp.to_le_bytes());
				}
				"transact_unsigned"
			},
		};
		self.step(Step::Finalizing { tx: tx_index, of });
		chain.submit(call, &args, signer).await
	}
}

/// The fee of a spend, from shielded value, and who submits it.
#[derive(Clone, Copy)]
pub struct Fee<'a> {
	/// In the transaction's asset.
	pub amount: u128,
	/// `None`: unsigned, the fee to the block author (native token only). `Some`: the relayer
	/// signs and takes the fee.
	pub relayer: Option<&'a subxt_signer::sr25519::Keypair>,
}

impl<'a> Fee<'a> {
	/// An unsigned transaction's fee.
	pub fn unsigned(amount: u128) -> Self {
		Fee { amount, relayer: None }
	}

	/// A fee for `relayer`, which signs.
	pub fn relayed(amount: u128, relayer: Option<&'a subxt_signer::sr25519::Keypair>) -> Self {
		Fee { amount, relayer }
	}
}

/// The account of a signer, as the pool names fee recipients.
fn account_of(signer: &subxt_signer::sr25519::Keypair) -> [u8; 32] {
	signer.public_key().0
}

/// An sr25519 signer from a secret URI: a mnemonic, or a dev URI such as `//Alice`.
pub fn signer(uri: &str) -> Result<subxt_signer::sr25519::Keypair, WalletError> {
	Ok(zksettle_client::signer::sr25519(uri)?)
}

/// The proving parameters: read from `path`, or, for development networks, derived from the
/// public development seed and cached at `cache` (the derivation takes a while).
pub fn proving_key(path: Option<&Path>, cache: &Path) -> Result<ProvingKey, WalletError> {
	let read = |p: &Path| -> Result<ProvingKey, WalletError> {
		let file = std::fs::File::open(p).map_err(|e| WalletError::io(p.display().to_string(), e))?;
		ProvingKey::read(std::io::BufReader::new(file)).map_err(|e| WalletError::corrupt(p.display().to_string(), e.to_string()))
	};
	if let Some(path) = path {
		return read(path);
	}
	if cache.exists() {
		if let Ok(key) = read(cache) {
			return Ok(key);
		}
	}
	let key = ProvingKey::generate(zk_verifier::prover::DEV_SETUP_SEED).map_err(|e| WalletError::Prover(e.to_string()))?;
	if let Some(dir) = cache.parent() {
		std::fs::create_dir_all(dir).map_err(|e| WalletError::io(dir.display().to_string(), e))?;
	}
	let tmp = cache.with_extension("tmp");
	let file = std::fs::File::create(&tmp).map_err(|e| WalletError::io(tmp.display().to_string(), e))?;
	key.write(std::io::BufWriter::new(file)).map_err(|e| WalletError::Prover(e.to_string()))?;
	std::fs::rename(&tmp, cache).map_err(|e| WalletError::io(cache.display().to_string(), e))?;
	Ok(key)
}

#[cfg(all(test, unix))]
mod tests {
	use std::os::unix::fs::PermissionsExt;

	use super::*;

	fn mode(path: &Path) -> u32 {
		crate::files::mode(path).unwrap()
	}

	/// A new wallet's keystore and state: the owner's alone, even under a permissive umask.
	#[test]
	fn a_new_wallet_is_readable_by_its_owner_alone() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("wallet");
		let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
		let keys = Keys::from_phrase(phrase).unwrap();
		Wallet::create(&path, keys, "pw", 4, 0, None).unwrap();
		assert_eq!(mode(&path), 0o700);
		assert_eq!(mode(&path.join("keystore.json")), 0o600);
		assert_eq!(mode(&path.join("state.bin")), 0o600);

		// An older wallet's files, readable by all, are made private when it is opened.
		for file in [path.join("keystore.json"), path.join("state.bin")] {
			std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
		}
		Wallet::open(&path, "pw").unwrap();
		assert_eq!((mode(&path.join("keystore.json")), mode(&path.join("state.bin"))), (0o600, 0o600));
	}
}
