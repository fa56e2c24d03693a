//! The prover's constraint system: the transfer circuit synthesised at its witness.
//!
//! Groth16 proves that the R1CS `(A·z) ∘ (B·z) = C·z` holds for the full assignment
//! `z = (inputs, aux)`. Synthesising the circuit into [`Assignment`] records, for each
//! constraint `j`, the three evaluations `(A·z)_j`, `(B·z)_j`, `(C·z)_j` (the polynomials' values
//! on the evaluation domain, from which the quotient `h` is computed) and which variables occur
//! in some `A` or `B` (the *density*: the proving key holds query points only for those, so
//! the prover must skip the others in the same order). This is the `groth16` crate's prover
//! bookkeeping, kept beside the faster multi-exponentiation in [`super::prove`].

use alloc::vec::Vec;
use bellman::{
	domain::Scalar as Evaluation, multiexp::DensityTracker, ConstraintSystem, Index, LinearCombination,
	SynthesisError, Variable,
};
use bls12_381::Scalar;
use ff::Field;

/// A circuit synthesised at its witness.
#[derive(Default)]
pub(super) struct Assignment {
	/// Which auxiliary variables occur in some `A`.
	pub a_aux_density: DensityTracker,
	/// Which inputs occur in some `B`.
	pub b_input_density: DensityTracker,
	/// Which auxiliary variables occur in some `B`.
	pub b_aux_density: DensityTracker,
	/// `(A·z)_j` for each constraint `j`.
	pub a: Vec<Evaluation<Scalar>>,
	/// `(B·z)_j`.
	pub b: Vec<Evaluation<Scalar>>,
	/// `(C·z)_j`.
	pub c: Vec<Evaluation<Scalar>>,
	/// The public inputs, the constant `1` first.
	pub inputs: Vec<Scalar>,
	/// The auxiliary (private) variables.
	pub aux: Vec<Scalar>,
	/// A linear combination named a variable this system did not allocate (a bug of the circuit
	/// or of bellman); reported by [`Assignment::finish`], as `enforce` cannot fail.
	unknown_variable: bool,
}

impl Assignment {
	/// Synthesis done: bind every input into the `A` query (`input · 1 = 0`, the constraints
	/// the Groth16 setup adds so that the inputs are independent), or fail if a constraint named
	/// an unknown variable.
	pub fn finish(&mut self) -> Result<(), SynthesisError> {
		for i in 0..self.inputs.len() {
			self.enforce(|| "", |lc| lc + Variable::new_unchecked(Index::Input(i)), |lc| lc, |lc| lc);
		}
		if self.unknown_variable {
			return Err(SynthesisError::AssignmentMissing);
		}
		Ok(())
	}

	/// `Σ coeff · z_index` over `lc`, marking the variables that occur with a non-zero
	/// coefficient in the density trackers given.
	fn eval(
		&mut self,
		lc: &LinearCombination<Scalar>,
		mut input_density: Option<&mut DensityTracker>,
		mut aux_density: Option<&mut DensityTracker>,
	) -> Scalar {
		let mut acc = Scalar::ZERO;
		for &(variable, coeff) in lc.as_ref() {
			if coeff.is_zero_vartime() {
				continue;
			}
			let value = match variable.get_unchecked() {
				Index::Input(i) => {
					if let Some(density) = input_density.as_deref_mut() {
						mark(density, i, self.inputs.len());
					}
					self.inputs.get(i)
				},
				Index::Aux(i) => {
					if let Some(density) = aux_density.as_deref_mut() {
						mark(density, i, self.aux.len());
					}
					self.aux.get(i)
				},
			};
			let Some(value) = value else {
				self.unknown_variable = true;
				continue;
			};
			acc += if coeff == Scalar::ONE { *value } else { *value * coeff };
		}
		acc
	}
}

/// Mark variable `i` of `len` as occurring (bellman's tracker panics out of range; an unknown
/// variable is reported by [`Assignment::finish`] instead).
fn mark(density: &mut DensityTracker, i: usize, len: usize) {
	if i < len {
		density.inc(i);
	}
}

impl ConstraintSystem<Scalar> for Assignment {
	type Root = Self;

	fn alloc<F, A, AR>(&mut self, _: A, f: F) -> Result<Variable, SynthesisError>
	where
		F: FnOnce() -> Result<Scalar, SynthesisError>,
		A: FnOnce() -> AR,
		AR: Into<alloc::string::String>,
	{
		self.aux.push(f()?);
		self.a_aux_density.add_element();
		self.b_aux_density.add_element();
		Ok(Variable::new_unchecked(Index::Aux(self.aux.len() - 1)))
	}

	fn alloc_input<F, A, AR>(&mut self, _: A, f: F) -> Result<Variable, SynthesisError>
	where
		F: FnOnce() -> Result<Scalar, SynthesisError>,
		A: FnOnce() -> AR,
		AR: Into<alloc::string::String>,
	{
		self.inputs.push(f()?);
		self.b_input_density.add_element();
		Ok(Variable::new_unchecked(Index::Input(self.inputs.len() - 1)))
	}

	fn enforce<A, AR, LA, LB, LC>(&mut self, _: A, a: LA, b: LB, c: LC)
	where
		A: FnOnce() -> AR,
		AR: Into<alloc::string::String>,
		LA: FnOnce(LinearCombination<Scalar>) -> LinearCombination<Scalar>,
		LB: FnOnce(LinearCombination<Scalar>) -> LinearCombination<Scalar>,
		LC: FnOnce(LinearCombination<Scalar>) -> LinearCombination<Scalar>,
	{
		let (a, b, c) = (a(LinearCombination::zero()), b(LinearCombination::zero()), c(LinearCombination::zero()));
		// The trackers are moved out while `eval` borrows the assignment.
		let mut a_aux = core::mem::take(&mut self.a_aux_density);
		let mut b_input = core::mem::take(&mut self.b_input_density);
		let mut b_aux = core::mem::take(&mut self.b_aux_density);
		let a = self.eval(&a, None, Some(&mut a_aux));
		let b = self.eval(&b, Some(&mut b_input), Some(&mut b_aux));
		let c = self.eval(&c, None, None);
		(self.a_aux_density, self.b_input_density, self.b_aux_density) = (a_aux, b_input, b_aux);
		self.a.push(Evaluation(a));
		self.b.push(Evaluation(b));
		self.c.push(Evaluation(c));
	}

	fn push_namespace<NR, N>(&mut self, _: N)
	where
		NR: Into<alloc::string::String>,
		N: FnOnce() -> NR,
	{
	}

	fn pop_namespace(&mut self) {}

	fn get_root(&mut self) -> &mut Self::Root {
		self
	}
}
