//! Poseidon with the optimised partial rounds (Poseidon paper, Appendix B): the same permutation
//! as [`super::permute`], computed with fewer multiplications.
//!
//! A partial round `x ↦ M · S(x + c)` puts only cell 0 through the S-box, so two facts let most
//! of its work move out of the loop:
//!
//! 1. **Round constants.** `S(x + c) = S(x + c₀e₀) + (0, c₁, …, c_{t-1})`, and `M` is linear: the
//!    constants of cells `1..t` can be carried forward, through `M`, into the next round's. Each
//!    partial round keeps one scalar constant; what is carried out of the last one joins the
//!    constants of the first full round after them.
//! 2. **Sparse matrices.** Write `M = [[m₀₀, mᵀ], [m̂, M̂]]` with `M̂` the lower-right
//!    `(t-1)×(t-1)` block. For `D_i = diag(1, M̂^i)`,
//!    `M · D_{i-1} = D_i · M''_i` with `M''_i = [[m₀₀, mᵀ M̂^{i-1}], [M̂^{-i} m̂, I]]`.
//!    `D_i` leaves cell 0 alone, so it commutes with the S-box and with a constant in cell 0:
//!    moving it past each partial round in turn leaves the sparse `M''_i` (2t - 1
//!    multiplications instead of t²) in every round and one dense `D_{R_P}` after the last.
//!
//! `M̂` is invertible, and so is each leading block the elimination in [`lower_block_inverse`]
//! pivots on, because every square submatrix of a Cauchy (MDS) matrix is. Everything here is a
//! `const fn`, derived at compile time from [`super::Params`]; the tests check the result against
//! the plain permutation on the reference vectors and on random states.

// `const fn`s walk fixed-size arrays by index; every index is bounded by a loop over the array's
// own constant length (an out-of-bounds index in constant evaluation is a compile error).
#![allow(clippy::indexing_slicing)]

use bls12_381::Scalar;

use super::{grain, sbox, Params, POSEIDON_T3, POSEIDON_T5, R_F, R_P_T3, R_P_T5};

/// The parameters of the optimised evaluation of a width-`T` instance with `P` partial rounds.
#[derive(Clone, Debug)]
pub struct SparseParams<const T: usize, const P: usize> {
	/// Constants of the `R_F` full rounds, in order; the first round after the partial rounds
	/// also carries what the partial rounds moved forward.
	pub full_round_constants: [[Scalar; T]; R_F],
	/// The one constant (cell 0) left in each partial round.
	pub partial_round_constants: [Scalar; P],
	/// First row of each `M''_i`: `(m₀₀, mᵀ M̂^{i-1})`.
	pub sparse_first_rows: [[Scalar; T]; P],
	/// First column of each `M''_i` below the diagonal, `M̂^{-i} m̂`, at indices `1..T` (index 0
	/// is zero and unused).
	pub sparse_first_columns: [[Scalar; T]; P],
	/// `D_{R_P} = diag(1, M̂^{R_P})`, applied once after the partial rounds.
	pub after_partial_rounds: [[Scalar; T]; T],
	/// The MDS matrix, for the full rounds.
	pub mds: [[Scalar; T]; T],
}

/// `m · v`.
const fn mat_vec<const T: usize>(m: &[[Scalar; T]; T], v: &[Scalar; T]) -> [Scalar; T] {
	let mut out = [Scalar::zero(); T];
	let mut i = 0;
	while i < T {
		let mut j = 0;
		while j < T {
			out[i] = out[i].add(&m[i][j].mul(&v[j]));
			j += 1;
		}
		i += 1;
	}
	out
}

/// `a · b`.
const fn mat_mul<const T: usize>(a: &[[Scalar; T]; T], b: &[[Scalar; T]; T]) -> [[Scalar; T]; T] {
	let mut out = [[Scalar::zero(); T]; T];
	let mut i = 0;
	while i < T {
		let mut j = 0;
		while j < T {
			let mut l = 0;
			while l < T {
				out[i][j] = out[i][j].add(&a[i][l].mul(&b[l][j]));
				l += 1;
			}
			j += 1;
		}
		i += 1;
	}
	out
}

/// The identity matrix.
const fn identity<const T: usize>() -> [[Scalar; T]; T] {
	let mut out = [[Scalar::zero(); T]; T];
	let mut i = 0;
	while i < T {
		out[i][i] = Scalar::one();
		i += 1;
	}
	out
}

/// `diag(1, M̂)`: `m` with its first row and column replaced by the identity's.
pub const fn lower_block<const T: usize>(m: &[[Scalar; T]; T]) -> [[Scalar; T]; T] {
	let mut out = *m;
	let mut i = 0;
	while i < T {
		out[0][i] = Scalar::zero();
		out[i][0] = Scalar::zero();
		i += 1;
	}
	out[0][0] = Scalar::one();
	out
}

