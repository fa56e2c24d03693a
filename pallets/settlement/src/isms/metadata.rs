//! ISM metadata layouts (`MessageIdMultisigIsmMetadata.sol`, `MerkleRootMultisigIsmMetadata.sol`)
//! and the checkpoint each one makes the validators vouch for.
//!
//! Message-id multisig: `hook [0:32] ‖ root [32:64] ‖ index u32 [64:68] ‖ signatures (65 each)`.
//! The validators signed the checkpoint at this message's own leaf.
//!
//! Merkle-root multisig: `hook [0:32] ‖ message index u32 [32:36] ‖ signed message id [36:68] ‖
//! proof 32 × 32 bytes [68:1092] ‖ signed index u32 [1092:1096] ‖ signatures`. The validators
//! signed a later checkpoint (`signed index ≥ message index`) whose root is the branch root of
//! this message's id: one signature set covers many messages.
//!
//! Lengths are checked strictly: the signatures part must be a whole number of 65-byte
//! signatures (a malformed length is a typed error, never a partial read).

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

use alloc::vec::Vec;

use super::{multisig::Signature, Domain};
use crate::{
	checkpoint::Checkpoint,
	merkle::{branch_root, TREE_DEPTH},
};

const SIGNATURE_LEN: usize = 65;
/// Header length of message-id multisig metadata.
pub const MESSAGE_ID_HEADER: usize = 68;
/// Header length of merkle-root multisig metadata.
pub const MERKLE_ROOT_HEADER: usize = 1096;

/// Why metadata cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetadataError {
	/// Shorter than its fixed header.
	TooShort,
	/// The signatures part is not a whole number of 65-byte signatures.
	SignatureLength,
	/// Merkle-root metadata whose message index is after the signed checkpoint.
	IndexAfterCheckpoint,
}

fn array<const N: usize>(bytes: &[u8], at: usize) -> Result<[u8; N], MetadataError> {
	bytes.get(at..at + N).ok_or(MetadataError::TooShort)?.try_into().map_err(|_| MetadataError::TooShort)
}

fn signatures(bytes: &[u8]) -> Result<Vec<Signature>, MetadataError> {
	if !bytes.len().is_multiple_of(SIGNATURE_LEN) {
		return Err(MetadataError::SignatureLength);
	}
	bytes
		.chunks_exact(SIGNATURE_LEN)
		.map(|chunk| chunk.try_into().map_err(|_| MetadataError::SignatureLength))
		.collect()
}

/// The checkpoint and signatures of message-id multisig metadata for the message with id
/// `message_id` from `origin`.
pub fn message_id_checkpoint(
	metadata: &[u8],
	origin: Domain,
	message_id: [u8; 32],
) -> Result<(Checkpoint, Vec<Signature>), MetadataError> {
	if metadata.len() < MESSAGE_ID_HEADER {
		return Err(MetadataError::TooShort);
	}
	let checkpoint = Checkpoint {
		origin,
		merkle_tree_hook: array(metadata, 0)?,
		root: array(metadata, 32)?,
		index: u32::from_be_bytes(array(metadata, 64)?),
		message_id,
	};
	Ok((checkpoint, signatures(metadata.get(MESSAGE_ID_HEADER..).unwrap_or_default())?))
}

