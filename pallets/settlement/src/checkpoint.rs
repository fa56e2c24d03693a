//! Checkpoints and the digest validators sign (`CheckpointLib.sol`).
//!
//! ```text
//! domainHash = keccak256(origin_be32 ‖ merkleTreeHook ‖ "HYPERLANE")
//! digest     = keccak256("\x19Ethereum Signed Message:\n32" ‖
//!                        keccak256(domainHash ‖ root ‖ index_be32 ‖ messageId))
//! ```

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

use polkadot_sdk::sp_io::hashing::keccak_256;

/// A checkpoint of an origin's message tree: a root, the index of the last leaf it covers, and
/// the message id at that leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
	/// Origin domain.
	pub origin: u32,
	/// The origin's merkle tree hook, as 32 bytes.
	pub merkle_tree_hook: [u8; 32],
	/// Tree root.
	pub root: [u8; 32],
	/// Index of the checkpoint's leaf.
	pub index: u32,
	/// Message id at that leaf.
	pub message_id: [u8; 32],
}

/// `keccak256(origin ‖ hook ‖ "HYPERLANE")`.
pub fn domain_hash(origin: u32, merkle_tree_hook: &[u8; 32]) -> [u8; 32] {
	let mut preimage = [0u8; 4 + 32 + 9];
	preimage[..4].copy_from_slice(&origin.to_be_bytes());
	preimage[4..36].copy_from_slice(merkle_tree_hook);
	preimage[36..].copy_from_slice(b"HYPERLANE");
	keccak_256(&preimage)
}

/// EIP-191 personal-message hash of a 32-byte hash (`ECDSA.toEthSignedMessageHash`).
pub fn eth_signed_message_hash(hash: &[u8; 32]) -> [u8; 32] {
	let mut preimage = [0u8; 28 + 32];
	preimage[..28].copy_from_slice(b"\x19Ethereum Signed Message:\n32");
	preimage[28..].copy_from_slice(hash);
	keccak_256(&preimage)
}

impl Checkpoint {
	/// `keccak256(domainHash ‖ root ‖ index ‖ messageId)`: what the validator agent calls the
	/// signing hash.
	pub fn signing_hash(&self) -> [u8; 32] {
		let mut preimage = [0u8; 32 + 32 + 4 + 32];
		preimage[..32].copy_from_slice(&domain_hash(self.origin, &self.merkle_tree_hook));
		preimage[32..64].copy_from_slice(&self.root);
		preimage[64..68].copy_from_slice(&self.index.to_be_bytes());
		preimage[68..].copy_from_slice(&self.message_id);
		keccak_256(&preimage)
	}

	/// The digest the validators' ECDSA signatures are over.
	pub fn digest(&self) -> [u8; 32] {
		eth_signed_message_hash(&self.signing_hash())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_vectors::{hex32, sealevel_checkpoint};

	/// `vectors/domainHash.json`.
	#[test]
	fn known_domain_hashes() {
		let mut hook = [0u8; 32];
		hook[12..].fill(0x22);
		assert_eq!(domain_hash(1, &hook), hex32("bbca56eb98960a4637eb40486d9a069550dd70d9c185ed138516e8e33cf3d7e7"));
		assert_eq!(domain_hash(2, &hook), hex32("a6a93d86d397028e41995d521ccbc270e6db2a2fc530dcb7f0135254f30c8424"));
		assert_eq!(domain_hash(3, &hook), hex32("ffb4fbe5142f55e07b5d44b3c7f565c5ef4b016551cbd7c23a92c91621aca06f"));
	}

	/// The checkpoint of Hyperlane's Sealevel multisig test data, whose signing hash the
	/// upstream test publishes.
	#[test]
	fn known_signing_hash_and_digest() {
		let checkpoint = sealevel_checkpoint();
		assert_eq!(
			domain_hash(checkpoint.origin, &checkpoint.merkle_tree_hook),
			hex32("3cba759c9d95a03f5755357ca95fdbc90828f6b21a1f56ffbcf49866b4bdedde")
		);
		assert_eq!(checkpoint.signing_hash(), hex32("3fd308215a20af20b137372f8a69fd336ebf93d57d4076a7c46e13f315255257"));
		assert_eq!(checkpoint.digest(), hex32("ce7956b074d407cc6f056ad6dc1737aac9935dbfc42df381d016ce1ab179c1e5"));
	}
}
