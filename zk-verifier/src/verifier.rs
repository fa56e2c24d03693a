//! Groth16 verification, single and batched.
//!
//! # Single verification
//!
//! For a proof `(A, B, C)` and public inputs `x_1..x_l`, with `acc = IC_0 + Σ x_i·IC_i`:
//!
//! ```text
//! e(A, B) · e(acc, -γ) · e(C, -δ) == e(α, β)
//! ```
//!
//! three Miller loops sharing their squarings (`-γ`, `-δ` prepared in the key), one final
//! exponentiation, and a comparison with `e(α, β)`, which the prepared key holds (it is computed
//! once, when the key is installed).
//!
//! # Batch verification
//!
//! For proofs `j = 1..n` under one key, pick coefficients `r_j` and check
//!
//! ```text
//! Π_j e(r_j·A_j, B_j) · e(Σ_j r_j·acc_j, -γ) · e(Σ_j r_j·C_j, -δ) · e((Σ_j r_j)·α, -β) == 1
//! ```
//!
//! `n + 3` Miller loops sharing their squarings, and one final exponentiation. `Σ_j r_j·acc_j`
//! costs one multi-exponentiation over `IC`, independent of `n`:
//! `(Σ_j r_j)·IC_0 + Σ_i (Σ_j r_j·x_{j,i})·IC_i`.
//!
//! ## Why deterministic coefficients are sound
//!
//! Write `D_j = e(A_j,B_j)·e(acc_j,-γ)·e(C_j,-δ)·e(α,-β)` for each proof's defect: proof `j` is
//! valid exactly when `D_j = 1`. Every point is checked to lie in its prime-order subgroup, so all
//! `D_j` lie in the order-`r` group `G_T`; with `D_j = g^{d_j}` the batch check is
//! `Σ_j r_j·d_j ≡ 0 (mod r)`. If some `d_k ≠ 0`, then for any fixed values of the other
//! coefficients at most one value of `r_k` modulo `r` satisfies it, so a coefficient drawn
//! uniformly from a set of `2^128` distinct residues accepts an invalid batch with probability
//! at most `2^-128`.
//!
//! ## Coefficients split by the endomorphism
//!
//! The coefficients are `r_j = a_j + λ·b_j mod r` for uniform 64-bit `a_j, b_j`, where
//! `λ = -x²` is the eigenvalue of the `G1` endomorphism `φ(x, y) = (β·x, y)` (the one the
//! subgroup check uses: `φ(P) = λ·P` on `G1`). These are `2^128` distinct residues: if
//! `a + λb ≡ a' + λb'`, then `a - a' ≡ x²·(b - b') (mod r)`, and both sides are integers below
//! `2^192 < r` in absolute value, so they are equal; as `|a - a'| < 2^64 < x²`, `b = b'` and
//! `a = a'`. The bound above holds unchanged. What it buys: `r_j·A_j = a_j·A_j + b_j·φ(A_j)`
//! (and the same for `C_j`) is a two-term multi-exponentiation with 64-bit scalars, half the
//! doublings of a 128-bit one.
//!
//! The runtime has no randomness a block author could not bias, so the coefficients are derived
//! from a BLAKE2b hash of the whole batch — the key digest, every proof and every public input —
//! in Fiat–Shamir fashion. The adversary must fix all `(A_j, B_j, C_j, x_j)` before the `r_j` are
//! known; modelling BLAKE2b as a random oracle, each batch it tries passes with probability at
//! most `2^-128`, so forging needs about `2^128` hash evaluations. Changing anything in the batch
//! changes every coefficient. Proofs for different keys must not share a batch (the key is an
//! argument, not per item).

use alloc::vec::Vec;
use bls12_381::Scalar;

use crate::{
	bls12::{
		g1::{G1Affine, G1Jacobian},
		group::Jacobian,
		pairing::{final_exponentiation, multi_miller_loop, G2Prepared},
		Fp12,
	},
	bls12::g1::endomorphism,
	curve::{msm_vartime, mul_vartime, scalar_limbs, Tables},
	error::Error,
	proof::Proof,
	prepared_key::PreparedVerifyingKey,
};

fn check_input_count(pvk: &PreparedVerifyingKey, inputs: &[Scalar]) -> Result<(), Error> {
	let expected = pvk.num_inputs();
	if inputs.len() != expected {
		return Err(Error::InputCount {
			expected: expected as u32,
			got: inputs.len().try_into().unwrap_or(u32::MAX),
		});
	}
	Ok(())
}

/// `IC_0·s_0 + Σ IC_i·s_i` for public scalars.
fn input_commitment(pvk: &PreparedVerifyingKey, coefficients: &[Scalar]) -> G1Jacobian {
	let limbs: Vec<[u64; 4]> = coefficients.iter().map(scalar_limbs).collect();
	let refs: Vec<&[u64]> = limbs.iter().map(|l| &l[..]).collect();
	msm_vartime(&pvk.ic, &refs)
}

/// Verify one proof.
pub fn verify(pvk: &PreparedVerifyingKey, proof: &Proof, inputs: &[Scalar]) -> Result<(), Error> {
	check_input_count(pvk, inputs)?;
	let coefficients: Vec<Scalar> = core::iter::once(Scalar::one()).chain(inputs.iter().copied()).collect();
	let acc = input_commitment(pvk, &coefficients).to_affine();
	let b = G2Prepared::new(&proof.b);
	let f = multi_miller_loop(&[(&proof.a, &b), (&acc, &pvk.neg_gamma_g2), (&proof.c, &pvk.neg_delta_g2)]);
	pairing_product_is(&f, &pvk.alpha_beta)
}

