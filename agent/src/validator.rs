//! The validator: watch a mailbox, sign each dispatched message's checkpoint, serve them.
//!
//! A checkpoint is signed only from finalized blocks, so a validator never signs a root that a
//! reorganisation could take back (Hyperlane validators wait for their reorg period for the same
//! reason). The messages are read from the chain's current state and the tree is rebuilt from
//! them; before signing, the validator checks that each names this chain as its origin and its
//! leaf as its nonce, and that the rebuilt root is the chain's. Signed checkpoints are kept in
//! memory and, with a database file, on disk, so a restarted validator serves what it signed
//! before; with a checkpoint directory they are also published in Hyperlane's checkpoint storage
//! layout ([`crate::storage`]), which Hyperlane relayers read.
//!
//! JSON-RPC methods (jsonrpsee, HTTP and WebSocket on one port):
//!
//! | method                     | params    | result                                   |
//! |----------------------------|-----------|------------------------------------------|
//! | `validator_address`        | —         | the validator's Ethereum address (hex)   |
//! | `validator_checkpoint`     | `[index]` | the [`SignedCheckpoint`] at that leaf, or null |
//! | `validator_latestIndex`    | —         | the highest leaf signed, or null          |

use std::{collections::BTreeMap, net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use jsonrpsee::{
	server::{Server, ServerHandle},
	types::ErrorObjectOwned,
	RpcModule,
};
use pallet_settlement::checkpoint::Checkpoint;
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use crate::{
	hex0x, unhex,
	mailbox::{Mailbox, Outbox},
	metrics::Metrics,
	signer::ValidatorKey,
	storage::publisher::Publisher,
	AgentError,
};

/// A signed checkpoint, as served (byte strings in 0x-hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedCheckpoint {
	/// Origin domain.
	pub origin: u32,
	/// Merkle tree hook.
	pub merkle_tree_hook: String,
	/// Root.
	pub root: String,
	/// Leaf index.
	pub index: u32,
	/// Message id.
	pub message_id: String,
	/// `r ‖ s ‖ v`.
	pub signature: String,
	/// The signer.
	pub validator: String,
}

impl SignedCheckpoint {
	/// The checkpoint it signs, or `None` if a field is malformed.
	pub fn checkpoint(&self) -> Option<Checkpoint> {
		Some(Checkpoint {
			origin: self.origin,
			merkle_tree_hook: unhex(&self.merkle_tree_hook)?,
			root: unhex(&self.root)?,
			index: self.index,
			message_id: unhex(&self.message_id)?,
		})
	}
}

/// The checkpoints a validator has signed, by leaf index.
#[derive(Clone, Default)]
pub struct Store {
	inner: Arc<RwLock<BTreeMap<u32, SignedCheckpoint>>>,
	file: Option<PathBuf>,
	/// Where they are published in Hyperlane's layout, if anywhere.
	published: Option<Publisher>,
}

impl Store {
	/// A store kept in `file` (loaded if it exists), or in memory only.
	///
	/// The file is a log, one signed checkpoint per line, appended and synced as each is signed:
	/// a signature costs one short write however many came before. A line torn by a crash
	/// mid-append is dropped at the next start (that checkpoint is signed again, identically:
	/// RFC 6979 signatures are deterministic). A file of the earlier format (one JSON object of
	/// every checkpoint by index) is read and rewritten as a log.
	pub fn open(file: Option<PathBuf>) -> Result<Self, AgentError> {
		let mut map = BTreeMap::new();
		if let Some(path) = &file {
			let text = match std::fs::read_to_string(path) {
				Ok(text) => text,
				Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
				Err(e) => return Err(AgentError::Io(path.display().to_string(), e)),
			};
			let mut rewrite = false;
			if let Ok(earlier) = serde_json::from_str::<BTreeMap<u32, SignedCheckpoint>>(&text) {
				map = earlier;
				rewrite = true;
			} else {
				let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
				for (n, line) in lines.iter().enumerate() {
					match serde_json::from_str::<SignedCheckpoint>(line) {
						Ok(signed) => {
							map.insert(signed.index, signed);
						},
						Err(_) if n + 1 == lines.len() => {
							tracing::warn!(target: LOG, file = %path.display(), "dropping a torn last line");
							rewrite = true;
						},
						Err(e) => return Err(AgentError::Config(format!("{}: line {}: {e}", path.display(), n + 1))),
					}
				}
			}
			if rewrite {
				let mut log = String::new();
				for signed in map.values() {
					log.push_str(&log_line(signed)?);
				}
				let tmp = path.with_extension("tmp");
				std::fs::write(&tmp, log).map_err(|e| AgentError::Io(tmp.display().to_string(), e))?;
				std::fs::rename(&tmp, path).map_err(|e| AgentError::Io(path.display().to_string(), e))?;
			}
		}
		Ok(Store { inner: Arc::new(RwLock::new(map)), file, published: None })
	}

