//! The relayer: deliver an origin chain's messages to a destination chain.
//!
//! For each message dispatched (in a finalized block) towards the destination, the relayer
//! asks the destination which ISM will verify it, collects signed checkpoints from the ISM's
//! validators ([`sources`]: the storage locations they announced on the origin, as Hyperlane's
//! relayer finds them, or endpoints the operator lists), keeps only signatures that are for
//! exactly the checkpoint it needs and
//! recover to a validator of that ISM, orders them as the ISM's validator set, and submits
//! `process` with the metadata Hyperlane's relayer builds for that ISM type:
//!
//! * message-id multisig: `merkleTreeHook ‖ root ‖ index ‖ signatures`;
//! * merkle-root multisig: `merkleTreeHook ‖ message index ‖ signed message id ‖ proof (32 × 32)
//!   ‖ signed index ‖ signatures`, the proof built from the origin's outbound tree, which the
//!   relayer rebuilds from every message the origin keeps in its state (from leaf 0);
//! * aggregation: the offset table and the parts of exactly `threshold` sub-ISMs;
//! * routing: the metadata of the ISM routed to for the message's origin.
//!
//! A message is never dropped for a transient failure: without enough signatures yet, or when a
//! node, a validator or the destination fails, it stays pending and is retried with a backoff
//! (0.5 s doubling, capped at a minute); a failing origin node is polled again the same way, and
//! a failing node is connected to again. Only a message this relayer can never deliver (an
//! unsupported recipient or body) is given up. Its position and the messages it owes are kept in
//! a database ([`db`]), so a relayer killed at any moment resumes where it was.

pub mod db;
pub mod metadata;
pub mod sources;

use futures::StreamExt;
use std::{
	collections::BTreeMap,
	time::{Duration, Instant},
};

use pallet_settlement::{
	checkpoint::Checkpoint,
	isms::{aggregation, multisig::recover},
	merkle::branch_root,
	message::Message,
	SettlerMessage,
};
use zksettle_client::chain::Included;

use self::{
	db::{Db, Route},
	metadata::{merkle_proof, merkle_root_metadata, message_id_metadata},
	sources::Validators,
};
use crate::{
	backoff, hex0x,
	mailbox::{Dispatched, Ism, Mailbox, Outbox},
	metrics::Metrics,
	unhex, AgentError,
};

/// A relayer for one direction, origin → destination.
pub struct Relayer {
	/// Where messages come from.
	pub origin: Mailbox,
	/// Where they go.
	pub destination: Mailbox,
	/// Where the validators' checkpoints are.
	validators: Validators,
	/// The account that submits (and pays for) `process`.
	signer: subxt_signer::sr25519::Keypair,
	/// What it tells Prometheus, if anything.
	metrics: Option<Metrics>,
}

/// How many deliveries a relayer has in flight at once.
const IN_FLIGHT: usize = 16;

/// The longest one message's checkpoint fetches take, all sources together.
pub const FETCH_BOUND: Duration = Duration::from_secs(15);

/// How many paid deliveries of one message may fail on chain (after passing their dry run)
/// before the message is given up: each costs a transaction fee.
pub const MAX_REJECTED: u32 = 3;

/// The log target of the relayer.
const LOG: &str = "zksettle_agent::relayer";

/// What happened to one message.
#[derive(Clone, Debug)]
pub enum Outcome {
	/// Delivered now.
	Delivered(Included),
	/// Delivered before (by us or another relayer).
	AlreadyDelivered,
}

/// How deep aggregation and routing ISMs may nest (the pallet's own limit is lower).
const MAX_DEPTH: u32 = 8;

impl Relayer {
	/// A relayer between two connected mailboxes, reading `validators`.
	pub fn new(origin: Mailbox, destination: Mailbox, validators: Validators, signer: subxt_signer::sr25519::Keypair) -> Self {
		Relayer { origin, destination, validators, signer, metrics: None }
	}

	/// Count in `metrics`.
	pub fn with_metrics(mut self, metrics: Metrics) -> Self {
		self.metrics = Some(metrics);
		self
	}

