//! The pairing engines measured side by side in the runtime's wasm (benchmarks only): our own
//! ([`zk_verifier::bls12`]), `bls12_381` 0.9 (the verifier's engine before), `ark-bls12-381`
//! 0.5 and `blst` 0.3 (C, compiled to wasm by clang; it builds for `wasm32v1-none` without
//! assembly and imports nothing, so it runs under the standard host functions). Each runs the same check, the one a single proof's verification ends
//! with: `e(A, B)·e(acc, -γ)·e(C, -δ)·e(α, -β) = 1`, preparing the four `G2` points, one
//! multi-Miller loop, one final exponentiation. Decoding happens before the measured block, so
//! the figures compare the arithmetic alone.
//!
//! The verifier itself runs a smaller check against a stored key ([`KeyedCheck`]): the key's
//! lines are stored and `e(α, β)` with them, so only the proof's `B` is prepared. That is
//! measured for ours and for `blst`, the fastest of the others on the four-pair check, each
//! with its best interface for stored lines.

use alloc::vec::Vec;
use zk_verifier::{
	bls12::{g1, g2, pairing},
	Proof, Scalar, VerifyingKey,
};

/// The four pairs, in the uncompressed encoding all three engines read.
pub struct PairingCheck {
	g1: [[u8; 96]; 4],
	g2: [[u8; 192]; 4],
}

impl PairingCheck {
	/// The check of `proof` for `inputs` under the key `key` (the `groth16` encoding).
	pub fn new(key: &[u8], proof: &Proof, inputs: &[Scalar]) -> Option<PairingCheck> {
		let vk = VerifyingKey::from_bytes(key).ok()?;
		// acc = IC_0 + Σ x_i·IC_i, with bls12_381 (outside the measurement).
		let ic: Vec<bls12_381::G1Affine> = vk.ic.iter().map(g1::to_reference).collect::<Option<_>>()?;
		let (first, rest) = ic.split_first()?;
		let acc = rest
			.iter()
			.zip(inputs)
			.fold(bls12_381::G1Projective::from(first), |acc, (p, x)| acc + bls12_381::G1Projective::from(p) * x);
		let acc = g1::from_reference(&acc.into());
		Some(PairingCheck {
			g1: [proof.a, acc, proof.c, vk.alpha_g1].map(|p| g1::to_uncompressed(&p)),
			g2: [proof.b, vk.gamma_g2.neg(), vk.delta_g2.neg(), vk.beta_g2.neg()].map(|q| g2::to_uncompressed(&q)),
		})
	}
}

/// The check as the verifier runs it against a stored key: the proof's `B` prepared on the
/// fly, the key's `-γ` and `-δ` lines stored, and the product of the three Miller loops,
/// exponentiated, compared with the stored `e(α, β)`.
pub struct KeyedCheck<P, Q, L, T> {
	/// `A`, `acc`, `C`.
	pub g1: [P; 3],
	/// The proof's `B`.
	pub b: Q,
	/// The stored lines of `-γ` and `-δ`.
	pub lines: [L; 2],
	/// `e(α, β)`.
	pub target: T,
}

/// The check on our arithmetic.
pub mod ours {
	use super::*;

	/// Decoded points.
	pub type Points = (Vec<g1::G1Affine>, Vec<g2::G2Affine>);

	/// Decode (unchecked: the points came from checked ones).
	pub fn load(check: &PairingCheck) -> Option<Points> {
		let p = check.g1.iter().map(g1::from_uncompressed_unchecked).collect::<Option<_>>()?;
		let q = check.g2.iter().map(g2::from_uncompressed_unchecked).collect::<Option<_>>()?;
		Some((p, q))
	}

	/// Prepare, multi-Miller loop, final exponentiation: `true` if the product is one.
	pub fn run((p, q): &Points) -> bool {
		let prepared: Vec<pairing::G2Prepared> = q.iter().map(pairing::G2Prepared::new).collect();
		let terms: Vec<_> = p.iter().zip(prepared.iter()).collect();
		pairing::final_exponentiation(&pairing::multi_miller_loop(&terms)) == Some(zk_verifier::bls12::Fp12::ONE)
	}

	/// The keyed check's inputs, the lines normalised as a stored key's are.
	pub type Keyed = KeyedCheck<g1::G1Affine, g2::G2Affine, pairing::G2Prepared, zk_verifier::bls12::Fp12>;

