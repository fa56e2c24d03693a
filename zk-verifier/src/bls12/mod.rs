//! BLS12-381 arithmetic of our own, for verifying in the runtime's wasm.
//!
//! `bls12_381` is the reference: it decodes the verifying keys at governance time and backs the
//! prover. The verifier's hot path (decoding proofs, the batched pairing check) runs on this
//! module instead, whose base field is laid out for wasm32 ([`fp`]: unsaturated 30-bit limbs,
//! lazy carries and lazy reduction) and whose pairing exposes what `bls12_381` keeps private
//! (prepared `G2` line coefficients that can be stored, the `G1` endomorphism).
//!
//! The tower follows `bls12_381` and the Guide to Pairing-Based Cryptography:
//! `F_p² = F_p[u]/(u² + 1)`, `F_p⁶ = F_p²[v]/(v³ - (1 + u))`, `F_p¹² = F_p⁶[w]/(w² - v)`.
//! Every operation is tested against `num-bigint` (the base field) or against `bls12_381`
//! itself (points, pairings), in `tests`.

pub mod fp;
pub mod fp12;
pub mod fp2;
pub mod fp6;
pub mod g1;
pub mod g2;
pub mod group;
mod ops;
pub mod pairing;
#[cfg(test)]
mod tests;

pub use fp::Fp;
pub use fp12::Fp12;
pub use fp2::Fp2;
pub use fp6::Fp6;

use group::{Affine, Curve};

/// `|x|` for the BLS parameter `x = -0xd201000000010000`.
pub const BLS_X_ABS: u64 = 0xd201_0000_0001_0000;

/// The flag bits of the `bls12_381` encodings (top three bits of the first byte).
struct Flags {
	infinity: bool,
	sort: bool,
}

impl Flags {
	/// The flags of an uncompressed encoding: `None` if the compression flag is set.
	fn read(first_coordinate: &[u8; 48]) -> Option<Flags> {
		let byte = first_coordinate.first().copied().unwrap_or(0);
		if byte & 0x80 != 0 {
			return None;
		}
		Some(Flags { infinity: byte & 0x40 != 0, sort: byte & 0x20 != 0 })
	}

	/// The decoded point under these flags: uncompressed encodings have no sort flag, and the
	/// identity has exactly one encoding (infinity flag, zero coordinates).
	fn point<C: Curve>(&self, point: Affine<C>, coordinates_zero: bool) -> Option<Affine<C>> {
		match (self.sort, self.infinity) {
			(true, _) => None,
			(false, true) if coordinates_zero => Some(Affine::IDENTITY),
			(false, true) => None,
			(false, false) => Some(point),
		}
	}
}