/// `diag(1, M̂^{-1})`, by Gauss–Jordan elimination on the lower block without row exchanges.
///
/// Without exchanges each pivot is a leading principal minor of `M̂` divided by the previous
/// one; for a Cauchy matrix these minors are non-zero. (A zero pivot would invert to zero and
/// give a wrong matrix, which the tests would see: `const` code cannot compare field elements.)
pub const fn lower_block_inverse<const T: usize>(m: &[[Scalar; T]; T]) -> [[Scalar; T]; T] {
	let mut a = lower_block(m);
	let mut inverse = identity::<T>();
	let mut p = 1;
	while p < T {
		let pivot_inverse = grain::invert(&a[p][p]);
		let mut j = 1;
		while j < T {
			a[p][j] = a[p][j].mul(&pivot_inverse);
			inverse[p][j] = inverse[p][j].mul(&pivot_inverse);
			j += 1;
		}
		let mut r = 1;
		while r < T {
			if r != p {
				let factor = a[r][p];
				let mut j = 1;
				while j < T {
					a[r][j] = a[r][j].sub(&factor.mul(&a[p][j]));
					inverse[r][j] = inverse[r][j].sub(&factor.mul(&inverse[p][j]));
					j += 1;
				}
			}
			r += 1;
		}
		p += 1;
	}
	inverse
}

impl<const T: usize, const P: usize> SparseParams<T, P> {
	/// The optimised form of `params`. Fails to compile (a `const` panic) if `params` does not
	/// have `R_F` full and `P` partial rounds.
	pub const fn derive<const ROUNDS: usize>(params: &Params<T, ROUNDS>) -> Self {
		assert!(params.full_rounds == R_F && params.partial_rounds == P, "round counts differ");
		assert!(ROUNDS == R_F + P, "ROUNDS must be R_F + R_P");
		let half = R_F / 2;
		let m = &params.mds;

		let mut full_round_constants = [[Scalar::zero(); T]; R_F];
		let mut r = 0;
		while r < R_F {
			let source = if r < half { r } else { r + P };
			full_round_constants[r] = params.round_constants[source];
			r += 1;
		}

		// Fact 1: carry the constants of cells 1..T forward through M.
		let mut partial_round_constants = [Scalar::zero(); P];
		let mut carried = [Scalar::zero(); T];
		let mut i = 0;
		while i < P {
			let mut sum = [Scalar::zero(); T];
			let mut j = 0;
			while j < T {
				sum[j] = carried[j].add(&params.round_constants[half + i][j]);
				j += 1;
			}
			partial_round_constants[i] = sum[0];
			sum[0] = Scalar::zero();
			carried = mat_vec(m, &sum);
			i += 1;
		}
		let mut j = 0;
		while j < T {
			full_round_constants[half][j] = full_round_constants[half][j].add(&carried[j]);
			j += 1;
		}

		// Fact 2: M''_i for i = 1..=P, and D_P.
		let hat = lower_block(m);
		let hat_inverse = lower_block_inverse(m);
		let mut sparse_first_rows = [[Scalar::zero(); T]; P];
		let mut sparse_first_columns = [[Scalar::zero(); T]; P];
		// (m₀₀, mᵀ M̂^{i-1}) as a row vector; `row · diag(1, M̂)` keeps m₀₀ in place.
		let mut row = m[0];
		// M̂^{-i} m̂, with a zero in cell 0 that `diag(1, M̂^{-1})` keeps.
		let mut column = [Scalar::zero(); T];
		let mut j = 1;
		while j < T {
			column[j] = m[j][0];
			j += 1;
		}
		let mut power = identity::<T>();
		let mut i = 0;
		while i < P {
			column = mat_vec(&hat_inverse, &column);
			sparse_first_rows[i] = row;
			sparse_first_columns[i] = column;
			let mut next = [Scalar::zero(); T];
			let mut j = 0;
			while j < T {
				let mut l = 0;
				while l < T {
					next[j] = next[j].add(&row[l].mul(&hat[l][j]));
					l += 1;
				}
				j += 1;
			}
			row = next;
			power = mat_mul(&power, &hat);
			i += 1;
		}

		SparseParams {
			full_round_constants,
			partial_round_constants,
			sparse_first_rows,
			sparse_first_columns,
			after_partial_rounds: power,
			mds: *m,
		}
	}
}

/// One full round: constants, the S-box on every cell, the MDS matrix.
const fn full_round<const T: usize>(
	constants: &[Scalar; T],
	mds: &[[Scalar; T]; T],
	state: &mut [Scalar; T],
) {
	let mut i = 0;
	while i < T {
		state[i] = sbox(&state[i].add(&constants[i]));
		i += 1;
	}
	*state = mat_vec(mds, state);
}

