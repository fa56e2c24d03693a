//! The relayer: deliver an origin chain's messages to a destination chain.
//!
//! For each message dispatched (in a finalized block) towards the destination, the relayer
//! asks the destination which ISM will verify it, collects signed checkpoints from the
//! validators' endpoints, keeps only signatures that are for exactly this message's
//! checkpoint and recover to a validator of that ISM, orders them as the ISM's validator set,
//! and submits `process` with the message-id multisig metadata
//! `merkleTreeHook ‖ root ‖ index ‖ signatures` (Hyperlane's `MessageIdMultisigIsmMetadata`).
//! A message without enough signatures yet stays pending and is retried.

use std::time::Duration;

use jsonrpsee::{
	core::client::ClientT,
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use pallet_settlement::{checkpoint::Checkpoint, isms::multisig::recover, message::Message};
use zksettle_wallet::chain::Included;

use crate::{
	mailbox::{Dispatched, Ism, Mailbox},
	validator::{unhex, SignedCheckpoint},
	AgentError,
};

/// A relayer for one direction, origin → destination.
pub struct Relayer {
	/// Where messages come from.
	pub origin: Mailbox,
	/// Where they go.
	pub destination: Mailbox,
	/// The validators' endpoints, as (url, client).
	validators: Vec<(String, HttpClient)>,
	/// The account that submits (and pays for) `process`.
	signer: subxt_signer::sr25519::Keypair,
}

/// What happened to one message.
#[derive(Clone, Debug)]
pub enum Outcome {
	/// Delivered now.
	Delivered(Included),
	/// Delivered before (by us or another relayer).
	AlreadyDelivered,
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
				HttpClientBuilder::default()
					.request_timeout(Duration::from_secs(10))
					.build(url)
					.map(|client| (url.clone(), client))
					.map_err(|e| AgentError::Config(format!("{url}: {e}")))
			})
			.collect::<Result<_, _>>()?;
		Ok(Relayer { origin, destination, validators, signer })
	}

	/// Signatures for `checkpoint` from the validators of `set`, in the set's order.
	async fn signatures(&self, checkpoint: &Checkpoint, set: &[[u8; 20]]) -> Vec<[u8; 65]> {
		let mut found: Vec<(usize, [u8; 65])> = Vec::new();
		for (url, client) in &self.validators {
			let answer: Result<Option<SignedCheckpoint>, _> =
				client.request("validator_checkpoint", rpc_params![checkpoint.index]).await;
			let Ok(Some(signed)) = answer else { continue };
			// Only a signature over exactly this checkpoint counts.
			if signed.checkpoint().as_ref() != Some(checkpoint) {
				eprintln!("validator {url}: checkpoint {} differs from the chain's; ignored", checkpoint.index);
				continue;
			}
			let Some(signature) = unhex::<65>(&signed.signature) else { continue };
			let Ok(signer) = recover(&checkpoint.digest(), &signature) else { continue };
			if let Some(position) = set.iter().position(|v| *v == signer) {
				if !found.iter().any(|(p, _)| *p == position) {
					found.push((position, signature));
				}
			}
		}
		found.sort_by_key(|(position, _)| *position);
		found.into_iter().map(|(_, signature)| signature).collect()
	}

	/// Deliver one dispatched message.
	pub async fn relay(&self, dispatched: &Dispatched) -> Result<Outcome, AgentError> {
		if self.destination.delivered(dispatched.id).await? {
			return Ok(Outcome::AlreadyDelivered);
		}
		let message = Message::from_bytes(&dispatched.message).map_err(|_| AgentError::Node("short message".into()))?;
		if message.id() != dispatched.id {
			return Err(AgentError::Node("a Dispatched event that does not hash to its id".into()));
		}
		let (ism_id, ism) = self.destination.ism_for(&message).await?;
		let (validators, threshold) = match ism {
			Ism::MessageIdMultisig { validators, threshold } => (validators, usize::from(threshold)),
			other => return Err(AgentError::Unsupported(format!("ISM {ism_id} is {other:?}; this relayer builds message-id multisig metadata"))),
		};
		let checkpoint = Checkpoint {
			origin: self.origin.domain,
			merkle_tree_hook: self.origin.hook,
			root: dispatched.root,
			index: dispatched.leaf_index,
			message_id: dispatched.id,
		};
		let signatures = self.signatures(&checkpoint, &validators).await;
		if signatures.len() < threshold {
			return Err(AgentError::NotEnoughSignatures { have: signatures.len(), need: threshold });
		}
		let metadata = message_id_metadata(&checkpoint, &signatures[..threshold]);
		let included = self.destination.process(&metadata, &dispatched.message, &self.signer).await?;
		Ok(Outcome::Delivered(included))
	}

	/// Relay every message to the destination dispatched in finalized origin blocks `from..`,
	/// forever; pending messages are retried each round. `report` hears of each outcome.
	pub async fn run(&self, from: u64, mut report: impl FnMut(&Dispatched, &Result<Outcome, AgentError>)) -> Result<(), AgentError> {
		let mut next = from;
		let mut pending: Vec<Dispatched> = Vec::new();
		loop {
			let head = self.origin.finalized().await?;
			while next <= head {
				pending.extend(
					self.origin.dispatched(next).await?.into_iter().filter(|d| d.destination == self.destination.domain),
				);
				next += 1;
			}
			let mut still = Vec::new();
			for dispatched in pending.drain(..) {
				let outcome = self.relay(&dispatched).await;
				report(&dispatched, &outcome);
				if matches!(outcome, Err(AgentError::NotEnoughSignatures { .. }) | Err(AgentError::Validator(..))) {
					still.push(dispatched);
				}
			}
			pending = still;
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

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
