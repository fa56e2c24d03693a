//! Poseidon as a `bellman` gadget.
//!
//! The state is kept as linear combinations ([`Elt`]): adding round constants and multiplying
//! by the MDS matrix are linear and cost no constraint. Only the S-box constrains: `x^5` as
//! `x·x = x2`, `x2·x2 = x4`, `x4·x = x5`, three constraints per S-box. A width-3 hash costs
//! `3·(8·3 + 57) = 243` constraints, a width-5 hash `3·(8·5 + 60) = 300`.
//!
//! Linear combinations are kept merged (one term per variable), so the cells that skip the S-box
//! during the partial rounds grow by one term per round instead of tripling.

use alloc::vec::Vec;
use bellman::{gadgets::num::AllocatedNum, ConstraintSystem, Index, LinearCombination, SynthesisError, Variable};
use bls12_381::Scalar;

use crate::{
	hash::{TAG_COMMITMENT, TAG_NODE, TAG_NULLIFIER, TAG_OWNER},
	poseidon::{Params, POSEIDON_T3, POSEIDON_T5},
};

/// The constant-one variable of every `bellman` constraint system.
fn one() -> Variable {
	Variable::new_unchecked(Index::Input(0))
}

/// A linear combination of circuit variables together with its value (when proving).
#[derive(Clone, Debug)]
pub struct Elt {
	terms: Vec<(Variable, Scalar)>,
	value: Option<Scalar>,
}

impl Elt {
	/// The constant `c`.
	pub fn constant(c: Scalar) -> Self {
		Elt { terms: alloc::vec![(one(), c)], value: Some(c) }
	}

	/// A variable with its value.
	pub fn variable(var: Variable, value: Option<Scalar>) -> Self {
		Elt { terms: alloc::vec![(var, Scalar::one())], value }
	}

	/// The value, when known.
	pub fn value(&self) -> Option<Scalar> {
		self.value
	}

	/// As a `bellman` linear combination.
	pub fn lc(&self) -> LinearCombination<Scalar> {
		self.terms.iter().fold(LinearCombination::zero(), |lc, (var, coeff)| lc + (*coeff, *var))
	}

	/// `self + coeff · other`, merged.
	pub fn add_scaled(&self, coeff: Scalar, other: &Elt) -> Elt {
		let mut terms = self.terms.clone();
		for (var, c) in &other.terms {
			let scaled = *c * coeff;
			match terms.iter_mut().find(|(v, _)| v.get_unchecked() == var.get_unchecked()) {
				Some((_, existing)) => *existing += scaled,
				None => terms.push((*var, scaled)),
			}
		}
		terms.retain(|(_, c)| !bool::from(ff::Field::is_zero(c)));
		let value = match (self.value, other.value) {
			(Some(a), Some(b)) => Some(a + coeff * b),
			_ => None,
		};
		Elt { terms, value }
	}

	/// `self + other`.
	pub fn add(&self, other: &Elt) -> Elt {
		self.add_scaled(Scalar::one(), other)
	}

	/// `self - other`.
	pub fn sub(&self, other: &Elt) -> Elt {
		self.add_scaled(-Scalar::one(), other)
	}

	/// The zero combination.
	pub fn zero() -> Elt {
		Elt { terms: Vec::new(), value: Some(Scalar::zero()) }
	}
}

impl From<&AllocatedNum<Scalar>> for Elt {
	fn from(num: &AllocatedNum<Scalar>) -> Self {
		Elt::variable(num.get_variable(), num.get_value())
	}
}

/// Allocate a witness variable whose value is a function of known values.
fn alloc<CS: ConstraintSystem<Scalar>>(
	cs: &mut CS,
	name: &'static str,
	value: Option<Scalar>,
) -> Result<Variable, SynthesisError> {
	cs.alloc(|| name, || value.ok_or(SynthesisError::AssignmentMissing))
}

