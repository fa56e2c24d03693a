//! Multi-exponentiation on `blst` for proving.
//!
//! Proving is ~90 % multi-exponentiation `Σ sᵢ·Pᵢ` over the proving key's queries, and
//! `bellman`'s Pippenger over `bls12_381` (portable 64-bit field arithmetic) takes most of a
//! second for them. `blst` runs the same Pippenger with assembly field arithmetic (ADX
//! multiplication where the CPU has it) on every core. Only this module sees `blst`: the bases
//! of a proving key cross into it once, and each product crosses back, through the checked
//! uncompressed encodings both libraries implement (IETF / Zcash BLS12-381 serialisation), so a
//! point that is not on the curve, or not in its subgroup on the way back, is an error and never
//! a wrong proof. The results are the same group elements `bellman` computes, so proofs are
//! byte for byte the same (tested in [`super::prove`]).

use alloc::vec::Vec;
use blst::{blst_p1, blst_p1_affine, blst_p2, blst_p2_affine, MultiPoint, BLST_ERROR};
use bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};

/// Why a multi-exponentiation could not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsmError {
	/// A base did not decode in `blst`, or a result did not decode in `bls12_381`.
	Encoding,
	/// More scalars than bases.
	TooManyScalars {
		/// Scalars given.
		scalars: usize,
		/// Bases available.
		bases: usize,
	},
}

impl core::fmt::Display for MsmError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			MsmError::Encoding => write!(f, "a point did not cross between bls12_381 and blst"),
			MsmError::TooManyScalars { scalars, bases } => write!(f, "{scalars} scalars for {bases} bases"),
		}
	}
}

/// Bits of a scalar (`r < 2^255`).
const SCALAR_BITS: usize = 255;

/// Scalars as `blst` reads them: 32 little-endian bytes each, canonical (`< r`).
fn scalar_bytes(scalars: &[Scalar]) -> Vec<u8> {
	scalars.iter().flat_map(|s| s.to_bytes()).collect()
}

/// One group's bases in `blst` form, and the way back.
macro_rules! bases {
	($name:ident, $group:literal, $affine:ty, $projective:ty, $blst_affine:ty, $blst_point:ty,
	 $deserialize:path, $serialize:path, $bytes:literal) => {
		#[doc = concat!("Bases in ", $group, ", converted once for many multi-exponentiations.")]
		pub(crate) struct $name(Vec<$blst_affine>);

		impl $name {
			#[doc = concat!("Convert ", $group, " points (already checked: a key is read with its checks).")]
			pub fn new(points: &[$affine]) -> Result<Self, MsmError> {
				points
					.iter()
					.map(|point| {
						let bytes = point.to_uncompressed();
						let mut out = <$blst_affine>::default();
						// SAFETY: `bytes` holds the whole uncompressed encoding the function reads
						// (its flag bits say how long it is: uncompressed, `$bytes` bytes), and
						// `out` is a valid point to write to.
						let decoded = unsafe { $deserialize(&mut out, bytes.as_ptr()) };
						(decoded == BLST_ERROR::BLST_SUCCESS).then_some(out).ok_or(MsmError::Encoding)
					})
					.collect::<Result<Vec<_>, _>>()
					.map($name)
			}

			/// How many bases.
			pub fn len(&self) -> usize {
				self.0.len()
			}

			/// `Σ scalars[i] · bases[i]` over the first `scalars.len()` bases.
			pub fn msm(&self, scalars: &[Scalar]) -> Result<$projective, MsmError> {
				let bases = self
					.0
					.get(..scalars.len())
					.ok_or(MsmError::TooManyScalars { scalars: scalars.len(), bases: self.0.len() })?;
				if bases.is_empty() {
					return Ok(<$projective>::identity());
				}
				let sum: $blst_point = bases.mult(&scalar_bytes(scalars), SCALAR_BITS);
				let mut bytes = [0u8; $bytes];
				// SAFETY: `bytes` has room for the uncompressed encoding (`$bytes` bytes) that
				// the function writes; `sum` is a valid point.
				unsafe { $serialize(bytes.as_mut_ptr(), &sum) };
				Option::<$affine>::from(<$affine>::from_uncompressed(&bytes))
					.map(<$projective>::from)
					.ok_or(MsmError::Encoding)
			}
		}
	};
}

