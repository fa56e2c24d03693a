//! The bytes a relayer hands an ISM: Hyperlane's multisig metadata layouts, and merkle proofs
//! of the origin's outbound tree (rebuilt from its message ids).

use pallet_settlement::{
	checkpoint::Checkpoint,
	merkle::{TREE_DEPTH, ZERO_HASHES},
};
use sha3::{Digest, Keccak256};

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

#[cfg(test)]
mod tests {
	use super::*;
	use pallet_settlement::merkle::branch_root;

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
