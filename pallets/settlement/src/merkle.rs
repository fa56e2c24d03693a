//! The outbound message tree: Hyperlane's incremental Merkle tree (`Merkle.sol`, the Eth2
//! deposit-contract tree): depth 32, `keccak256(left ‖ right)` nodes, empty leaves of 32 zero
//! bytes, a frontier of 32 nodes and a count.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

use polkadot_sdk::sp_io::hashing::keccak_256;

/// Depth of the tree.
pub const TREE_DEPTH: usize = 32;
/// Most leaves (`2^32 - 1`, as `Merkle.sol`).
pub const MAX_LEAVES: u32 = u32::MAX;

fn hash_pair(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
	let mut both = [0u8; 64];
	both[..32].copy_from_slice(left);
	both[32..].copy_from_slice(right);
	keccak_256(&both)
}

/// `Z_0 = 0`, `Z_{i+1} = keccak(Z_i ‖ Z_i)`.
pub fn zero_hashes() -> [[u8; 32]; TREE_DEPTH + 1] {
	let mut zeros = [[0u8; 32]; TREE_DEPTH + 1];
	let mut current = [0u8; 32];
	for z in zeros.iter_mut().skip(1) {
		current = hash_pair(&current, &current);
		*z = current;
	}
	zeros
}

/// The tree is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeFull;

/// The incremental tree, as `Merkle.sol`'s `Tree { bytes32[32] branch; uint256 count; }`.
#[derive(
	Clone, Debug, Default, PartialEq, Eq, codec::Encode, codec::Decode, codec::MaxEncodedLen, scale_info::TypeInfo,
)]
pub struct IncrementalMerkle {
	/// The frontier.
	pub branch: [[u8; 32]; TREE_DEPTH],
	/// Leaves inserted.
	pub count: u32,
}

impl IncrementalMerkle {
	/// Insert a leaf; returns its index (the count before the insertion).
	pub fn insert(&mut self, leaf: [u8; 32]) -> Result<u32, TreeFull> {
		let index = self.count;
		if index == MAX_LEAVES {
			return Err(TreeFull);
		}
		self.count = index + 1;
		let mut size = self.count;
		let mut node = leaf;
		for branch in self.branch.iter_mut() {
			if size & 1 == 1 {
				*branch = node;
				return Ok(index);
			}
			node = hash_pair(branch, &node);
			size /= 2;
		}
		// Unreachable: `count < 2^32` has a set bit below 32.
		Err(TreeFull)
	}

	/// The root.
	pub fn root(&self) -> [u8; 32] {
		let zeros = zero_hashes();
		let mut current = [0u8; 32];
		for (i, (branch, zero)) in self.branch.iter().zip(zeros.iter()).enumerate() {
			current = if (self.count >> i) & 1 == 1 { hash_pair(branch, &current) } else { hash_pair(&current, zero) };
		}
		current
	}
}

/// The root reached from `leaf` at `index` through `proof` (`MerkleLib.branchRoot`).
pub fn branch_root(leaf: &[u8; 32], proof: &[[u8; 32]; TREE_DEPTH], index: u32) -> [u8; 32] {
	let mut current = *leaf;
	for (i, sibling) in proof.iter().enumerate() {
		current = if (index >> i) & 1 == 1 { hash_pair(sibling, &current) } else { hash_pair(&current, sibling) };
	}
	current
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_vectors::{eth_hash_message, hex32};

	#[test]
	fn empty_tree_root_and_zero_hashes() {
		let zeros = zero_hashes();
		assert_eq!(zeros[1], hex32("ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"));
		assert_eq!(zeros[31], hex32("8448818bb4ae4562849e949e17ac16e0be16688e156b5cf15e098c627c0056a9"));
		assert_eq!(
			IncrementalMerkle::default().root(),
			hex32("27ae5ba08d7291c96c8cbddcc148bf48a6d68c7974b94356f53754ef6171d757")
		);
		assert_eq!(zeros[32], IncrementalMerkle::default().root());
	}

	/// `vectors/merkle.json`: leaves are `hashMessage(word)`.
	#[test]
	fn known_roots_and_proofs() {
		let mut tree = IncrementalMerkle::default();
		for (i, word) in ["one", "two", "three"].iter().enumerate() {
			assert_eq!(tree.insert(eth_hash_message(word.as_bytes())), Ok(i as u32));
		}
		assert_eq!(tree.root(), hex32("18f2f1646fee335a1eaf5191a8ce58ea772080057d0fda687df59c45e47e6f68"));
		let mut proof = zero_hashes()[..TREE_DEPTH].try_into().unwrap_or([[0; 32]; TREE_DEPTH]);
		proof[1] = hex32("606fc91d919e5a5b5b0ce2a1b2f6d33355b39558b5a12a4b14c3a381b18769a2");
		let leaf = hex32("769dbf057c1b1544b7b4a9a4f98893cad73080764ad63ee83344312494dc296e");
		assert_eq!(leaf, eth_hash_message(b"three"));
		assert_eq!(branch_root(&leaf, &proof, 2), tree.root());
		assert_ne!(branch_root(&leaf, &proof, 1), tree.root());

		let mut tree = IncrementalMerkle::default();
		for word in ["anna", "james", "", "luke", "erin"] {
			tree.insert(eth_hash_message(word.as_bytes())).unwrap();
		}
		assert_eq!(tree.root(), hex32("1841827275d59b7515da81fb121637567b70ebd8b38ec5aadb51f4300976cba1"));
	}

	#[test]
	fn a_full_tree_is_refused_unchanged() {
		let mut tree = IncrementalMerkle { count: MAX_LEAVES, ..Default::default() };
		let before = tree.clone();
		assert_eq!(tree.insert([1; 32]), Err(TreeFull));
		assert_eq!(tree, before);
	}
}
