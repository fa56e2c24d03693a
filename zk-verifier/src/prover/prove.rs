//! Groth16 proving with the multi-exponentiations on `blst` ([`super::msm`]).
//!
//! The same computation as `groth16::create_proof` (Groth 2016, §3.2): with the circuit
//! synthesised at its witness `z` ([`super::assignment`]) and the randomisers `r`, `s`,
//!
//! * `A = α + Σ zᵢ·[uᵢ(τ)]₁ + r·δ` (the `a` query),
//! * `B = β + Σ zᵢ·[vᵢ(τ)]₂ + s·δ` (the `b_g2` query; the same sum in G1, `b_g1`, enters `C`),
//! * `C = Σ_aux zᵢ·lᵢ + Σ hⱼ·[τʲt(τ)/δ]₁ + s·A' + r·B'₁ + r·s·δ`, where `A'`, `B'₁` are the sums
//!   above with `α`, `β` and `h(X) = (a(X)b(X) − c(X)) / t(X)` is the quotient, computed with
//!   `bellman`'s FFTs over the evaluation domain.
//!
//! Only the four products run elsewhere (`h` and `l` together, as both only add into `C`), so
//! the proof for the same `(r, s)` is the same group elements, and the same bytes, as the
//! `groth16` crate's (the tests prove both ways).

use alloc::vec::Vec;
use bellman::{domain::EvaluationDomain, multicore::Worker, Circuit, ConstraintSystem, SynthesisError};
use bls12_381::{Bls12, G1Affine, Scalar};
use ff::Field;
use group::Curve;

use super::{
	assignment::Assignment,
	msm::{G1Bases, G2Bases, MsmError},
	ProverError,
};

/// A proving key's queries in `blst` form, converted once when the key is loaded.
pub(crate) struct Bases {
	/// `h` then `l`: the two queries whose products only add into `C`.
	hl: G1Bases,
	/// How many of `hl` are `h`.
	h_len: usize,
	a: G1Bases,
	b_g1: G1Bases,
	b_g2: G2Bases,
}

impl Bases {
	/// Convert `params`' queries.
	pub fn new(params: &groth16::Parameters<Bls12>) -> Result<Self, MsmError> {
		let hl: Vec<G1Affine> = params.h.iter().chain(params.l.iter()).copied().collect();
		Ok(Bases {
			hl: G1Bases::new(&hl)?,
			h_len: params.h.len(),
			a: G1Bases::new(&params.a)?,
			b_g1: G1Bases::new(&params.b_g1)?,
			b_g2: G2Bases::new(&params.b_g2)?,
		})
	}
}

/// The values of `values` whose density bit is set, in order.
fn dense<'a>(
	values: &'a [Scalar],
	density: &'a bellman::multiexp::DensityTracker,
) -> impl Iterator<Item = Scalar> + 'a {
	use bellman::multiexp::QueryDensity;
	values.iter().zip(density.iter()).filter_map(|(value, used)| used.then_some(*value))
}

/// The coefficients of `h(X) = (a(X)·b(X) − c(X)) / t(X)` from the constraints' evaluations
/// (interpolate, evaluate on a coset where `t` has no root, divide, interpolate back; `h` has
/// degree `n − 2`, so the last coefficient is dropped).
fn quotient(assignment: &mut Assignment, worker: &Worker) -> Result<Vec<Scalar>, SynthesisError> {
	let mut a = EvaluationDomain::from_coeffs(core::mem::take(&mut assignment.a))?;
	let mut b = EvaluationDomain::from_coeffs(core::mem::take(&mut assignment.b))?;
	let mut c = EvaluationDomain::from_coeffs(core::mem::take(&mut assignment.c))?;
	for domain in [&mut a, &mut b, &mut c] {
		domain.ifft(worker);
		domain.coset_fft(worker);
	}
	a.mul_assign(worker, &b);
	drop(b);
	a.sub_assign(worker, &c);
	drop(c);
	a.divide_by_z_on_coset(worker);
	a.icoset_fft(worker);
	let mut h: Vec<Scalar> = a.into_coeffs().into_iter().map(|coeff| coeff.0).collect();
	h.pop();
	Ok(h)
}

/// A Groth16 proof of `circuit` with randomisers `r`, `s`.
pub(crate) fn create_proof<C: Circuit<Scalar>>(
	circuit: C,
	params: &groth16::Parameters<Bls12>,
	bases: &Bases,
	r: Scalar,
	s: Scalar,
) -> Result<groth16::Proof<Bls12>, ProverError> {
	let vk = &params.vk;
	if bool::from(vk.delta_g1.is_identity() | vk.delta_g2.is_identity()) {
		// A key with δ = 0 is a subversion attempt: it would let the proof leak the witness.
		return Err(SynthesisError::UnexpectedIdentity.into());
	}

	let mut assignment = Assignment::default();
	assignment.alloc_input(|| "one", || Ok(Scalar::ONE))?;
	circuit.synthesize(&mut assignment)?;
	assignment.finish()?;

	let h = quotient(&mut assignment, &Worker::new())?;
	let Assignment { inputs, aux, a_aux_density, b_input_density, b_aux_density, .. } = &assignment;
	if h.len() != bases.h_len || h.len() + aux.len() != bases.hl.len() || bases.b_g1.len() != bases.b_g2.len() {
		return Err(ProverError::KeyMismatch);
	}

	let hl: Vec<Scalar> = h.iter().chain(aux.iter()).copied().collect();
	let a_scalars: Vec<Scalar> = inputs.iter().copied().chain(dense(aux, a_aux_density)).collect();
	let b_scalars: Vec<Scalar> = dense(inputs, b_input_density).chain(dense(aux, b_aux_density)).collect();

	let hl = bases.hl.msm(&hl)?;
	let a_sum = bases.a.msm(&a_scalars)?;
	let b_g1_sum = bases.b_g1.msm(&b_scalars)?;
	let b_g2_sum = bases.b_g2.msm(&b_scalars)?;

	let g_a = vk.delta_g1 * r + vk.alpha_g1 + a_sum;
	let g_b = vk.delta_g2 * s + vk.beta_g2 + b_g2_sum;
	let g_c = vk.delta_g1 * (r * s) + vk.alpha_g1 * s + vk.beta_g1 * r + a_sum * s + b_g1_sum * r + hl;
	Ok(groth16::Proof { a: g_a.to_affine(), b: g_b.to_affine(), c: g_c.to_affine() })
}

/// The randomisers, drawn as `groth16::create_random_proof` draws them (`r`, then `s`).
pub(crate) fn randomisers<R: rand_core::Rng + ?Sized>(rng: &mut R) -> (Scalar, Scalar) {
	let r = Scalar::random(&mut *rng);
	let s = Scalar::random(&mut *rng);
	(r, s)
}
