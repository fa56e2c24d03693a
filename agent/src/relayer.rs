//! The relayer: deliver an origin chain's messages to a destination chain.
//!
//! For each message dispatched (in a finalized block) towards the destination, the relayer
//! asks the destination which ISM will verify it, collects signed checkpoints from the
//! validators (their JSON-RPC endpoints, or their checkpoint storage `file://…` in Hyperlane's
//! layout), keeps only signatures that are for exactly the checkpoint it needs and
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
//! (0.5 s doubling, capped at a minute); a failing origin node is polled again the same way.
//! Only a message this relayer can never deliver (an unsupported recipient or body) is given up.

use std::time::{Duration, Instant};

use jsonrpsee::{
	core::client::ClientT,
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use pallet_settlement::{
	checkpoint::Checkpoint,
	isms::{aggregation, multisig::recover},
	merkle::{branch_root, TREE_DEPTH, ZERO_HASHES},
	message::Message,
};
use sha3::{Digest, Keccak256};
use zksettle_wallet::chain::Included;

use crate::{
	mailbox::{Dispatched, Ism, Mailbox, Outbox},
	storage::LocalStorage,
	validator::{unhex, SignedCheckpoint},
	AgentError,
};

/// A relayer for one direction, origin → destination.
pub struct Relayer {
	/// Where messages come from.
	pub origin: Mailbox,
	/// Where they go.
	pub destination: Mailbox,
	/// Where each validator's checkpoints are, by the location given.
	validators: Vec<(String, Source)>,
	/// The account that submits (and pays for) `process`.
	signer: subxt_signer::sr25519::Keypair,
}

/// Where a validator's signed checkpoints are read.
enum Source {
	/// Its JSON-RPC endpoint (`validator_checkpoint`).
	Rpc(Box<HttpClient>),
	/// Its checkpoint storage (`file://`, Hyperlane's layout).
	Storage(LocalStorage),
}

impl Source {
	async fn checkpoint(&self, location: &str, index: u32) -> Option<SignedCheckpoint> {
		match self {
			Source::Rpc(client) => client.request("validator_checkpoint", rpc_params![index]).await.ok().flatten(),
			Source::Storage(storage) => storage.fetch(index, location).ok().flatten(),
		}
	}
}

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

fn hash_pair(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
	let mut hasher = Keccak256::new();
	hasher.update(left);
	hasher.update(right);
	hasher.finalize().into()
}

/// The proof of leaf `index` in the tree of `leaves` (Hyperlane's incremental tree: unused
/// leaves are zero, parents are `keccak256(left ‖ right)`).
pub fn merkle_proof(leaves: &[[u8; 32]], index: usize) -> [[u8; 32]; TREE_DEPTH] {
	let mut proof = [[0u8; 32]; TREE_DEPTH];
	let mut level: Vec<[u8; 32]> = leaves.to_vec();
	let mut position = index;
	for (height, node) in proof.iter_mut().enumerate() {
		*node = level.get(position ^ 1).copied().unwrap_or(ZERO_HASHES[height]);
		level = level
			.chunks(2)
			.map(|pair| hash_pair(&pair[0], pair.get(1).unwrap_or(&ZERO_HASHES[height])))
			.collect();
		position /= 2;
	}
	proof
}

/// `merkleTreeHook ‖ message index ‖ signed message id ‖ proof ‖ signed index ‖ signatures`.
pub fn merkle_root_metadata(
	hook: &[u8; 32],
	message_index: u32,
	proof: &[[u8; 32]; TREE_DEPTH],
	signed: &Checkpoint,
	signatures: &[[u8; 65]],
) -> Vec<u8> {
	let mut out = Vec::with_capacity(1096 + 65 * signatures.len());
	out.extend_from_slice(hook);
	out.extend_from_slice(&message_index.to_be_bytes());
	out.extend_from_slice(&signed.message_id);
	for node in proof {
		out.extend_from_slice(node);
	}
	out.extend_from_slice(&signed.index.to_be_bytes());
	for signature in signatures {
		out.extend_from_slice(signature);
	}
	out
}

/// `merkleTreeHook ‖ root ‖ index (big-endian) ‖ signatures`.
pub fn message_id_metadata(checkpoint: &Checkpoint, signatures: &[[u8; 65]]) -> Vec<u8> {
	let mut out = Vec::with_capacity(68 + 65 * signatures.len());
	out.extend_from_slice(&checkpoint.merkle_tree_hook);
	out.extend_from_slice(&checkpoint.root);
	out.extend_from_slice(&checkpoint.index.to_be_bytes());
	for signature in signatures {
		out.extend_from_slice(signature);
	}
	out
}

impl Relayer {
	/// A relayer between two connected mailboxes.
	pub fn new(
		origin: Mailbox,
		destination: Mailbox,
		validator_urls: &[String],
		signer: subxt_signer::sr25519::Keypair,
	) -> Result<Self, AgentError> {
		let validators = validator_urls
			.iter()
			.map(|url| {
				if url.starts_with("file://") {
					return LocalStorage::from_location(url).map(|storage| (url.clone(), Source::Storage(storage)));
				}
				HttpClientBuilder::default()
					.request_timeout(Duration::from_secs(10))
					.build(url)
					.map(|client| (url.clone(), Source::Rpc(Box::new(client))))
					.map_err(|e| AgentError::Config(format!("{url}: {e}")))
			})
			.collect::<Result<_, _>>()?;
		Ok(Relayer { origin, destination, validators, signer })
	}

	/// Signatures for `checkpoint` from the validators of `set`, in the set's order.
	async fn signatures(&self, checkpoint: &Checkpoint, set: &[[u8; 20]]) -> Vec<[u8; 65]> {
		let digest = checkpoint.digest();
		let mut found: Vec<(usize, [u8; 65])> = Vec::new();
		for (url, source) in &self.validators {
			let Some(signed) = source.checkpoint(url, checkpoint.index).await else { continue };
			// Only a signature over exactly this checkpoint counts.
			if signed.checkpoint().as_ref() != Some(checkpoint) {
				eprintln!("validator {url}: checkpoint {} differs from the chain's; ignored", checkpoint.index);
				continue;
			}
			let Some(signature) = unhex::<65>(&signed.signature) else { continue };
			let Ok(signer) = recover(&digest, &signature) else { continue };
			if let Some(position) = set.iter().position(|v| *v == signer) {
				if !found.iter().any(|(p, _)| *p == position) {
					found.push((position, signature));
				}
			}
		}
		found.sort_by_key(|(position, _)| *position);
		found.into_iter().map(|(_, signature)| signature).collect()
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
					let signatures = self.signatures(&checkpoint, &validators).await;
					let need = usize::from(threshold);
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
					let signatures = self.signatures(&checkpoint, &validators).await;
					let need = usize::from(threshold);
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

	/// Deliver one dispatched message; `leaves` are the origin's message ids so far.
	pub async fn relay(&self, dispatched: &Dispatched, leaves: &[[u8; 32]]) -> Result<Outcome, AgentError> {
		if self.destination.delivered(dispatched.id).await? {
			return Ok(Outcome::AlreadyDelivered);
		}
		let message = Message::from_bytes(&dispatched.message).map_err(|_| AgentError::Node("short message".into()))?;
		if message.id() != dispatched.id {
			return Err(AgentError::Node("a Dispatched event that does not hash to its id".into()));
		}
		let ism_id = self.destination.ism_id_for(&message).await?;
		let metadata = self.metadata(ism_id, dispatched, leaves, 0).await?;
		let included = self.destination.process(&metadata, &dispatched.message, &self.signer).await?;
		Ok(Outcome::Delivered(included))
	}

	/// Relay every message to the destination from origin leaf `from` on, forever; pending
	/// messages are retried each round. `report` hears of each outcome. The origin's messages
	/// are read from its current state from leaf 0 ([`Outbox`]), to rebuild its tree for merkle
	/// proofs: a message dispatched any time before the relayer started is delivered.
	pub async fn run(&self, from: u32, mut report: impl FnMut(&Dispatched, &Result<Outcome, AgentError>)) -> Result<(), AgentError> {
		let mut outbox = Outbox::default();
		let mut pending: Vec<Pending> = Vec::new();
		let mut poll_failures = 0u32;
		loop {
			match outbox.poll(&self.origin).await {
				Ok(new) => {
					poll_failures = 0;
					let now = Instant::now();
					pending.extend(
						new.into_iter()
							.filter(|d| d.leaf_index >= from && d.destination == self.destination.domain)
							.map(|dispatched| Pending { dispatched, attempts: 0, next_try: now }),
					);
				},
				// The origin's node failed: keep what is pending, try again later.
				Err(e) => {
					poll_failures = poll_failures.saturating_add(1);
					eprintln!("origin {}: {e}; retrying in {:?}", self.origin.domain, backoff(poll_failures));
					tokio::time::sleep(backoff(poll_failures)).await;
					continue;
				},
			}
			let now = Instant::now();
			let mut still = Vec::new();
			for mut message in pending.drain(..) {
				if message.next_try > now {
					still.push(message);
					continue;
				}
				let outcome = self.relay(&message.dispatched, &outbox.ids).await;
				report(&message.dispatched, &outcome);
				if let Err(error) = &outcome {
					if retriable(error) {
						message.attempts = message.attempts.saturating_add(1);
						message.next_try = Instant::now() + backoff(message.attempts);
						still.push(message);
					}
				}
			}
			pending = still;
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}
}

/// A message not delivered yet, and when to try it again.
struct Pending {
	dispatched: Dispatched,
	attempts: u32,
	next_try: Instant,
}

/// The wait before attempt `attempts + 1`: 0.5 s doubling, at most a minute.
fn backoff(attempts: u32) -> Duration {
	Duration::from_millis(500u64.saturating_mul(1u64 << attempts.min(10))).min(Duration::from_secs(60))
}

/// Whether a failed delivery is tried again. Everything is (nodes, validators and chains recover;
/// a message is never dropped for a transient failure), except a message this relayer can never
/// deliver: one whose recipient or body it does not support.
fn retriable(error: &AgentError) -> bool {
	!matches!(error, AgentError::Unsupported(_) | AgentError::Config(_))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn merkle_proofs_match_the_pallets_tree_and_parser() {
		let leaves: Vec<[u8; 32]> = (0u8..5).map(|i| [i + 1; 32]).collect();
		let mut tree = pallet_settlement::merkle::IncrementalMerkle::default();
		for (i, leaf) in leaves.iter().enumerate() {
			tree.insert(*leaf).unwrap();
			let proof = merkle_proof(&leaves[..=i], i);
			assert_eq!(branch_root(leaf, &proof, i as u32), tree.root(), "leaf {i}");
		}
		// An earlier leaf proven against the latest root.
		assert_eq!(branch_root(&leaves[1], &merkle_proof(&leaves, 1), 1), tree.root());

		let signed = Checkpoint { origin: 9, merkle_tree_hook: [4; 32], root: tree.root(), index: 4, message_id: leaves[4] };
		let metadata = merkle_root_metadata(&[4; 32], 1, &merkle_proof(&leaves, 1), &signed, &[[5; 65]]);
		let (parsed, signatures) =
			pallet_settlement::isms::metadata::merkle_root_checkpoint(&metadata, 9, leaves[1]).unwrap();
		assert_eq!(parsed, signed);
		assert_eq!(signatures, vec![[5; 65]]);
	}

	#[test]
	fn transient_failures_are_retried_with_a_capped_backoff() {
		assert_eq!(backoff(0), Duration::from_millis(500));
		assert_eq!(backoff(3), Duration::from_secs(4));
		assert_eq!(backoff(20), Duration::from_secs(60));
		assert_eq!(backoff(u32::MAX), Duration::from_secs(60));
		assert!(retriable(&AgentError::Node("connection reset".into())));
		assert!(retriable(&AgentError::NotEnoughSignatures { have: 1, need: 2 }));
		assert!(retriable(&AgentError::Validator("v".into(), "timeout".into())));
		assert!(retriable(&AgentError::Chain(zksettle_wallet::WalletError::Node("down".into()))));
		assert!(!retriable(&AgentError::Unsupported("a malformed fill".into())));
	}

	#[test]
	fn metadata_layout_is_hyperlanes() {
		let checkpoint =
			Checkpoint { origin: 1, merkle_tree_hook: [1; 32], root: [2; 32], index: 0x0102_0304, message_id: [3; 32] };
		let metadata = message_id_metadata(&checkpoint, &[[7; 65], [8; 65]]);
		assert_eq!(metadata.len(), 68 + 130);
		assert_eq!(&metadata[..32], &[1; 32]);
		assert_eq!(&metadata[32..64], &[2; 32]);
		assert_eq!(&metadata[64..68], &[1, 2, 3, 4]);
		assert_eq!(&metadata[68..133], &[7; 65]);
		// The pallet's own parser reads back the same checkpoint and signatures.
		let (parsed, signatures) =
			pallet_settlement::isms::metadata::message_id_checkpoint(&metadata, 1, [3; 32]).unwrap();
		assert_eq!(parsed, checkpoint);
		assert_eq!(signatures, vec![[7; 65], [8; 65]]);
	}
}