	/// Also publish every checkpoint in `storage` (Hyperlane's checkpoint storage), and take in
	/// what it already holds for `validator` (a restarted validator's earlier work).
	pub async fn publishing(mut self, storage: Publisher, validator: &str) -> Result<Self, AgentError> {
		let earlier = storage.load(validator).await?;
		{
			let mut map = self.inner.write().await;
			for (index, signed) in earlier {
				map.entry(index).or_insert(signed);
			}
		}
		// What the store held but the storage does not (a validator that starts publishing).
		let latest = storage.latest_index().await?;
		for signed in self.inner.read().await.values() {
			if storage.lacks(signed, validator, latest).await? {
				storage.write(signed).await?;
			}
		}
		self.published = Some(storage);
		Ok(self)
	}

	/// The checkpoint at `index`.
	pub async fn get(&self, index: u32) -> Option<SignedCheckpoint> {
		self.inner.read().await.get(&index).cloned()
	}

	/// The highest index signed.
	pub async fn latest(&self) -> Option<u32> {
		self.inner.read().await.keys().next_back().copied()
	}

	async fn insert(&self, signed: SignedCheckpoint) -> Result<(), AgentError> {
		let mut map = self.inner.write().await;
		if let Some(path) = &self.file {
			use std::io::Write;
			let io = |e| AgentError::Io(path.display().to_string(), e);
			let mut log = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(io)?;
			log.write_all(log_line(&signed)?.as_bytes()).and_then(|()| log.sync_data()).map_err(io)?;
		}
		map.insert(signed.index, signed.clone());
		if let Some(storage) = &self.published {
			storage.write(&signed).await?;
		}
		Ok(())
	}
}

/// The log target of the validator.
const LOG: &str = "zksettle_agent::validator";

/// One line of the store's log.
fn log_line(signed: &SignedCheckpoint) -> Result<String, AgentError> {
	let mut line = serde_json::to_string(signed).map_err(|e| AgentError::Config(e.to_string()))?;
	line.push('\n');
	Ok(line)
}

/// What a validator signs for, fixed in its configuration: a node that serves another chain
/// (another domain, or another mailbox: a re-genesis, a wrong URL, a chain that took a domain
/// not its own) gets no signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pin {
	/// The origin domain.
	pub domain: u32,
	/// The origin's merkle tree hook (mailbox) address.
	pub hook: [u8; 32],
}

impl Pin {
	/// Refuse a chain that is not the pinned one.
	pub fn check(&self, domain: u32, hook: [u8; 32]) -> Result<(), AgentError> {
		if domain != self.domain || hook != self.hook {
			return Err(AgentError::Config(format!(
				"the node serves domain {domain} with hook 0x{}, but this validator signs only for domain {} with hook 0x{}",
				hex::encode(hook),
				self.domain,
				hex::encode(self.hook)
			)));
		}
		Ok(())
	}
}