/// `x^5`, three constraints.
fn sbox<CS: ConstraintSystem<Scalar>>(cs: &mut CS, x: &Elt) -> Result<Elt, SynthesisError> {
	let x2_value = x.value.map(|v| v.square());
	let x2 = alloc(cs, "x^2", x2_value)?;
	cs.enforce(|| "x*x = x^2", |_| x.lc(), |_| x.lc(), |lc| lc + x2);
	let x4_value = x2_value.map(|v| v.square());
	let x4 = alloc(cs, "x^4", x4_value)?;
	cs.enforce(|| "x^2*x^2 = x^4", |lc| lc + x2, |lc| lc + x2, |lc| lc + x4);
	let x5_value = x4_value.zip(x.value).map(|(a, b)| a * b);
	let x5 = alloc(cs, "x^5", x5_value)?;
	cs.enforce(|| "x^4*x = x^5", |lc| lc + x4, |_| x.lc(), |lc| lc + x5);
	Ok(Elt::variable(x5, x5_value))
}

/// The permutation over circuit values; mirrors [`crate::poseidon::permute`] round for round.
pub fn permute<CS, const T: usize, const ROUNDS: usize>(
	cs: &mut CS,
	params: &Params<T, ROUNDS>,
	state: [Elt; T],
) -> Result<[Elt; T], SynthesisError>
where
	CS: ConstraintSystem<Scalar>,
{
	let mut state = state;
	for (r, constants) in params.round_constants.iter().enumerate() {
		let mut cs = cs.namespace(|| alloc::format!("round {r}"));
		for (cell, c) in state.iter_mut().zip(constants.iter()) {
			*cell = cell.add(&Elt::constant(*c));
		}
		if params.is_full_round(r) {
			for (i, cell) in state.iter_mut().enumerate() {
				*cell = sbox(&mut cs.namespace(|| alloc::format!("sbox {i}")), cell)?;
			}
		} else {
			if let Some(first) = state.first_mut() {
				*first = sbox(&mut cs.namespace(|| "sbox 0"), first)?;
			}
		}
		let mixed: [Elt; T] = core::array::from_fn(|i| {
			params.mds[i].iter().zip(state.iter()).fold(Elt::zero(), |acc, (m, cell)| acc.add_scaled(*m, cell))
		});
		state = mixed;
	}
	Ok(state)
}

/// `Poseidon_3([tag, a, b])[1]` in the circuit.
pub fn hash2<CS: ConstraintSystem<Scalar>>(cs: &mut CS, tag: Scalar, a: &Elt, b: &Elt) -> Result<Elt, SynthesisError> {
	let [_, out, _] = permute(cs, &POSEIDON_T3, [Elt::constant(tag), a.clone(), b.clone()])?;
	Ok(out)
}

/// `Poseidon_5([tag, a, b, c, d])[1]` in the circuit.
pub fn hash4<CS: ConstraintSystem<Scalar>>(
	cs: &mut CS,
	tag: Scalar,
	inputs: [&Elt; 4],
) -> Result<Elt, SynthesisError> {
	let [a, b, c, d] = inputs;
	let [_, out, ..] =
		permute(cs, &POSEIDON_T5, [Elt::constant(tag), a.clone(), b.clone(), c.clone(), d.clone()])?;
	Ok(out)
}

/// [`crate::hash::merkle_node`] in the circuit.
pub fn merkle_node<CS: ConstraintSystem<Scalar>>(cs: &mut CS, children: [&Elt; 4]) -> Result<Elt, SynthesisError> {
	hash4(cs, TAG_NODE, children)
}

/// [`crate::hash::owner_key`] in the circuit.
pub fn owner_key<CS: ConstraintSystem<Scalar>>(cs: &mut CS, ask: &Elt, nk: &Elt) -> Result<Elt, SynthesisError> {
	hash2(cs, TAG_OWNER, ask, nk)
}

/// [`crate::hash::note_commitment`] in the circuit.
pub fn note_commitment<CS: ConstraintSystem<Scalar>>(
	cs: &mut CS,
	value: &Elt,
	asset: &Elt,
	owner: &Elt,
	blinding: &Elt,
) -> Result<Elt, SynthesisError> {
	hash4(cs, TAG_COMMITMENT, [value, asset, owner, blinding])
}

