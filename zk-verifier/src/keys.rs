//! Shielded keys: who may spend a note, and who may see that it was spent.
//!
//! A spending key is two scalars, in the manner of Zcash Sapling's `(ask, nsk)`:
//!
//! * `ask`, the **spend authorizing key**: known only to the owner, never leaves the wallet;
//! * `nk`, the **nullifier key**: needed to compute a note's nullifier.
//!
//! The **owner key** written into notes is `owner_key(ask, nk)` (one Poseidon hash, see
//! [`hash::owner_key`]). Spending a note proves knowledge of *both* halves behind its owner key;
//! its nullifier is `nullifier(nk, commitment, index)`.
//!
//! Splitting the key is what makes a **viewing key** possible: `(owner, nk)` lets a wallet
//! recognise the holder's notes (by their owner key) and tell spent notes from unspent ones (by
//! recomputing their nullifiers), so it can show balances and history; without `ask` it cannot
//! produce a spend proof, because finding `ask` from `owner` and `nk` is a Poseidon preimage.

use bls12_381::Scalar;

use crate::hash;

/// Personalisation of the spend-authorizing-key derivation.
const ASK_PERSONAL: &[u8; 16] = b"zkSettle_SpndAut";
/// Personalisation of the nullifier-key derivation.
const NK_PERSONAL: &[u8; 16] = b"zkSettle_NullKey";

/// A spending key: everything needed to spend the notes of one owner key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SpendingKey {
	/// Spend authorizing key.
	pub ask: Scalar,
	/// Nullifier key.
	pub nk: Scalar,
}

/// A viewing key: recognises notes and their spends, cannot spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewingKey {
	/// The owner key notes are addressed to.
	pub owner: Scalar,
	/// The nullifier key.
	pub nk: Scalar,
}

impl core::fmt::Debug for SpendingKey {
	// Never print secret material, even in a debug log.
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("SpendingKey").field("owner", &self.owner()).finish_non_exhaustive()
	}
}

/// BLAKE2b-512 of `seed` with `personal`, reduced to a scalar (bias `2^-257`).
fn derive(personal: &[u8; 16], seed: &[u8]) -> Scalar {
	let hash = blake2b_simd::Params::new().hash_length(64).personal(personal).hash(seed);
	let mut wide = [0u8; 64];
	wide.copy_from_slice(hash.as_bytes());
	Scalar::from_bytes_wide(&wide)
}

impl SpendingKey {
	/// The spending key of a wallet seed (for instance a BIP-39 seed). Each half is an
	/// independent, personalised BLAKE2b-512 of the seed.
	pub fn from_seed(seed: &[u8]) -> Self {
		SpendingKey { ask: derive(ASK_PERSONAL, seed), nk: derive(NK_PERSONAL, seed) }
	}

	/// A uniformly random spending key (dummy inputs, tests).
	#[cfg(feature = "prover")]
	pub fn random<R: rand_core::Rng + ?Sized>(rng: &mut R) -> Self {
		use ff::Field;
		SpendingKey { ask: Scalar::random(&mut *rng), nk: Scalar::random(&mut *rng) }
	}

	/// The owner key that notes for this key carry.
	pub fn owner(&self) -> Scalar {
		hash::owner_key(&self.ask, &self.nk)
	}

	/// The viewing key: the owner key and the nullifier key, without the spend authority.
	pub fn viewing_key(&self) -> ViewingKey {
		ViewingKey { owner: self.owner(), nk: self.nk }
	}
}

impl ViewingKey {
	/// The nullifier the note with `commitment` at leaf `index` reveals when it is spent.
	pub fn nullifier(&self, commitment: &Scalar, index: u64) -> Scalar {
		hash::nullifier(&self.nk, commitment, index)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn seed_derivation_is_deterministic_and_separated() {
		let a = SpendingKey::from_seed(b"seed one");
		assert_eq!(a, SpendingKey::from_seed(b"seed one"));
		assert_ne!(a.ask, a.nk, "the two halves use different personalisations");
		let b = SpendingKey::from_seed(b"seed two");
		assert_ne!(a.owner(), b.owner());
	}

	#[test]
	fn the_viewing_key_computes_the_spenders_nullifier() {
		let key = SpendingKey::from_seed(b"viewer");
		let view = key.viewing_key();
		let cm = Scalar::from(77u64);
		assert_eq!(view.owner, key.owner());
		assert_eq!(view.nullifier(&cm, 5), hash::nullifier(&key.nk, &cm, 5));
		// The owner key binds both halves: another nk is another owner.
		let other = SpendingKey { nk: key.nk + Scalar::one(), ..key };
		assert_ne!(other.owner(), key.owner());
	}

	#[test]
	fn debug_hides_the_secret_halves() {
		let key = SpendingKey::from_seed(b"secret");
		let shown = alloc::format!("{key:?}");
		assert!(!shown.contains(&alloc::format!("{:?}", key.ask)));
		assert!(!shown.contains(&alloc::format!("{:?}", key.nk)));
	}
}