/// `Ok` if a Miller-loop product maps to `target` in `G_T`.
fn pairing_product_is(f: &Fp12, target: &Fp12) -> Result<(), Error> {
	match final_exponentiation(f) {
		Some(result) if result == *target => Ok(()),
		_ => Err(Error::VerificationFailed),
	}
}

/// Verify all proofs of a batch under one key at once; `Ok` only if every proof is valid.
///
/// An empty batch is vacuously valid. On failure the batch does not say which proof failed;
/// verify them one by one to find out.
pub fn verify_batch(pvk: &PreparedVerifyingKey, items: &[(&Proof, &[Scalar])]) -> Result<(), Error> {
	for (_, inputs) in items {
		check_input_count(pvk, inputs)?;
	}
	match items {
		[] => return Ok(()),
		[(proof, inputs)] => return verify(pvk, proof, inputs),
		_ => {},
	}
	let coefficients = batch_coefficients(pvk, items);
	let lambda = -Scalar::from(crate::bls12::BLS_X_ABS).square();

	// Σ_j r_j (for α and IC_0) and Σ_j r_j·x_{j,i} (for IC_i), in the scalar field.
	let mut input_sums = alloc::vec![Scalar::zero(); pvk.ic.len()];
	for ((_, inputs), (a, b)) in items.iter().zip(&coefficients) {
		let r = Scalar::from(*a) + lambda * Scalar::from(*b);
		let (constant, per_input) = input_sums.split_at_mut(1);
		for sum in constant {
			*sum += r;
		}
		for (sum, x) in per_input.iter_mut().zip(inputs.iter()) {
			*sum += r * x;
		}
	}
	let acc = input_commitment(pvk, &input_sums);
	let r_sum = input_sums.first().copied().unwrap_or(Scalar::zero());
	let r_sum_alpha = mul_vartime(&pvk.alpha_g1, &scalar_limbs(&r_sum));

	// r_j·X_j = a_j·X_j + b_j·φ(X_j): the points with their images, the halves as scalars.
	let with_images = |point: fn(&Proof) -> &G1Affine| -> Vec<G1Affine> {
		items.iter().flat_map(|(proof, _)| [*point(proof), endomorphism(point(proof))]).collect()
	};
	let halves: Vec<[u64; 1]> = coefficients.iter().flat_map(|(a, b)| [[*a], [*b]]).collect();
	let half_refs: Vec<&[u64]> = halves.iter().map(|h| &h[..]).collect();
	let c_sum = msm_vartime(&with_images(|proof| &proof.c), &half_refs);
	let a_tables = Tables::new(&with_images(|proof| &proof.a));
	let mut jacobian: Vec<G1Jacobian> =
		half_refs.chunks_exact(2).enumerate().map(|(j, pair)| a_tables.msm(2 * j, pair)).collect();
	jacobian.push(acc);
	jacobian.push(c_sum);
	jacobian.push(r_sum_alpha);
	let affine = Jacobian::batch_to_affine(&jacobian);

	let b_prepared: Vec<G2Prepared> = items.iter().map(|(proof, _)| G2Prepared::new(&proof.b)).collect();
	let (a_points, aggregated) = affine.split_at(items.len());
	let [acc, c_sum, r_sum_alpha] = aggregated else { return Err(Error::VerificationFailed) };
	let mut terms: Vec<(&G1Affine, &G2Prepared)> = a_points.iter().zip(b_prepared.iter()).collect();
	terms.push((acc, &pvk.neg_gamma_g2));
	terms.push((c_sum, &pvk.neg_delta_g2));
	terms.push((r_sum_alpha, &pvk.neg_beta_g2));

	pairing_product_is(&multi_miller_loop(&terms), &Fp12::ONE)
}

/// The batch coefficients as their 64-bit halves `(a_j, b_j)`, `r_j = a_j + λ·b_j`: BLAKE2b over
/// the key digest and the whole batch, then one BLAKE2b per index. A zero coefficient
/// (`a_j = b_j = 0`, probability `2^-128`) is replaced by one, so that no proof is ever left out
/// of the check.
fn batch_coefficients(pvk: &PreparedVerifyingKey, items: &[(&Proof, &[Scalar])]) -> Vec<(u64, u64)> {
	let mut transcript = blake2b_simd::Params::new()
		.hash_length(32)
		.personal(b"zkSettle_G16Bat_")
		.to_state();
	transcript.update(&pvk.digest);
	transcript.update(&(items.len() as u64).to_le_bytes());
	for (proof, inputs) in items {
		transcript.update(&proof.to_uncompressed_bytes());
		transcript.update(&(inputs.len() as u64).to_le_bytes());
		for x in inputs.iter() {
			transcript.update(&x.to_bytes());
		}
	}
	let seed = transcript.finalize();
	(0..items.len() as u64)
		.map(|j| {
			let hash = blake2b_simd::Params::new()
				.hash_length(16)
				.personal(b"zkSettle_G16Coef")
				.to_state()
				.update(seed.as_bytes())
				.update(&j.to_le_bytes())
				.finalize();
			let mut bytes = [0u8; 16];
			bytes.copy_from_slice(hash.as_bytes());
			match u128::from_le_bytes(bytes) {
				0 => (1, 0),
				r => (r as u64, (r >> 64) as u64),
			}
		})
		.collect()
}