	/// Up to `need` signatures for `checkpoint` from the validators of `set`, in the set's order.
	/// Every source is asked at once; the fetch stops as soon as `need` distinct validators have
	/// signed, or after [`FETCH_BOUND`] with what it has: one slow or hostile storage location
	/// (anyone can announce one) delays a delivery by that much at most.
	async fn signatures(&self, checkpoint: &Checkpoint, set: &[[u8; 20]], need: usize) -> Result<Vec<[u8; 65]>, AgentError> {
		let digest = checkpoint.digest();
		let mut found: Vec<(usize, [u8; 65])> = Vec::new();
		let sources = self.validators.sources(&self.origin, set).await?;
		let mut fetches: futures::stream::FuturesUnordered<_> = sources
			.iter()
			.map(|(url, source)| async move { (url, source.checkpoint(url, checkpoint.index, self.metrics.as_ref()).await) })
			.collect();
		let collect = async {
			while let Some((url, signed)) = fetches.next().await {
				let Some(signed) = signed else { continue };
				// Only a signature over exactly this checkpoint counts.
				if signed.checkpoint().as_ref() != Some(checkpoint) {
					tracing::warn!(target: LOG, validator = %url, index = checkpoint.index, "a checkpoint that differs from the chain's; ignored");
					continue;
				}
				let Some(signature) = unhex::<65>(&signed.signature) else { continue };
				let Ok(signer) = recover(&digest, &signature) else { continue };
				if let Some(position) = set.iter().position(|v| *v == signer) {
					if !found.iter().any(|(p, _)| *p == position) {
						found.push((position, signature));
					}
				}
				if found.len() >= need {
					break;
				}
			}
		};
		if tokio::time::timeout(FETCH_BOUND, collect).await.is_err() {
			tracing::debug!(target: LOG, index = checkpoint.index, have = found.len(), need, "checkpoint fetches cut at {FETCH_BOUND:?}");
		}
		found.sort_by_key(|(position, _)| *position);
		Ok(found.into_iter().map(|(_, signature)| signature).collect())
	}