/// Announce on `mailbox`'s chain that `validator`'s checkpoints are at `location` (the chain's
/// `announce`, paid by `payer`), unless the chain already lists that location for it; retried
/// with a backoff until it is listed, as Hyperlane validators wait until their announcement
/// lands. Relayers that find validators from the chain read `location` from then on.
pub async fn announce_on_chain(
	mailbox: &Mailbox,
	validator: crate::signer::EthAddress,
	location: &str,
	signature: &[u8; 65],
	payer: &subxt_signer::sr25519::Keypair,
) -> Result<(), AgentError> {
	let address = validator;
	let mut failures = 0u32;
	loop {
		let attempt = async {
			let announced = mailbox.announced_storage_locations(&[address]).await?;
			let listed = announced.first().map(Vec::as_slice).unwrap_or_default();
			match listed.iter().position(|l| l == location) {
				Some(at) if at + 1 == listed.len() => return Ok(false),
				// Relayers read the newest location first: publishing to an older one, which can
				// never be announced again, would go unread.
				Some(_) => {
					return Err(AgentError::Config(format!(
						"{location} was announced before {}, which relayers read first; publish to a location never announced (a new folder)",
						listed.last().map(String::as_str).unwrap_or_default()
					)))
				},
				None => {},
			}
			mailbox.announce(address, location, signature, payer).await.map(|_| true)
		};
		match attempt.await {
			Ok(submitted) => {
				tracing::info!(target: LOG, %location, "{}", if submitted { "announced on-chain" } else { "already announced on-chain" });
				return Ok(());
			},
			Err(e @ AgentError::Config(_)) => return Err(e),
			Err(e) => {
				failures = failures.saturating_add(1);
				let wait = crate::backoff(failures);
				tracing::warn!(target: LOG, %location, "announcing on-chain: {e}; retrying in {wait:?}");
				tokio::time::sleep(wait).await;
			},
		}
	}
}

