//! The hashing convention of zkSettle's shielded pool, shared by the circuit, the runtime and
//! wallets.
//!
//! Every hash is one Poseidon permutation with a **domain tag in the capacity cell** (the
//! Poseidon paper's domain separation, §4.2): the state is `[tag, m_1, …, m_{t-1}]` and the output
//! is cell 1 after the permutation. Fixed-length inputs only, so no padding rule is needed, and
//! two hashes with different tags never collide unless the permutation does.
//!
//! | function                | width | tag                  | inputs                                  |
//! |-------------------------|-------|----------------------|-----------------------------------------|
//! | [`merkle_node`]         | 5     | `zkSettle.node`      | the four children, left to right        |
//! | [`empty_leaf`]          | 3     | `zkSettle.leaf`      | 0, 0 (the value of an unused leaf)      |
//! | [`owner_key`]           | 3     | `zkSettle.owner`     | spend authorizing key, nullifier key    |
//! | [`note_commitment`]     | 5     | `zkSettle.commit`    | value, asset, owner key, blinding       |
//! | [`nullifier`]           | 5     | `zkSettle.nullifier` | nullifier key, commitment, leaf index, 0|
//!
//! Leaves of the note tree are note commitments, so the commitment tag is what separates leaves
//! from inner nodes; an unused leaf holds [`empty_leaf`], a value with no known commitment
//! opening. A tag is its ASCII label read as a little-endian integer (labels are shorter than 31
//! bytes, so the integer is a canonical scalar).

use bls12_381::Scalar;

use crate::poseidon::sparse::{permute_sparse, POSEIDON_T3_SPARSE, POSEIDON_T5_SPARSE};

/// An ASCII label (at most 31 bytes) as a little-endian integer.
// `const fn`: indexing bounded by `label.len() < 32`, so `i / 8 < 4`.
#[allow(clippy::indexing_slicing)]
pub const fn tag(label: &[u8]) -> Scalar {
	assert!(label.len() < 32, "a tag label must fit below the modulus");
	let mut limbs = [0u64; 4];
	let mut i = 0;
	while i < label.len() {
		limbs[i / 8] |= (label[i] as u64) << (8 * (i % 8));
		i += 1;
	}
	Scalar::from_raw(limbs)
}

/// Tag of inner Merkle nodes.
pub const TAG_NODE: Scalar = tag(b"zkSettle.node");
/// Tag of the empty-leaf constant.
pub const TAG_LEAF: Scalar = tag(b"zkSettle.leaf");
/// Tag of owner-key derivation.
pub const TAG_OWNER: Scalar = tag(b"zkSettle.owner");
/// Tag of note commitments.
pub const TAG_COMMITMENT: Scalar = tag(b"zkSettle.commit");
/// Tag of nullifiers.
pub const TAG_NULLIFIER: Scalar = tag(b"zkSettle.nullifier");

/// `Poseidon_3([tag, a, b])[1]`.
pub const fn hash2(tag: &Scalar, a: &Scalar, b: &Scalar) -> Scalar {
	let mut state = [*tag, *a, *b];
	permute_sparse(&POSEIDON_T3_SPARSE, &mut state);
	state[1]
}

/// `Poseidon_5([tag, a, b, c, d])[1]`.
pub const fn hash4(tag: &Scalar, a: &Scalar, b: &Scalar, c: &Scalar, d: &Scalar) -> Scalar {
	let mut state = [*tag, *a, *b, *c, *d];
	permute_sparse(&POSEIDON_T5_SPARSE, &mut state);
	state[1]
}

/// An inner node of the 4-ary note tree, from its children left to right.
pub const fn merkle_node(children: &[Scalar; 4]) -> Scalar {
	let [a, b, c, d] = children;
	hash4(&TAG_NODE, a, b, c, d)
}

/// The value of an unused leaf.
pub const fn empty_leaf() -> Scalar {
	hash2(&TAG_LEAF, &Scalar::zero(), &Scalar::zero())
}

/// The owner (public) key of the spending key `(ask, nk)` (see [`crate::keys`]).
pub const fn owner_key(ask: &Scalar, nk: &Scalar) -> Scalar {
	hash2(&TAG_OWNER, ask, nk)
}

/// The commitment to a note.
pub const fn note_commitment(value: &Scalar, asset: &Scalar, owner: &Scalar, blinding: &Scalar) -> Scalar {
	hash4(&TAG_COMMITMENT, value, asset, owner, blinding)
}

/// The nullifier of the note with `commitment` at leaf `index`, which only the holder of the
/// nullifier key `nk` (the spender, or a viewing key) can compute. Binding the leaf index makes two copies of one commitment (the same
/// note inserted twice) separately spendable but each exactly once.
pub const fn nullifier(nk: &Scalar, commitment: &Scalar, index: u64) -> Scalar {
	hash4(&TAG_NULLIFIER, nk, commitment, &Scalar::from_raw([index, 0, 0, 0]), &Scalar::zero())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn tags_are_distinct_labels() {
		let tags = [TAG_NODE, TAG_LEAF, TAG_OWNER, TAG_COMMITMENT, TAG_NULLIFIER];
		for (i, a) in tags.iter().enumerate() {
			for b in &tags[i + 1..] {
				assert_ne!(a, b);
			}
		}
		// "zkSettle.node" little-endian: the first byte is the lowest.
		assert_eq!(TAG_NODE.to_bytes()[..13], *b"zkSettle.node");
		assert!(TAG_NODE.to_bytes()[13..].iter().all(|b| *b == 0));
	}

	#[test]
	fn domain_separation_changes_the_hash() {
		let (a, b) = (Scalar::from(1u64), Scalar::from(2u64));
		let zero = Scalar::zero();
		assert_ne!(merkle_node(&[a, b, zero, zero]), hash4(&TAG_COMMITMENT, &a, &b, &zero, &zero));
		assert_ne!(merkle_node(&[a, b, zero, zero]), merkle_node(&[b, a, zero, zero]));
		assert_ne!(owner_key(&a, &b), hash2(&TAG_LEAF, &a, &b));
		let n1 = nullifier(&a, &b, 0);
		assert_ne!(n1, nullifier(&a, &b, 1));
		assert_ne!(n1, nullifier(&b, &b, 0));
	}
}
