//! Notes: the UTXOs of the shielded pool.
//!
//! A note says "`value` units of `asset` belong to the holder of the spending key behind
//! `owner`". Only its commitment goes on-chain (a leaf of the note tree); spending it reveals its
//! nullifier, which nobody without the owner's nullifier key can link to the commitment.

use bls12_381::Scalar;

use crate::hash;

/// A shielded note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Note {
	/// Amount, in the asset's smallest unit.
	pub value: u64,
	/// Asset identifier as the runtime maps it to a field element (0 is the native token).
	pub asset: u64,
	/// Owner key: [`hash::owner_key`] of the owner's spending key (see [`crate::keys`]).
	pub owner: Scalar,
	/// Random blinding that hides the other fields in the commitment.
	pub blinding: Scalar,
}

impl Note {
	/// The note commitment, the leaf it becomes in the note tree.
	pub fn commitment(&self) -> Scalar {
		hash::note_commitment(&Scalar::from(self.value), &Scalar::from(self.asset), &self.owner, &self.blinding)
	}

	/// The nullifier revealed when the note at leaf `index` is spent, from the owner's
	/// nullifier key `nk`.
	pub fn nullifier(&self, nk: &Scalar, index: u64) -> Scalar {
		hash::nullifier(nk, &self.commitment(), index)
	}
}
