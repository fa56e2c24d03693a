//! Small gadgets of the transfer circuit: bit decomposition (range checks), equality, the
//! "zero unless dummy" product, and the Merkle authentication path.

use alloc::vec::Vec;
use bellman::{gadgets::boolean::AllocatedBit, ConstraintSystem, SynthesisError};
use bls12_381::Scalar;

use crate::poseidon::gadget::{self as poseidon, Elt};

/// Allocate a free witness scalar.
pub fn alloc_scalar<CS: ConstraintSystem<Scalar>>(
	cs: &mut CS,
	name: &'static str,
	value: Option<Scalar>,
) -> Result<Elt, SynthesisError> {
	let var = cs.alloc(|| name, || value.ok_or(SynthesisError::AssignmentMissing))?;
	Ok(Elt::variable(var, value))
}

/// Decompose `value` into `n` boolean-constrained bits (least significant first) and return the
/// bits and their weighted sum `Σ b_i·2^i`. Using the sum in place of the value is a range check
/// `value < 2^n` that costs `n` constraints.
pub fn alloc_bits<CS: ConstraintSystem<Scalar>>(
	cs: &mut CS,
	value: Option<Scalar>,
	n: usize,
) -> Result<(Vec<AllocatedBit>, Elt), SynthesisError> {
	let bits_le: Option<Vec<bool>> = value.map(|v| {
		v.to_bytes().iter().flat_map(|byte| (0..8).map(move |i| (byte >> i) & 1 == 1)).collect()
	});
	let mut bits = Vec::with_capacity(n);
	let mut sum = Elt::zero();
	let mut weight = Scalar::one();
	for i in 0..n {
		let bit_value = bits_le.as_ref().map(|b| b.get(i).copied().unwrap_or(false));
		let bit = AllocatedBit::alloc(cs.namespace(|| alloc::format!("bit {i}")), bit_value)?;
		sum = sum.add_scaled(weight, &Elt::variable(bit.get_variable(), bit_value.map(|b| Scalar::from(b as u64))));
		weight = weight.double();
		bits.push(bit);
	}
	// Only the low `n` bits are taken: for a value of `n` bits or more the sum differs from the
	// value, and the equality the caller enforces between them is unsatisfiable.
	Ok((bits, sum))
}

/// `a = b`, one constraint.
pub fn enforce_equal<CS: ConstraintSystem<Scalar>>(cs: &mut CS, name: &'static str, a: &Elt, b: &Elt) {
	cs.enforce(|| name, |_| a.sub(b).lc(), |lc| lc + CS::one(), |lc| lc);
}

/// `a · b = 0`, one constraint.
pub fn enforce_zero_product<CS: ConstraintSystem<Scalar>>(cs: &mut CS, name: &'static str, a: &Elt, b: &Elt) {
	cs.enforce(|| name, |_| a.lc(), |_| b.lc(), |lc| lc);
}

/// The root reached from `leaf` through `path`, the index bits choosing left or right at each
/// level. Per level: one constraint for the conditional swap, 243 for the hash.
pub fn merkle_root<CS: ConstraintSystem<Scalar>>(
	cs: &mut CS,
	leaf: &Elt,
	index_bits: &[AllocatedBit],
	path: &[Option<Scalar>],
) -> Result<Elt, SynthesisError> {
	let mut node = leaf.clone();
	for (level, (bit, sibling)) in index_bits.iter().zip(path).enumerate() {
		let mut cs = cs.namespace(|| alloc::format!("level {level}"));
		let sibling = alloc_scalar(&mut cs, "sibling", *sibling)?;
		// left = node + bit·(sibling - node); right = node + sibling - left.
		let left_value = match (bit.get_value(), node.value(), sibling.value()) {
			(Some(b), Some(n), Some(s)) => Some(if b { s } else { n }),
			_ => None,
		};
		let left = alloc_scalar(&mut cs, "left", left_value)?;
		let difference = sibling.sub(&node);
		cs.enforce(
			|| "conditional swap",
			|lc| lc + bit.get_variable(),
			|_| difference.lc(),
			|_| left.sub(&node).lc(),
		);
		let right = node.add(&sibling).sub(&left);
		node = poseidon::merkle_node(&mut cs.namespace(|| "node"), &left, &right)?;
	}
	Ok(node)
}
