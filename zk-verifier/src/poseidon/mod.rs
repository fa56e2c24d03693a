//! The Poseidon permutation over the BLS12-381 scalar field.
//!
//! Instances (Poseidon paper, Table 2 / the reference `poseidonperm_x5_255_*` scripts):
//!
//! | width `t` | S-box   | full rounds `R_F` | partial rounds `R_P` | use                         |
//! |-----------|---------|-------------------|----------------------|-----------------------------|
//! | 3         | `x^5`   | 8                 | 57                   | two-to-one: owner keys, empty leaf |
//! | 5         | `x^5`   | 8                 | 60                   | four-to-one: Merkle nodes, notes, nullifiers |
//!
//! A round is: add the round constants, apply the S-box (to every cell in a full round, to cell 0
//! in a partial round), multiply by the MDS matrix. `R_F / 2` full rounds come first, then the
//! `R_P` partial rounds, then `R_F / 2` full rounds.
//!
//! All parameters are derived at compile time from the Grain LFSR (see [`grain`]); the permutation
//! is a `const fn` too, so fixed hashes (the empty Merkle subtrees) are compile-time constants.
//! [`sparse`] evaluates the same permutation with the optimised partial rounds; hashing uses it.
//! The hashing convention built on the permutation is in [`crate::hash`].

// These are `const fn`s, evaluated at compile time, where iterators are not available: indexing
// is the only way to walk the arrays. Every index is bounded by a loop over the array's own
// constant length (an out-of-bounds index in constant evaluation is a compile error), and the
// reference test vectors exercise every path.
#![allow(clippy::indexing_slicing)]

pub mod grain;
pub mod sparse;
#[cfg(feature = "prover")]
pub mod gadget;

use bls12_381::Scalar;
use grain::Grain;

/// The S-box exponent `alpha`: `x ↦ x^5` is a permutation of the BLS12-381 scalar field because
/// `gcd(5, p - 1) = 1`.
pub const ALPHA: u64 = 5;
/// Full rounds for both instances (`R_F`).
pub const R_F: usize = 8;
/// Partial rounds of the width-3 instance (`R_P`).
pub const R_P_T3: usize = 57;
/// Partial rounds of the width-5 instance (`R_P`).
pub const R_P_T5: usize = 60;

/// The parameters of one Poseidon instance of width `T` with `ROUNDS = R_F + R_P` rounds.
#[derive(Clone, Debug)]
pub struct Params<const T: usize, const ROUNDS: usize> {
	/// Full rounds `R_F` (half before, half after the partial rounds).
	pub full_rounds: usize,
	/// Partial rounds `R_P`.
	pub partial_rounds: usize,
	/// Round constants, `T` per round, in the order the Grain LFSR produces them.
	pub round_constants: [[Scalar; T]; ROUNDS],
	/// The Cauchy MDS matrix `M[i][j] = 1 / (x_i + y_j)`.
	pub mds: [[Scalar; T]; T],
}

impl<const T: usize, const ROUNDS: usize> Params<T, ROUNDS> {
	/// Derive an instance's parameters from the Grain LFSR, as the reference script does.
	///
	/// Fails to compile (a `const` panic) if `ROUNDS != R_F + R_P` or the MDS seeds are
	/// degenerate, rather than producing a different instance.
	pub const fn derive(full_rounds: usize, partial_rounds: usize) -> Self {
		assert!(full_rounds + partial_rounds == ROUNDS, "ROUNDS must be R_F + R_P");
		assert!(full_rounds.is_multiple_of(2), "R_F must be even");
		let mut grain = Grain::new(T as u32, full_rounds as u32, partial_rounds as u32);

		let mut round_constants = [[Scalar::zero(); T]; ROUNDS];
		let mut r = 0;
		while r < ROUNDS {
			let mut i = 0;
			while i < T {
				round_constants[r][i] = grain.next_round_constant();
				i += 1;
			}
			r += 1;
		}

		// x_0..x_{T-1} then y_0..y_{T-1}, as canonical integers so that they can be compared.
		let mut xs = [[0u64; 4]; T];
		let mut ys = [[0u64; 4]; T];
		let mut i = 0;
		while i < T {
			xs[i] = grain.next_reduced();
			i += 1;
		}
		let mut j = 0;
		while j < T {
			ys[j] = grain.next_reduced();
			j += 1;
		}
		// The reference script redraws on duplicates or a zero denominator; for the instances
		// here neither happens, which the compiler checks.
		let mut a = 0;
		while a < 2 * T {
			let va = if a < T { &xs[a] } else { &ys[a - T] };
			let mut b = a + 1;
			while b < 2 * T {
				let vb = if b < T { &xs[b] } else { &ys[b - T] };
				assert!(!grain::limbs_eq(va, vb), "MDS seeds must be distinct");
				b += 1;
			}
			a += 1;
		}

		let mut mds = [[Scalar::zero(); T]; T];
		let mut i = 0;
		while i < T {
			let mut j = 0;
			while j < T {
				assert!(!grain::sums_to_zero(&xs[i], &ys[j]), "x_i + y_j must be non-zero");
				let denominator = Scalar::from_raw(xs[i]).add(&Scalar::from_raw(ys[j]));
				mds[i][j] = grain::invert(&denominator);
				j += 1;
			}
			i += 1;
		}

		Params { full_rounds, partial_rounds, round_constants, mds }
	}