/// [`crate::hash::nullifier`] in the circuit (`index` is the leaf index as a combination of its
/// bits).
pub fn nullifier<CS: ConstraintSystem<Scalar>>(
	cs: &mut CS,
	nk: &Elt,
	commitment: &Elt,
	index: &Elt,
) -> Result<Elt, SynthesisError> {
	hash4(cs, TAG_NULLIFIER, [nk, commitment, index, &Elt::zero()])
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::hash;
	use bellman::gadgets::test::TestConstraintSystem;
	use ff::Field;
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

	fn input(cs: &mut TestConstraintSystem<Scalar>, name: &'static str, v: Scalar) -> Elt {
		Elt::from(&AllocatedNum::alloc(cs.namespace(|| name), || Ok(v)).unwrap())
	}

	#[test]
	fn gadgets_agree_with_native_hashes_on_random_inputs() {
		let mut rng = ChaCha20Rng::from_seed([7; 32]);
		for _ in 0..4 {
			let [a, b, c, d] = core::array::from_fn(|_| Scalar::random(&mut rng));
			let mut cs = TestConstraintSystem::<Scalar>::new();
			let (ea, eb, ec, ed) =
				(input(&mut cs, "a", a), input(&mut cs, "b", b), input(&mut cs, "c", c), input(&mut cs, "d", d));
			let node = merkle_node(&mut cs.namespace(|| "node"), [&ea, &eb, &ec, &ed]).unwrap();
			let key = owner_key(&mut cs.namespace(|| "key"), &ea, &eb).unwrap();
			let nf = nullifier(&mut cs.namespace(|| "nf"), &eb, &ec, &ed).unwrap();
			let cm = note_commitment(&mut cs.namespace(|| "cm"), &ea, &eb, &ec, &ed).unwrap();
			assert!(cs.is_satisfied());
			assert_eq!(node.value(), Some(hash::merkle_node(&[a, b, c, d])));
			assert_eq!(key.value(), Some(hash::owner_key(&a, &b)));
			// The native nullifier takes the index as an integer: compare on a small one.
			let index = d.to_bytes()[0] as u64;
			let mut cs = TestConstraintSystem::<Scalar>::new();
			let (eb, ec, ei) = (input(&mut cs, "b", b), input(&mut cs, "c", c), input(&mut cs, "i", Scalar::from(index)));
			let small = nullifier(&mut cs.namespace(|| "nf"), &eb, &ec, &ei).unwrap();
			assert!(cs.is_satisfied());
			assert_eq!(small.value(), Some(hash::nullifier(&b, &c, index)));
			assert!(nf.value().is_some());
			assert_eq!(cm.value(), Some(hash::note_commitment(&a, &b, &c, &d)));
		}
	}

	#[test]
	fn constraint_counts_match_the_documentation() {
		let mut cs = TestConstraintSystem::<Scalar>::new();
		let a = input(&mut cs, "a", Scalar::one());
		let before = cs.num_constraints();
		owner_key(&mut cs.namespace(|| "t3"), &a, &a).unwrap();
		assert_eq!(cs.num_constraints() - before, 243);
		let before = cs.num_constraints();
		merkle_node(&mut cs.namespace(|| "node"), [&a, &a, &a, &a]).unwrap();
		assert_eq!(cs.num_constraints() - before, 300);
		let before = cs.num_constraints();
		note_commitment(&mut cs.namespace(|| "t5"), &a, &a, &a, &a).unwrap();
		assert_eq!(cs.num_constraints() - before, 300);
	}

	#[test]
	fn a_wrong_sbox_witness_is_caught() {
		let mut cs = TestConstraintSystem::<Scalar>::new();
		let a = input(&mut cs, "a", Scalar::from(3u64));
		owner_key(&mut cs.namespace(|| "node"), &a, &a).unwrap();
		assert!(cs.is_satisfied());
		// Corrupt the first x^5 of the first round.
		let path = "node/round 0/sbox 0/x^5";
		let v = cs.get(path);
		cs.set(path, v + Scalar::one());
		assert!(!cs.is_satisfied());
	}
}