	/// The metadata ISM `ism_id` needs to verify `dispatched`; `leaves` are the origin's
	/// message ids so far, by leaf index.
	fn metadata<'a>(
		&'a self,
		ism_id: u32,
		dispatched: &'a Dispatched,
		leaves: &'a [[u8; 32]],
		depth: u32,
	) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<u8>, AgentError>> + Send + 'a>> {
		Box::pin(async move {
			if depth > MAX_DEPTH {
				return Err(AgentError::Unsupported(format!("ISMs nest deeper than {MAX_DEPTH}")));
			}
			let checkpoint = Checkpoint {
				origin: self.origin.domain,
				merkle_tree_hook: self.origin.hook,
				root: dispatched.root,
				index: dispatched.leaf_index,
				message_id: dispatched.id,
			};
			match self.destination.ism(ism_id).await? {
				Ism::MessageIdMultisig { validators, threshold } => {
					let need = usize::from(threshold);
					let signatures = self.signatures(&checkpoint, &validators, need).await?;
					let signatures = signatures.get(..need).ok_or(AgentError::NotEnoughSignatures { have: signatures.len(), need })?;
					Ok(message_id_metadata(&checkpoint, signatures))
				},
				Ism::MerkleRootMultisig { validators, threshold } => {
					// The checkpoint at the message's own leaf: its root covers the message.
					let index = usize::try_from(dispatched.leaf_index).map_err(|_| AgentError::Node("leaf index".into()))?;
					let known = leaves.get(..=index).ok_or_else(|| AgentError::Node(format!("leaf {index} not seen yet")))?;
					let proof = merkle_proof(known, index);
					if branch_root(&dispatched.id, &proof, dispatched.leaf_index) != dispatched.root {
						return Err(AgentError::Node("the origin's tree disagrees with the rebuilt one".into()));
					}
					let need = usize::from(threshold);
					let signatures = self.signatures(&checkpoint, &validators, need).await?;
					let signatures = signatures.get(..need).ok_or(AgentError::NotEnoughSignatures { have: signatures.len(), need })?;
					Ok(merkle_root_metadata(&checkpoint.merkle_tree_hook, dispatched.leaf_index, &proof, &checkpoint, signatures))
				},
				Ism::Aggregation { modules, threshold } => {
					// Exactly `threshold` parts, from the first modules that can be satisfied.
					let mut parts: Vec<Option<Vec<u8>>> = vec![None; modules.len()];
					let mut have = 0usize;
					let mut last_error = None;
					for (slot, module) in parts.iter_mut().zip(&modules) {
						if have == usize::from(threshold) {
							break;
						}
						match self.metadata(*module, dispatched, leaves, depth + 1).await {
							Ok(part) => {
								*slot = Some(part);
								have += 1;
							},
							Err(e) => last_error = Some(e),
						}
					}
					if have < usize::from(threshold) {
						return Err(last_error.unwrap_or(AgentError::NotEnoughSignatures { have, need: usize::from(threshold) }));
					}
					let refs: Vec<Option<&[u8]>> = parts.iter().map(|p| p.as_deref()).collect();
					Ok(aggregation::encode(&refs))
				},
				// The relay chain attests it: nothing to bring once it has arrived over XCM.
				Ism::Native { para } =>
					if self.destination.natively_attested(dispatched.id, para).await? {
						Ok(Vec::new())
					} else {
						Err(AgentError::Waiting(format!("message 0x{} not yet attested over XCM by parachain {para}", hex::encode(dispatched.id))))
					},
				Ism::Routing { routes } => {
					let (_, routed) = routes
						.iter()
						.find(|(origin, _)| *origin == self.origin.domain)
						.ok_or_else(|| AgentError::Unsupported(format!("ISM {ism_id} has no route for domain {}", self.origin.domain)))?;
					self.metadata(*routed, dispatched, leaves, depth + 1).await
				},
			}
		})
	}

	/// Deliver one dispatched message; `leaves` are the origin's message ids so far. Anyone can
	/// dispatch a message that validators then sign, so nothing is paid for before the
	/// destination is known to accept it: the message is screened ([`Self::screen`]) before any
	/// signature is fetched, and `process` is dry-run with the metadata before it is submitted.
	pub async fn relay(&self, dispatched: &Dispatched, leaves: &[[u8; 32]]) -> Result<Outcome, AgentError> {
		if self.destination.delivered(dispatched.id).await? {
			return Ok(Outcome::AlreadyDelivered);
		}
		let message = Message::from_bytes(&dispatched.message).map_err(|_| AgentError::Node("short message".into()))?;
		if message.id() != dispatched.id {
			return Err(AgentError::Node("a Dispatched event that does not hash to its id".into()));
		}
		if let Some(outcome) = self.screen(&message, &dispatched.message).await? {
			return Ok(outcome);
		}
		let ism_id = self.destination.ism_id_for(&message).await?;
		let metadata = self.metadata(ism_id, dispatched, leaves, 0).await?;
		if let Err(refusal) = self.destination.dry_run_process(&metadata, &dispatched.message, self.account()).await? {
			return match classify(&refusal) {
				Refusal::Delivered => Ok(Outcome::AlreadyDelivered),
				Refusal::Never => Err(AgentError::Unsupported(refusal)),
				Refusal::NotOpen => Err(AgentError::Waiting(refusal)),
				Refusal::Metadata => Err(AgentError::Refused(refusal)),
			};
		}
		match self.destination.process(&metadata, &dispatched.message, &self.signer).await {
			Ok(included) => Ok(Outcome::Delivered(included)),
			// Delivered meanwhile: by another relayer, or by this one's own submission from before
			// a restart, which landed first. Done, not a failure to retry.
			Err(e) => match self.destination.delivered(dispatched.id).await {
				Ok(true) => Ok(Outcome::AlreadyDelivered),
				_ => Err(AgentError::Rejected(e.to_string())),
			},
		}
	}

	/// Give up, before any signature is fetched, what the destination can never accept: a body
	/// for the settler that is neither a fill nor a refund, or one that does not come from the
	/// origin's settler (only it speaks for orders: a user dispatching a fill-shaped body to the
	/// settler is refused as `FillFromWrongSettler`); for any other recipient, what the
	/// destination's dry run refuses before it reads the metadata (an unknown recipient, another
	/// destination). `Some` when there is nothing left to do.
	async fn screen(&self, message: &Message, bytes: &[u8]) -> Result<Option<Outcome>, AgentError> {
		if message.recipient == self.destination.settler {
			if SettlerMessage::decode(&message.body).is_none() {
				return Err(AgentError::Unsupported("a body for the settler that is neither a fill nor a refund".into()));
			}
			if message.sender != self.origin.settler {
				return Err(AgentError::Unsupported(format!(
					"a settler message from {}, not from the origin's settler",
					hex0x(&message.sender)
				)));
			}
			return Ok(None);
		}
		match self.destination.dry_run_process(&[], bytes, self.account()).await? {
			Ok(()) => Ok(None),
			Err(refusal) => match classify(&refusal) {
				Refusal::Delivered => Ok(Some(Outcome::AlreadyDelivered)),
				Refusal::Never => Err(AgentError::Unsupported(refusal)),
				// The ISM wants metadata, as expected of empty metadata.
				Refusal::NotOpen | Refusal::Metadata => Ok(None),
			},
		}
	}

	/// The account that submits `process`.
	fn account(&self) -> [u8; 32] {
		self.signer.public_key().0
	}

	/// Count failures in the metrics, if any.
	fn failed(&self, error: &AgentError) {
		if let Some(metrics) = &self.metrics {
			metrics.error(error);
		}
	}

	/// The route this relayer serves, as its database names it.
	pub fn route(&self) -> Route {
		Route {
			origin: self.origin.domain,
			origin_genesis: hex0x(&self.origin.chain.genesis_hash()),
			destination: self.destination.domain,
			destination_genesis: hex0x(&self.destination.chain.genesis_hash()),
		}
	}

	/// Relay every message to the destination from origin leaf `from` on, forever, keeping its
	/// position and the messages it owes in `db` (so a restarted relayer resumes: what it took in
	/// before is not looked at again, what it owed it still owes). `report` hears of each
	/// outcome. The origin's messages are read from its current state from leaf 0 ([`Outbox`]),
	/// to rebuild its tree for merkle proofs: a message dispatched any time before the relayer
	/// started is delivered. A failing node is connected to again; the relayer returns only
	/// when its database cannot be written or belongs to another chain.
	pub async fn run(
		&mut self,
		from: u32,
		mut db: Db,
		mut report: impl FnMut(&Dispatched, &Result<Outcome, AgentError>),
	) -> Result<(), AgentError> {
		let mut outbox = Outbox::default();
		// The messages owed, as the origin serves them, and when each is tried next.
		let mut owed: BTreeMap<u32, (Dispatched, Instant)> = BTreeMap::new();
		let mut poll_failures = 0u32;
		// What a restarted relayer owes is known before its first delivery ends (which waits for
		// finality): the gauge never reads 0 while the database owes.
		self.gauge_pending(&db);
		loop {
			match outbox.poll(&self.origin).await {
				Ok(new) => {
					poll_failures = 0;
					let before = db.next();
					let ours = |d: &&Dispatched| d.leaf_index >= from && d.destination == self.destination.domain;
					db.take_in(new.iter().filter(ours).map(|d| (d.leaf_index, d.id)), outbox.next())?;
					// Before `latest_leaf`: whoever sees the leaf taken in sees it owed.
					self.gauge_pending(&db);
					let now = Instant::now();
					for dispatched in new {
						let Some(entry) = db.pending().get(&dispatched.leaf_index) else { continue };
						if entry.id != hex0x(&dispatched.id) {
							return Err(AgentError::Config(format!(
								"the origin's message at leaf {} is {}, not the {} the database owes",
								dispatched.leaf_index,
								hex0x(&dispatched.id),
								entry.id
							)));
						}
						if dispatched.leaf_index >= before {
							tracing::info!(target: LOG, leaf = dispatched.leaf_index, id = %entry.id, "message to deliver");
							if let Some(metrics) = &self.metrics {
								metrics.took_in();
							}
						}
						owed.entry(dispatched.leaf_index).or_insert((dispatched, now));
					}
					if let Some(metrics) = &self.metrics {
						metrics.tree_index(outbox.next().saturating_sub(1));
					}
				},
				// The origin's node failed: keep what is owed, connect again, try again later.
				Err(e) => {
					self.failed(&e);
					poll_failures = poll_failures.saturating_add(1);
					tracing::warn!(target: LOG, origin = self.origin.domain, "{e}; retrying in {:?}", backoff(poll_failures));
					tokio::time::sleep(backoff(poll_failures)).await;
					if let Err(e) = self.origin.reconnect().await {
						tracing::warn!(target: LOG, origin = self.origin.domain, "reconnecting: {e}");
					}
					continue;
				},
			}
			let now = Instant::now();
			let due: Vec<u32> = owed.iter().filter(|(_, (_, next_try))| *next_try <= now).map(|(leaf, _)| *leaf).collect();
			let mut reconnect = false;
			// Up to IN_FLIGHT deliveries at once: each waits for its `process` to be finalized,
			// and one at a time would deliver one message per destination block.
			let this = &*self;
			let ids = &outbox.ids;
			let outcomes: Vec<(u32, Result<Outcome, AgentError>)> =
				futures::stream::iter(due.into_iter().filter_map(|leaf| owed.get(&leaf).map(|(d, _)| (leaf, d.clone()))))
					.map(|(leaf, dispatched)| async move { (leaf, this.relay(&dispatched, ids).await) })
					.buffer_unordered(IN_FLIGHT)
				.collect()
				.await;
			for (leaf, outcome) in outcomes {
				let Some((dispatched, _)) = owed.get(&leaf) else { continue };
				report(dispatched, &outcome);
				match &outcome {
					Ok(done) => {
						let by_us = matches!(done, Outcome::Delivered(_));
						let nonce = crate::metrics::nonce(&dispatched.message);
						tracing::info!(target: LOG, leaf, id = %hex0x(&dispatched.id), by_us, "delivered");
						db.done(leaf, by_us)?;
						owed.remove(&leaf);
						if let Some(metrics) = &self.metrics {
							metrics.delivered(nonce, by_us);
						}
					},
					Err(error) if retriable(error) && !db.pending().get(&leaf).is_some_and(|e| rejected_enough(e, error)) => {
						self.failed(error);
						if let Some(metrics) = &self.metrics {
							metrics.failed_delivery(false);
						}
						let attempts = db.failed(leaf, error)?;
						tracing::warn!(target: LOG, leaf, attempts, "{error}; retrying in {:?}", backoff(attempts));
						reconnect |= matches!(error, AgentError::Node(_) | AgentError::Chain(zksettle_client::ClientError::Node(_)));
						if let Some(slot) = owed.get_mut(&leaf) {
							slot.1 = Instant::now() + backoff(attempts);
						}
					},
					Err(error) => {
						self.failed(error);
						tracing::error!(target: LOG, leaf, "{error}: given up");
						if let Some(metrics) = &self.metrics {
							metrics.failed_delivery(true);
						}
						db.give_up(leaf, error)?;
						owed.remove(&leaf);
					},
				}
			}
			if reconnect {
				if let Err(e) = self.destination.reconnect().await {
					tracing::warn!(target: LOG, destination = self.destination.domain, "reconnecting: {e}");
				}
			}
			self.gauge_pending(&db);
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}

	/// Set the queue gauges to what `db` owes: not tried yet, and tried and failed.
	fn gauge_pending(&self, db: &Db) {
		if let Some(metrics) = &self.metrics {
			let retry = db.pending().values().filter(|e| e.attempts > 0).count();
			let first = db.pending().len().saturating_sub(retry);
			metrics.queue(u64::try_from(first).unwrap_or(u64::MAX), u64::try_from(retry).unwrap_or(u64::MAX));
		}
	}
}