	/// Decode, and prepare the key's part as installing it does (outside the measurement).
	pub fn load_keyed(check: &PairingCheck) -> Option<Keyed> {
		let (p, q) = load(check)?;
		let [a, acc, c, alpha] = <[g1::G1Affine; 4]>::try_from(p).ok()?;
		let [b, neg_gamma, neg_delta, neg_beta] = <[g2::G2Affine; 4]>::try_from(q).ok()?;
		let lines = |q: &g2::G2Affine| {
			let mut lines = pairing::G2Prepared::new(q);
			lines.normalize().then_some(lines)
		};
		let target = pairing::pairing(&alpha, &neg_beta.neg())?;
		Some(KeyedCheck { g1: [a, acc, c], b, lines: [lines(&neg_gamma)?, lines(&neg_delta)?], target })
	}

	/// Prepare `B`, one multi-Miller loop over the three pairs, final exponentiation, compare.
	pub fn run_keyed(check: &Keyed) -> bool {
		let b = pairing::G2Prepared::new(&check.b);
		let [a, acc, c] = &check.g1;
		let [gamma, delta] = &check.lines;
		let f = pairing::multi_miller_loop(&[(a, &b), (acc, gamma), (c, delta)]);
		pairing::final_exponentiation(&f) == Some(check.target)
	}
}

/// The check on `bls12_381` 0.9.
pub mod zkcrypto {
	use super::*;

	/// Decoded points.
	pub type Points = (Vec<bls12_381::G1Affine>, Vec<bls12_381::G2Affine>);

	/// Decode (unchecked).
	pub fn load(check: &PairingCheck) -> Option<Points> {
		let p = check.g1.iter().map(|b| Option::from(bls12_381::G1Affine::from_uncompressed_unchecked(b))).collect::<Option<_>>()?;
		let q = check.g2.iter().map(|b| Option::from(bls12_381::G2Affine::from_uncompressed_unchecked(b))).collect::<Option<_>>()?;
		Some((p, q))
	}

	/// Prepare, multi-Miller loop, final exponentiation: `true` if the product is one.
	pub fn run((p, q): &Points) -> bool {
		let prepared: Vec<bls12_381::G2Prepared> = q.iter().map(|q| bls12_381::G2Prepared::from(*q)).collect();
		let terms: Vec<_> = p.iter().zip(prepared.iter()).collect();
		bls12_381::multi_miller_loop(&terms).final_exponentiation() == bls12_381::Gt::identity()
	}
}

/// The check on `ark-bls12-381` 0.5.
pub mod arkworks {
	use super::*;
	use ark_ec::pairing::Pairing;
	use ark_serialize::CanonicalDeserialize;

	/// Decoded points.
	pub type Points = (Vec<ark_bls12_381::G1Affine>, Vec<ark_bls12_381::G2Affine>);

	/// Decode (unchecked).
	pub fn load(check: &PairingCheck) -> Option<Points> {
		let p = check
			.g1
			.iter()
			.map(|b| ark_bls12_381::G1Affine::deserialize_uncompressed_unchecked(&b[..]).ok())
			.collect::<Option<_>>()?;
		let q = check
			.g2
			.iter()
			.map(|b| ark_bls12_381::G2Affine::deserialize_uncompressed_unchecked(&b[..]).ok())
			.collect::<Option<_>>()?;
		Some((p, q))
	}

	/// Prepare, multi-Miller loop, final exponentiation: `true` if the product is one.
	pub fn run((p, q): &Points) -> bool {
		ark_bls12_381::Bls12_381::multi_pairing(p.iter().copied(), q.iter().copied()).0 ==
			<ark_bls12_381::Bls12_381 as Pairing>::TargetField::from(1u64)
	}
}

/// The check on `blst` 0.3 (supranational).
pub mod supranational {
	use super::*;
	use blst::{
		blst_final_exp, blst_fp12, blst_fp12_conjugate, blst_fp12_is_equal, blst_fp12_is_one, blst_fp12_mul,
		blst_fp6, blst_miller_loop, blst_miller_loop_lines, blst_miller_loop_n, blst_p1_affine, blst_p1_deserialize,
		blst_p2_affine, blst_p2_deserialize, blst_precompute_lines, BLST_ERROR,
	};

	/// Lines `blst_precompute_lines` writes for one `G2` point.
	const LINES: usize = 68;

	/// Decoded points.
	pub type Points = (Vec<blst_p1_affine>, Vec<blst_p2_affine>);