/// Sign the checkpoint of every message from leaf `from` on, up to the finalized head and then
/// as they come, forever (until the task is dropped), for the pinned chain only. The messages
/// come from the chain's current state ([`Outbox`]), so a validator that was down signs what was
/// dispatched meanwhile however long ago, and one whose rebuilt tree disagrees with the chain's
/// root signs nothing. Checkpoints the store holds are not signed again. A failing node is
/// polled again with a backoff and connected to again; this returns only when the chain is not
/// the pinned one or the store cannot be written.
pub async fn watch(
	mailbox: &mut Mailbox,
	key: &ValidatorKey,
	store: &Store,
	from: u32,
	pin: Pin,
	metrics: Option<&Metrics>,
) -> Result<(), AgentError> {
	pin.check(mailbox.domain, mailbox.hook)?;
	let mut outbox = Outbox::default();
	let mut failures = 0u32;
	loop {
		let new = match outbox.poll(mailbox).await {
			Ok(new) => {
				failures = 0;
				new
			},
			Err(e) => {
				if let Some(metrics) = metrics {
					metrics.error(&e);
				}
				failures = failures.saturating_add(1);
				let wait = crate::backoff(failures);
				tracing::warn!(target: LOG, domain = pin.domain, "{e}; retrying in {wait:?}");
				tokio::time::sleep(wait).await;
				if let Err(e) = mailbox.reconnect().await {
					tracing::warn!(target: LOG, domain = pin.domain, "reconnecting: {e}");
				}
				continue;
			},
		};
		for dispatched in new {
			if let Some(metrics) = metrics {
				metrics.observed(dispatched.leaf_index);
			}
			if dispatched.leaf_index < from || store.get(dispatched.leaf_index).await.is_some() {
				continue;
			}
			let checkpoint = Checkpoint {
				origin: pin.domain,
				merkle_tree_hook: pin.hook,
				root: dispatched.root,
				index: dispatched.leaf_index,
				message_id: dispatched.id,
			};
			let signature = key.sign(&checkpoint)?;
			store
				.insert(SignedCheckpoint {
					origin: checkpoint.origin,
					merkle_tree_hook: hex0x(&checkpoint.merkle_tree_hook),
					root: hex0x(&checkpoint.root),
					index: checkpoint.index,
					message_id: hex0x(&checkpoint.message_id),
					signature: hex0x(&signature),
					validator: hex0x(&key.address()),
				})
				.await?;
			tracing::info!(target: LOG, index = checkpoint.index, id = %hex0x(&checkpoint.message_id), "signed");
			if let Some(metrics) = metrics {
				metrics.signed(checkpoint.index);
			}
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// Serve `store` over JSON-RPC at `addr`.
pub async fn serve(store: Store, address: [u8; 20], addr: SocketAddr) -> Result<(ServerHandle, SocketAddr), AgentError> {
	let server = Server::builder().build(addr).await.map_err(|e| AgentError::Server(e.to_string()))?;
	let local = server.local_addr().map_err(|e| AgentError::Server(e.to_string()))?;
	let mut module = RpcModule::new(store);
	let shown = hex0x(&address);
	module
		.register_method("validator_address", move |_, _, _| Ok::<_, ErrorObjectOwned>(shown.clone()))
		.map_err(|e| AgentError::Server(e.to_string()))?;
	module
		.register_async_method("validator_checkpoint", |params, store, _| async move {
			let index: u32 = params.one()?;
			Ok::<_, ErrorObjectOwned>(store.get(index).await)
		})
		.map_err(|e| AgentError::Server(e.to_string()))?;
	module
		.register_async_method("validator_latestIndex", |_, store, _| async move {
			Ok::<_, ErrorObjectOwned>(store.latest().await)
		})
		.map_err(|e| AgentError::Server(e.to_string()))?;
	Ok((server.start(module), local))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn signed(index: u32) -> SignedCheckpoint {
		SignedCheckpoint {
			origin: 1,
			merkle_tree_hook: hex0x(&[1; 32]),
			root: hex0x(&[2; 32]),
			index,
			message_id: hex0x(&[3; 32]),
			signature: hex0x(&[4; 65]),
			validator: hex0x(&[5; 20]),
		}
	}

	#[tokio::test]
	async fn the_store_is_a_log_that_survives_a_torn_append_and_reads_the_old_format() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("store.json");
		let store = Store::open(Some(path.clone())).unwrap();
		for index in 0..3 {
			store.insert(signed(index)).await.unwrap();
		}
		assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3, "one line per checkpoint");
		// A crash in the middle of the fourth append.
		let mut text = std::fs::read_to_string(&path).unwrap();
		text.push_str(&log_line(&signed(3)).unwrap()[..20]);
		std::fs::write(&path, text).unwrap();
		let store = Store::open(Some(path.clone())).unwrap();
		assert_eq!(store.latest().await, Some(2));
		store.insert(signed(3)).await.unwrap();
		let store = Store::open(Some(path.clone())).unwrap();
		assert_eq!(store.latest().await, Some(3));
		assert_eq!(store.get(1).await, Some(signed(1)));
		// A torn line that is not the last is corruption, not a crash: refused.
		std::fs::write(&path, format!("{{\n{}", log_line(&signed(0)).unwrap())).unwrap();
		assert!(matches!(Store::open(Some(path.clone())), Err(AgentError::Config(_))));
		// The earlier format: one object of every checkpoint by index.
		let old: BTreeMap<u32, SignedCheckpoint> = (0..2).map(|i| (i, signed(i))).collect();
		std::fs::write(&path, serde_json::to_vec(&old).unwrap()).unwrap();
		let store = Store::open(Some(path.clone())).unwrap();
		assert_eq!(store.latest().await, Some(1));
		assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 2, "rewritten as a log");
	}

	#[test]
	fn a_validator_signs_only_for_its_pinned_chain() {
		let pin = Pin { domain: 1_000_001, hook: [7; 32] };
		assert!(pin.check(1_000_001, [7; 32]).is_ok());
		// A chain that took the pinned domain but is another chain (another mailbox address).
		assert!(matches!(pin.check(1_000_001, [8; 32]), Err(AgentError::Config(_))));
		// The right mailbox under another domain.
		assert!(matches!(pin.check(1_000_002, [7; 32]), Err(AgentError::Config(_))));
	}
}