/// Whether a failed delivery is tried again. Everything is (nodes, validators and chains recover;
/// a message is never dropped for a transient failure), except a message this relayer can never
/// deliver: one whose recipient or body the destination refuses whatever the metadata. A
/// delivery rejected on chain is tried [`MAX_REJECTED`] times ([`rejected_enough`]).
fn retriable(error: &AgentError) -> bool {
	!matches!(error, AgentError::Unsupported(_) | AgentError::Config(_))
}

/// Whether `error`, one more on chain rejection of a message whose database entry is `entry`,
/// makes it [`MAX_REJECTED`].
fn rejected_enough(entry: &db::Entry, error: &AgentError) -> bool {
	matches!(error, AgentError::Rejected(_)) && entry.rejected.saturating_add(1) >= MAX_REJECTED
}

/// What a refusal of the destination's dry run means for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
	/// Delivered already.
	Delivered,
	/// The destination never accepts it: its header, recipient or body (deterministic
	/// checks that no metadata changes).
	Never,
	/// Its order is not open at the destination (yet).
	NotOpen,
	/// Anything else: the metadata (signatures of a rotated set, a checkpoint that moved), or
	/// state that may change. Tried again.
	Metadata,
}

/// Classify the dry run's `Pallet::Error`.
fn classify(refusal: &str) -> Refusal {
	match refusal.strip_prefix("Settlement::") {
		Some("AlreadyDelivered") => Refusal::Delivered,
		Some(
			"MessageTooShort" | "UnsupportedVersion" | "WrongDestination" | "NoLocalDomain" | "UnknownRecipient" |
			"InvalidFillMessage" | "FillFromWrongSettler" | "OrderClosed" | "RecipientFailed",
		) => Refusal::Never,
		Some("UnknownOrder") => Refusal::NotOpen,
		_ => Refusal::Metadata,
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn transient_failures_are_retried_with_a_capped_backoff() {
		assert_eq!(backoff(0), Duration::from_millis(500));
		assert_eq!(backoff(3), Duration::from_secs(4));
		assert_eq!(backoff(20), Duration::from_secs(60));
		assert_eq!(backoff(u32::MAX), Duration::from_secs(60));
		assert!(retriable(&AgentError::Node("connection reset".into())));
		assert!(retriable(&AgentError::NotEnoughSignatures { have: 1, need: 2 }));
		assert!(retriable(&AgentError::Validator("v".into(), "timeout".into())));
		assert!(retriable(&AgentError::Chain(zksettle_client::ClientError::Node("down".into()))));
		assert!(!retriable(&AgentError::Unsupported("a malformed fill".into())));
		assert!(retriable(&AgentError::Waiting("order not open".into())));
		assert!(retriable(&AgentError::Refused("Settlement::UnexpectedSigner".into())));
	}

	#[test]
	fn dry_run_refusals_are_classified() {
		assert_eq!(classify("Settlement::AlreadyDelivered"), Refusal::Delivered);
		for never in ["UnknownRecipient", "FillFromWrongSettler", "InvalidFillMessage", "OrderClosed", "WrongDestination"] {
			assert_eq!(classify(&format!("Settlement::{never}")), Refusal::Never, "{never}");
		}
		assert_eq!(classify("Settlement::UnknownOrder"), Refusal::NotOpen);
		assert_eq!(classify("Settlement::UnexpectedSigner"), Refusal::Metadata);
		assert_eq!(classify("Settlement::MetadataTooShort"), Refusal::Metadata);
		assert_eq!(classify("Balances::InsufficientBalance"), Refusal::Metadata);
	}

	#[test]
	fn on_chain_rejections_are_capped() {
		let entry = |rejected| db::Entry { id: "0x".into(), attempts: 9, last_error: None, rejected };
		let rejected = AgentError::Rejected("Settlement::UnknownOrder".into());
		assert!(!rejected_enough(&entry(MAX_REJECTED - 2), &rejected));
		assert!(rejected_enough(&entry(MAX_REJECTED - 1), &rejected));
		assert!(!rejected_enough(&entry(MAX_REJECTED + 5), &AgentError::Node("down".into())), "free failures are not capped");
	}
}