	/// Decode (on-curve checked by `blst`, no subgroup check).
	pub fn load(check: &PairingCheck) -> Option<Points> {
		let mut p = alloc::vec![blst_p1_affine::default(); check.g1.len()];
		let mut q = alloc::vec![blst_p2_affine::default(); check.g2.len()];
		for (point, bytes) in p.iter_mut().zip(check.g1.iter()) {
			// SAFETY: `bytes` holds the 96 bytes an uncompressed G1 point has; `point` is valid.
			if unsafe { blst_p1_deserialize(point, bytes.as_ptr()) } != BLST_ERROR::BLST_SUCCESS {
				return None;
			}
		}
		for (point, bytes) in q.iter_mut().zip(check.g2.iter()) {
			// SAFETY: `bytes` holds the 192 bytes an uncompressed G2 point has.
			if unsafe { blst_p2_deserialize(point, bytes.as_ptr()) } != BLST_ERROR::BLST_SUCCESS {
				return None;
			}
		}
		Some((p, q))
	}

	/// Multi-Miller loop (lines computed on the fly), final exponentiation: `true` if one.
	pub fn run((p, q): &Points) -> bool {
		let ps: Vec<*const blst_p1_affine> = p.iter().map(|x| x as *const _).collect();
		let qs: Vec<*const blst_p2_affine> = q.iter().map(|x| x as *const _).collect();
		let (mut f, mut out) = (blst_fp12::default(), blst_fp12::default());
		// SAFETY: `ps` and `qs` point to `ps.len()` live, initialised points each.
		unsafe {
			blst_miller_loop_n(&mut f, qs.as_ptr(), ps.as_ptr(), ps.len().min(qs.len()));
			blst_final_exp(&mut out, &f);
			blst_fp12_is_one(&out)
		}
	}

	/// The keyed check's inputs.
	pub type Keyed = KeyedCheck<blst_p1_affine, blst_p2_affine, Vec<blst_fp6>, blst_fp12>;

	/// Decode, precompute the key's lines and `e(α, β)` (outside the measurement).
	pub fn load_keyed(check: &PairingCheck) -> Option<Keyed> {
		let (p, q) = load(check)?;
		let [a, acc, c, alpha] = <[blst_p1_affine; 4]>::try_from(p).ok()?;
		let [b, neg_gamma, neg_delta, neg_beta] = <[blst_p2_affine; 4]>::try_from(q).ok()?;
		let lines = |q: &blst_p2_affine| {
			let mut lines = alloc::vec![blst_fp6::default(); LINES];
			// SAFETY: `lines` has the 68 entries `blst_precompute_lines` writes; `q` is valid.
			unsafe { blst_precompute_lines(lines.as_mut_ptr(), q) };
			lines
		};
		let (mut f, mut target) = (blst_fp12::default(), blst_fp12::default());
		// SAFETY: valid points and outputs. `e(α, -β)` inverted (conjugated, in `G_T`) is
		// `e(α, β)`.
		unsafe {
			blst_miller_loop(&mut f, &neg_beta, &alpha);
			blst_final_exp(&mut target, &f);
			blst_fp12_conjugate(&mut target);
		}
		Some(KeyedCheck { g1: [a, acc, c], b, lines: [lines(&neg_gamma), lines(&neg_delta)], target })
	}

	/// `blst` has no multi-Miller loop over stored lines: the proof's pair through
	/// `blst_miller_loop`, each stored point through `blst_miller_loop_lines` (a loop of its
	/// own, squarings included), the three products multiplied, one final exponentiation.
	pub fn run_keyed(check: &Keyed) -> bool {
		let [a, acc, c] = &check.g1;
		let [gamma, delta] = &check.lines;
		let mut loops = [blst_fp12::default(); 3];
		let (mut product, mut all, mut out) = (blst_fp12::default(), blst_fp12::default(), blst_fp12::default());
		// SAFETY: valid points; each line table has the 68 entries the loop reads; every
		// output is a distinct, initialised value.
		unsafe {
			let [f_b, f_gamma, f_delta] = &mut loops;
			blst_miller_loop(f_b, &check.b, a);
			blst_miller_loop_lines(f_gamma, gamma.as_ptr(), acc);
			blst_miller_loop_lines(f_delta, delta.as_ptr(), c);
			blst_fp12_mul(&mut product, f_b, f_gamma);
			blst_fp12_mul(&mut all, &product, f_delta);
			blst_final_exp(&mut out, &all);
			blst_fp12_is_equal(&out, &check.target)
		}
	}
}