/// The Poseidon permutation, in place, with sparse partial rounds. Equal to
/// [`super::permute`] with the parameters `params` was derived from.
pub const fn permute_sparse<const T: usize, const P: usize>(
	params: &SparseParams<T, P>,
	state: &mut [Scalar; T],
) {
	let half = R_F / 2;
	let mut r = 0;
	while r < half {
		full_round(&params.full_round_constants[r], &params.mds, state);
		r += 1;
	}
	let mut i = 0;
	while i < P {
		let x0 = sbox(&state[0].add(&params.partial_round_constants[i]));
		let row = &params.sparse_first_rows[i];
		let column = &params.sparse_first_columns[i];
		let mut first = row[0].mul(&x0);
		let mut j = 1;
		while j < T {
			first = first.add(&row[j].mul(&state[j]));
			state[j] = state[j].add(&column[j].mul(&x0));
			j += 1;
		}
		state[0] = first;
		i += 1;
	}
	*state = mat_vec(&params.after_partial_rounds, state);
	let mut r = half;
	while r < R_F {
		full_round(&params.full_round_constants[r], &params.mds, state);
		r += 1;
	}
}

/// The width-3 instance, optimised.
pub const POSEIDON_T3_SPARSE: SparseParams<3, R_P_T3> = SparseParams::derive(&POSEIDON_T3);
/// The width-5 instance, optimised.
pub const POSEIDON_T5_SPARSE: SparseParams<5, R_P_T5> = SparseParams::derive(&POSEIDON_T5);

#[cfg(test)]
mod tests {
	use super::*;
	use crate::poseidon::permute;
	use proptest::prelude::*;

	fn scalar(words: [u64; 4]) -> Scalar {
		let mut wide = [0u8; 64];
		for (i, w) in words.iter().enumerate() {
			wide[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
		}
		Scalar::from_bytes_wide(&wide)
	}

	#[test]
	fn lower_block_inverse_inverts() {
		let m = &POSEIDON_T3.mds;
		assert_eq!(mat_mul(&lower_block(m), &lower_block_inverse(m)), identity());
		let m = &POSEIDON_T5.mds;
		assert_eq!(mat_mul(&lower_block(m), &lower_block_inverse(m)), identity());
	}

	/// The factorisation itself: `M · D_{i-1} = D_i · M''_i` for every partial round.
	#[test]
	fn sparse_factorisation_holds() {
		fn check<const T: usize, const P: usize>(sparse: &SparseParams<T, P>) {
			let hat = lower_block(&sparse.mds);
			let mut previous = identity::<T>();
			for i in 0..P {
				let current = mat_mul(&previous, &hat);
				let mut m2 = identity::<T>();
				m2[0] = sparse.sparse_first_rows[i];
				for (row, entry) in m2.iter_mut().zip(sparse.sparse_first_columns[i]).skip(1) {
					row[0] = entry;
				}
				assert_eq!(sparse.sparse_first_columns[i][0], Scalar::zero());
				assert_eq!(mat_mul(&sparse.mds, &previous), mat_mul(&current, &m2), "round {i}");
				previous = current;
			}
			assert_eq!(previous, sparse.after_partial_rounds);
		}
		check(&POSEIDON_T3_SPARSE);
		check(&POSEIDON_T5_SPARSE);
	}

	#[test]
	fn reference_vectors() {
		let mut t3 = [0u64, 1, 2].map(Scalar::from);
		let mut expected = t3;
		permute(&POSEIDON_T3, &mut expected);
		permute_sparse(&POSEIDON_T3_SPARSE, &mut t3);
		assert_eq!(t3, expected);

		let mut t5 = [0u64, 1, 2, 3, 4].map(Scalar::from);
		let mut expected = t5;
		permute(&POSEIDON_T5, &mut expected);
		permute_sparse(&POSEIDON_T5_SPARSE, &mut t5);
		assert_eq!(t5, expected);
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(100))]

		#[test]
		fn t3_equals_the_plain_permutation(words in proptest::array::uniform3(any::<[u64; 4]>())) {
			let state = words.map(scalar);
			let (mut plain, mut sparse) = (state, state);
			permute(&POSEIDON_T3, &mut plain);
			permute_sparse(&POSEIDON_T3_SPARSE, &mut sparse);
			prop_assert_eq!(plain, sparse);
		}

		#[test]
		fn t5_equals_the_plain_permutation(words in proptest::array::uniform5(any::<[u64; 4]>())) {
			let state = words.map(scalar);
			let (mut plain, mut sparse) = (state, state);
			permute(&POSEIDON_T5, &mut plain);
			permute_sparse(&POSEIDON_T5_SPARSE, &mut sparse);
			prop_assert_eq!(plain, sparse);
		}
	}
}