bases!(G1Bases, "G1", G1Affine, G1Projective, blst_p1_affine, blst_p1, blst::blst_p1_deserialize, blst::blst_p1_serialize, 96);
bases!(G2Bases, "G2", G2Affine, G2Projective, blst_p2_affine, blst_p2, blst::blst_p2_deserialize, blst::blst_p2_serialize, 192);

#[cfg(test)]
mod tests {
	use super::*;
	use ff::Field;
	use group::{Curve, Group};
	use proptest::prelude::*;
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

	/// `Σ sᵢ·Pᵢ` the schoolbook way in `bls12_381`: the reference.
	fn reference<G: Group<Scalar = Scalar>>(points: &[G], scalars: &[Scalar]) -> G {
		points.iter().zip(scalars).fold(G::identity(), |acc, (p, s)| acc + *p * s)
	}

	/// Random points and scalars, with the edge cases a proof meets: zero and one scalars (bits
	/// of the witness), `r - 1`, repeated points and the identity.
	fn inputs<G: Group<Scalar = Scalar>>(seed: u64, n: usize) -> (Vec<G>, Vec<Scalar>) {
		let mut rng = ChaCha20Rng::seed_from_u64(seed);
		let mut points: Vec<G> = (0..n).map(|_| G::random(&mut rng)).collect();
		let mut scalars: Vec<Scalar> = (0..n).map(|_| Scalar::random(&mut rng)).collect();
		for (i, (point, scalar)) in points.iter_mut().zip(scalars.iter_mut()).enumerate() {
			match i % 7 {
				1 => *scalar = Scalar::ZERO,
				2 => *scalar = Scalar::ONE,
				3 => *scalar = -Scalar::ONE,
				4 => *point = G::identity(),
				5 => *point = G::generator(),
				_ => {},
			}
		}
		(points, scalars)
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(12))]

		#[test]
		fn g1_products_are_bls12_381s(seed in any::<u64>(), n in 0usize..300, extra in 0usize..3) {
			let (points, scalars) = inputs::<G1Projective>(seed, n + extra);
			let affine: Vec<G1Affine> = points.iter().map(|p| p.to_affine()).collect();
			let bases = G1Bases::new(&affine).unwrap();
			prop_assert_eq!(bases.len(), n + extra);
			// Fewer scalars than bases: the first bases only, as a query's inputs part uses them.
			let scalars = &scalars[..n];
			prop_assert_eq!(bases.msm(scalars).unwrap(), reference(&points[..n], scalars));
		}

		#[test]
		fn g2_products_are_bls12_381s(seed in any::<u64>(), n in 0usize..80) {
			let (points, scalars) = inputs::<G2Projective>(seed, n);
			let affine: Vec<G2Affine> = points.iter().map(|p| p.to_affine()).collect();
			prop_assert_eq!(G2Bases::new(&affine).unwrap().msm(&scalars).unwrap(), reference(&points, &scalars));
		}
	}

	/// Large enough for `blst`'s multi-threaded Pippenger tiles (the small cases above take its
	/// per-point path).
	#[test]
	fn a_large_product_is_bls12_381s() {
		let (points, scalars) = inputs::<G1Projective>(7, 3000);
		let affine: Vec<G1Affine> = points.iter().map(|p| p.to_affine()).collect();
		assert_eq!(G1Bases::new(&affine).unwrap().msm(&scalars).unwrap(), reference(&points, &scalars));
	}

	#[test]
	fn more_scalars_than_bases_is_an_error() {
		let bases = G1Bases::new(&[G1Affine::generator()]).unwrap();
		assert_eq!(
			bases.msm(&[Scalar::ONE, Scalar::ONE]),
			Err(MsmError::TooManyScalars { scalars: 2, bases: 1 })
		);
	}
}
