//! The outbound message tree: Hyperlane's incremental Merkle tree (`Merkle.sol`, the Eth2
//! deposit-contract tree): depth 32, `keccak256(left ‖ right)` nodes, empty leaves of 32 zero
//! bytes, a frontier of 32 nodes and a count.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

use hex_literal::hex;
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

/// `Z_0 = 0`, `Z_{i+1} = keccak(Z_i ‖ Z_i)`: the roots of empty subtrees of height `i`.
///
/// A constant, as in `Merkle.sol`, because `root` needs all of them on every dispatch; the test
/// `zero_hashes_follow_the_recurrence` recomputes each from the line above.
pub const ZERO_HASHES: [[u8; 32]; TREE_DEPTH + 1] = [
	hex!("0000000000000000000000000000000000000000000000000000000000000000"),
	hex!("ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"),
	hex!("b4c11951957c6f8f642c4af61cd6b24640fec6dc7fc607ee8206a99e92410d30"),
	hex!("21ddb9a356815c3fac1026b6dec5df3124afbadb485c9ba5a3e3398a04b7ba85"),
	hex!("e58769b32a1beaf1ea27375a44095a0d1fb664ce2dd358e7fcbfb78c26a19344"),
	hex!("0eb01ebfc9ed27500cd4dfc979272d1f0913cc9f66540d7e8005811109e1cf2d"),
	hex!("887c22bd8750d34016ac3c66b5ff102dacdd73f6b014e710b51e8022af9a1968"),
	hex!("ffd70157e48063fc33c97a050f7f640233bf646cc98d9524c6b92bcf3ab56f83"),
	hex!("9867cc5f7f196b93bae1e27e6320742445d290f2263827498b54fec539f756af"),
	hex!("cefad4e508c098b9a7e1d8feb19955fb02ba9675585078710969d3440f5054e0"),
	hex!("f9dc3e7fe016e050eff260334f18a5d4fe391d82092319f5964f2e2eb7c1c3a5"),
	hex!("f8b13a49e282f609c317a833fb8d976d11517c571d1221a265d25af778ecf892"),
	hex!("3490c6ceeb450aecdc82e28293031d10c7d73bf85e57bf041a97360aa2c5d99c"),
	hex!("c1df82d9c4b87413eae2ef048f94b4d3554cea73d92b0f7af96e0271c691e2bb"),
	hex!("5c67add7c6caf302256adedf7ab114da0acfe870d449a3a489f781d659e8becc"),
	hex!("da7bce9f4e8618b6bd2f4132ce798cdc7a60e7e1460a7299e3c6342a579626d2"),
	hex!("2733e50f526ec2fa19a22b31e8ed50f23cd1fdf94c9154ed3a7609a2f1ff981f"),
	hex!("e1d3b5c807b281e4683cc6d6315cf95b9ade8641defcb32372f1c126e398ef7a"),
	hex!("5a2dce0a8a7f68bb74560f8f71837c2c2ebbcbf7fffb42ae1896f13f7c7479a0"),
	hex!("b46a28b6f55540f89444f63de0378e3d121be09e06cc9ded1c20e65876d36aa0"),
	hex!("c65e9645644786b620e2dd2ad648ddfcbf4a7e5b1a3a4ecfe7f64667a3f0b7e2"),
	hex!("f4418588ed35a2458cffeb39b93d26f18d2ab13bdce6aee58e7b99359ec2dfd9"),
	hex!("5a9c16dc00d6ef18b7933a6f8dc65ccb55667138776f7dea101070dc8796e377"),
	hex!("4df84f40ae0c8229d0d6069e5c8f39a7c299677a09d367fc7b05e3bc380ee652"),
	hex!("cdc72595f74c7b1043d0e1ffbab734648c838dfb0527d971b602bc216c9619ef"),
	hex!("0abf5ac974a1ed57f4050aa510dd9c74f508277b39d7973bb2dfccc5eeb0618d"),
	hex!("b8cd74046ff337f0a7bf2c8e03e10f642c1886798d71806ab1e888d9e5ee87d0"),
	hex!("838c5655cb21c6cb83313b5a631175dff4963772cce9108188b34ac87c81c41e"),
	hex!("662ee4dd2dd7b2bc707961b1e646c4047669dcb6584f0d8d770daf5d7e7deb2e"),
	hex!("388ab20e2573d171a88108e79d820e98f26c0b84aa8b2f4aa4968dbb818ea322"),
	hex!("93237c50ba75ee485f4c22adf2f741400bdf8d6a9cc7df7ecae576221665d735"),
	hex!("8448818bb4ae4562849e949e17ac16e0be16688e156b5cf15e098c627c0056a9"),
	hex!("27ae5ba08d7291c96c8cbddcc148bf48a6d68c7974b94356f53754ef6171d757"),
];

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
		let mut current = [0u8; 32];
		for (i, (branch, zero)) in self.branch.iter().zip(ZERO_HASHES.iter()).enumerate() {
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
	fn zero_hashes_follow_the_recurrence() {
		assert_eq!(ZERO_HASHES[0], [0u8; 32]);
		for pair in ZERO_HASHES.windows(2) {
			assert_eq!(pair[1], hash_pair(&pair[0], &pair[0]));
		}
	}

	#[test]
	fn empty_tree_root_and_zero_hashes() {
		let zeros = ZERO_HASHES;
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
		let mut proof = ZERO_HASHES[..TREE_DEPTH].try_into().unwrap_or([[0; 32]; TREE_DEPTH]);
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
