//! Small gadgets of the transfer circuit: bit decomposition (range checks), equality, the
//! "zero unless dummy" product, and the Merkle authentication path.

use alloc::vec::Vec;
use bellman::{gadgets::boolean::AllocatedBit, ConstraintSystem, SynthesisError};
use bls12_381::Scalar;

use crate::{
	merkle::{self, SIBLINGS},
	poseidon::gadget::{self as poseidon, Elt},
};

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

/// The root reached from `leaf` through `path` in the 4-ary tree, two index bits (least
/// significant first) choosing the node's position at each level. Per level: three conditional
/// swaps and a width-5 hash, 303 constraints.
///
/// With the digit `d = 2·hi + lo`, the node `c` and the three siblings, the level allocates the
/// sibling `s` in `c`'s own pair and the other pair `(q_0, q_1)`, and orders the children as
/// `(l, r) = lo ? (s, c) : (c, s)`, then `hi ? (q_0, q_1, l, r) : (l, r, q_0, q_1)`. Each
/// selection is one constraint `bit · (a − b) = out − b` with the other output `a + b − out`
/// free, so the four children are always a permutation of `{c, s, q_0, q_1}` with `c` at `d`.
pub fn merkle_root<CS: ConstraintSystem<Scalar>>(
	cs: &mut CS,
	leaf: &Elt,
	index_bits: &[AllocatedBit],
	path: &[Option<[Scalar; SIBLINGS]>],
) -> Result<Elt, SynthesisError> {
	let mut node = leaf.clone();
	for (level, (bits, siblings)) in index_bits.chunks(2).zip(path).enumerate() {
		let mut cs = cs.namespace(|| alloc::format!("level {level}"));
		let [lo, hi] = bits else { return Err(SynthesisError::Unsatisfiable) };
		// The witness: the children in order, and from them the pair partner and the other pair.
		let digit = match (lo.get_value(), hi.get_value()) {
			(Some(lo), Some(hi)) => Some(usize::from(lo) + 2 * usize::from(hi)),
			_ => None,
		};
		let group = match (node.value(), digit, siblings) {
			(Some(n), Some(d), Some(s)) => Some((merkle::children(n, d, s), d)),
			_ => None,
		};
		let child = |which: fn(usize) -> usize| group.and_then(|(g, d)| g.get(which(d)).copied());
		let partner = alloc_scalar(&mut cs, "pair sibling", child(|d| d ^ 1))?;
		let other_left = alloc_scalar(&mut cs, "other pair left", child(|d| (d ^ 2) & 2))?;
		let other_right = alloc_scalar(&mut cs, "other pair right", child(|d| ((d ^ 2) & 2) | 1))?;

		let (left, right) = select(&mut cs, "own pair", lo, &partner, &node)?;
		let (first, third) = select(&mut cs, "left of pairs", hi, &other_left, &left)?;
		let (second, fourth) = select(&mut cs, "right of pairs", hi, &other_right, &right)?;
		node = poseidon::merkle_node(&mut cs.namespace(|| "node"), [&first, &second, &third, &fourth])?;
	}
	Ok(node)
}

/// `(bit ? a : b, bit ? b : a)`, one constraint: `out = b + bit·(a − b)`, the other `a + b − out`.
fn select<CS: ConstraintSystem<Scalar>>(
	cs: &mut CS,
	name: &'static str,
	bit: &AllocatedBit,
	a: &Elt,
	b: &Elt,
) -> Result<(Elt, Elt), SynthesisError> {
	let value = match (bit.get_value(), a.value(), b.value()) {
		(Some(bit), Some(a), Some(b)) => Some(if bit { a } else { b }),
		_ => None,
	};
	let mut cs = cs.namespace(|| name);
	let out = alloc_scalar(&mut cs, "selected", value)?;
	let difference = a.sub(b);
	cs.enforce(|| "selection", |lc| lc + bit.get_variable(), |_| difference.lc(), |_| out.sub(b).lc());
	let other = a.add(b).sub(&out);
	Ok((out, other))
}