	/// Whether round `r` is a full round.
	pub const fn is_full_round(&self, r: usize) -> bool {
		let half = self.full_rounds / 2;
		r < half || r >= half + self.partial_rounds
	}
}

/// `x^5`.
#[inline]
pub const fn sbox(x: &Scalar) -> Scalar {
	x.square().square().mul(x)
}

/// The Poseidon permutation, in place.
pub const fn permute<const T: usize, const ROUNDS: usize>(
	params: &Params<T, ROUNDS>,
	state: &mut [Scalar; T],
) {
	let mut r = 0;
	while r < ROUNDS {
		let mut i = 0;
		while i < T {
			state[i] = state[i].add(&params.round_constants[r][i]);
			i += 1;
		}
		if params.is_full_round(r) {
			let mut i = 0;
			while i < T {
				state[i] = sbox(&state[i]);
				i += 1;
			}
		} else {
			state[0] = sbox(&state[0]);
		}
		let mut mixed = [Scalar::zero(); T];
		let mut i = 0;
		while i < T {
			let mut j = 0;
			while j < T {
				mixed[i] = mixed[i].add(&params.mds[i][j].mul(&state[j]));
				j += 1;
			}
			i += 1;
		}
		*state = mixed;
		r += 1;
	}
}

/// The width-3 instance (`x^5`, `R_F = 8`, `R_P = 57`).
pub const POSEIDON_T3: Params<3, { R_F + R_P_T3 }> = Params::derive(R_F, R_P_T3);
/// The width-5 instance (`x^5`, `R_F = 8`, `R_P = 60`).
pub const POSEIDON_T5: Params<5, { R_F + R_P_T5 }> = Params::derive(R_F, R_P_T5);

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_util::scalar_from_hex;

	/// The reference implementation's vector `poseidonperm_x5_255_3`: perm(0, 1, 2).
	#[test]
	fn t3_matches_reference_vector() {
		let mut state = [Scalar::from(0u64), Scalar::from(1u64), Scalar::from(2u64)];
		permute(&POSEIDON_T3, &mut state);
		assert_eq!(
			state,
			[
				scalar_from_hex("28ce19420fc246a05553ad1e8c98f5c9d67166be2c18e9e4cb4b4e317dd2a78a"),
				scalar_from_hex("51f3e312c95343a896cfd8945ea82ba956c1118ce9b9859b6ea56637b4b1ddc4"),
				scalar_from_hex("3b2b69139b235626a0bfb56c9527ae66a7bf486ad8c11c14d1da0c69bbe0f79a"),
			]
		);
	}

	/// The reference implementation's vector `poseidonperm_x5_255_5`: perm(0, 1, 2, 3, 4).
	#[test]
	fn t5_matches_reference_vector() {
		let mut state = [0u64, 1, 2, 3, 4].map(Scalar::from);
		permute(&POSEIDON_T5, &mut state);
		assert_eq!(
			state,
			[
				scalar_from_hex("2a918b9c9f9bd7bb509331c81e297b5707f6fc7393dcee1b13901a0b22202e18"),
				scalar_from_hex("65ebf8671739eeb11fb217f2d5c5bf4a0c3f210e3f3cd3b08b5db75675d797f7"),
				scalar_from_hex("2cc176fc26bc70737a696a9dfd1b636ce360ee76926d182390cdb7459cf585ce"),
				scalar_from_hex("4dc4e29d283afd2a491fe6aef122b9a968e74eff05341f3cc23fda1781dcb566"),
				scalar_from_hex("03ff622da276830b9451b88b85e6184fd6ae15c8ab3ee25a5667be8592cce3b1"),
			]
		);
	}

	/// Structural checks on the derived parameters (the vectors above are the real check).
	#[test]
	fn derived_parameters_are_well_formed() {
		assert_eq!(POSEIDON_T3.round_constants.len(), R_F + R_P_T3);
		assert_eq!(POSEIDON_T5.round_constants.len(), R_F + R_P_T5);
		// Cauchy matrices over a field with distinct seeds are invertible and have no zero entry.
		for row in POSEIDON_T3.mds.iter() {
			for entry in row {
				assert_ne!(*entry, Scalar::zero());
			}
		}
		// The matrix is invertible: det != 0 (3x3 cofactor expansion).
		let m = &POSEIDON_T3.mds;
		let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
			m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
			m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
		assert_ne!(det, Scalar::zero());
		// Every round constant is a canonical field element (the rejection sampling held).
		for round in POSEIDON_T5.round_constants.iter() {
			for c in round {
				assert!(bool::from(Scalar::from_bytes(&c.to_bytes()).is_some()));
			}
		}
	}

	/// The `const` inversion agrees with the library's.
	#[test]
	fn const_invert_agrees() {
		for v in [1u64, 2, 5, 12345, u64::MAX] {
			let x = Scalar::from(v);
			assert_eq!(grain::invert(&x), x.invert().unwrap());
		}
	}

	/// The permutation is a bijection in spirit: different inputs give different outputs, and the
	/// `const` and run-time evaluations agree.
	#[test]
	fn compile_time_and_run_time_agree() {
		const AT_COMPILE_TIME: [Scalar; 3] = {
			let mut s = [Scalar::zero(), Scalar::one(), Scalar::one().double()];
			permute(&POSEIDON_T3, &mut s);
			s
		};
		let mut s = [Scalar::from(0u64), Scalar::from(1u64), Scalar::from(2u64)];
		permute(&POSEIDON_T3, &mut s);
		assert_eq!(s, AT_COMPILE_TIME);
	}
}