/// The checkpoint and signatures of merkle-root multisig metadata for the message with id
/// `message_id` from `origin`: the signed root is the one its proof leads to.
pub fn merkle_root_checkpoint(
	metadata: &[u8],
	origin: Domain,
	message_id: [u8; 32],
) -> Result<(Checkpoint, Vec<Signature>), MetadataError> {
	if metadata.len() < MERKLE_ROOT_HEADER {
		return Err(MetadataError::TooShort);
	}
	let message_index = u32::from_be_bytes(array(metadata, 32)?);
	let signed_index = u32::from_be_bytes(array(metadata, 1092)?);
	if message_index > signed_index {
		return Err(MetadataError::IndexAfterCheckpoint);
	}
	let mut proof = [[0u8; 32]; TREE_DEPTH];
	for (i, node) in proof.iter_mut().enumerate() {
		*node = array(metadata, 68 + 32 * i)?;
	}
	let checkpoint = Checkpoint {
		origin,
		merkle_tree_hook: array(metadata, 0)?,
		root: branch_root(&message_id, &proof, message_index),
		index: signed_index,
		message_id: array(metadata, 36)?,
	};
	Ok((checkpoint, signatures(metadata.get(MERKLE_ROOT_HEADER..).unwrap_or_default())?))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		isms::multisig::{verify, MultisigError},
		merkle::IncrementalMerkle,
		message::Message,
		test_vectors::{hex, sealevel_checkpoint, sealevel_message, sealevel_validators, sign, SEALEVEL_SIGNATURES},
	};

	fn message_id_metadata(signatures: &[&str]) -> Vec<u8> {
		let checkpoint = sealevel_checkpoint();
		let mut metadata = Vec::new();
		metadata.extend_from_slice(&checkpoint.merkle_tree_hook);
		metadata.extend_from_slice(&checkpoint.root);
		metadata.extend_from_slice(&checkpoint.index.to_be_bytes());
		for s in signatures {
			metadata.extend(hex(s));
		}
		metadata
	}

	/// Metadata a Hyperlane relayer would build from the upstream validators' signatures.
	#[test]
	fn message_id_metadata_verifies_upstream_signatures() {
		let metadata = message_id_metadata(&SEALEVEL_SIGNATURES[..2]);
		assert_eq!(metadata.len(), 198);
		let (checkpoint, signatures) = message_id_checkpoint(&metadata, 1234, sealevel_message().id()).unwrap();
		assert_eq!(checkpoint, sealevel_checkpoint());
		assert_eq!(verify(&checkpoint.digest(), &signatures, &sealevel_validators(), 2), Ok(()));
		// Another message does not match the signed checkpoint.
		let mut other = sealevel_message();
		other.body.push(0);
		let (checkpoint, signatures) = message_id_checkpoint(&metadata, other.origin, other.id()).unwrap();
		assert_eq!(
			verify(&checkpoint.digest(), &signatures, &sealevel_validators(), 2),
			Err(MultisigError::UnexpectedSigner)
		);
	}

	#[test]
	fn malformed_lengths_are_rejected() {
		let metadata = message_id_metadata(&SEALEVEL_SIGNATURES[..2]);
		let message = sealevel_message();
		assert_eq!(message_id_checkpoint(&metadata[..67], message.origin, message.id()).err(), Some(MetadataError::TooShort));
		assert_eq!(message_id_checkpoint(&metadata[..197], message.origin, message.id()).err(), Some(MetadataError::SignatureLength));
		assert_eq!(merkle_root_checkpoint(&metadata, message.origin, message.id()).err(), Some(MetadataError::TooShort));
	}

	/// Merkle-root multisig: validators sign a later checkpoint; the message proves membership.
	#[test]
	fn merkle_root_metadata_with_locally_signed_checkpoint() {
		let hook = [0x77; 32];
		let keys = [[1u8; 32], [2; 32], [3; 32]];
		let validators: Vec<_> = keys.iter().map(crate::test_vectors::address_of).collect();
		let mut tree = IncrementalMerkle::default();
		let mut messages = Vec::new();
		for nonce in 0..5u32 {
			let message = Message { nonce, ..sealevel_message() };
			tree.insert(message.id()).unwrap();
			messages.push(message);
		}
		// Checkpoint at the last leaf (index 4); prove message 1 against it.
		let signed = Checkpoint { origin: 1234, merkle_tree_hook: hook, root: tree.root(), index: 4, message_id: messages[4].id() };
		let proof = crate::test_vectors::proof_of(&messages.iter().map(Message::id).collect::<Vec<_>>(), 1);
		let mut metadata = Vec::new();
		metadata.extend_from_slice(&hook);
		metadata.extend_from_slice(&1u32.to_be_bytes());
		metadata.extend_from_slice(&signed.message_id);
		for node in proof {
			metadata.extend_from_slice(&node);
		}
		metadata.extend_from_slice(&4u32.to_be_bytes());
		for key in &keys[1..] {
			metadata.extend_from_slice(&sign(key, &signed.digest()));
		}
		let (checkpoint, signatures) = merkle_root_checkpoint(&metadata, 1234, messages[1].id()).unwrap();
		assert_eq!(checkpoint, signed);
		assert_eq!(verify(&checkpoint.digest(), &signatures, &validators, 2), Ok(()));
		// A wrong proof gives another root, which nobody signed.
		let mut wrong = metadata.clone();
		wrong[68] ^= 1;
		let (checkpoint, signatures) = merkle_root_checkpoint(&wrong, 1234, messages[1].id()).unwrap();
		assert_eq!(verify(&checkpoint.digest(), &signatures, &validators, 2), Err(MultisigError::UnexpectedSigner));
		// A message index after the signed checkpoint.
		let mut late = metadata.clone();
		late[32..36].copy_from_slice(&5u32.to_be_bytes());
		assert_eq!(merkle_root_checkpoint(&late, 1234, messages[1].id()).err(), Some(MetadataError::IndexAfterCheckpoint));
	}
}
