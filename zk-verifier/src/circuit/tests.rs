//! Satisfiability tests of the transfer circuit over random valid and invalid transactions.

use super::*;
use crate::{
	keys::SpendingKey,
	merkle::MerkleTree,
	prover::{check_witness, constraint_count, is_satisfied, WitnessError},
	public_inputs::{ext_data_hash, public_amount},
};
use ff::Field;
use proptest::prelude::*;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

/// A random transaction: two notes of `asset` in the tree (values `a`, `b`), spent into two
/// outputs, with `ext_amount` entering (> 0) or leaving (< 0) and a relayer `fee`.
fn transaction(seed: u64, a: u64, b: u64, ext_amount: i128, fee: u64) -> TransferWitness {
	let mut rng = ChaCha20Rng::seed_from_u64(seed);
	let asset = 3;
	let sk = SpendingKey::random(&mut rng);
	let owner = sk.owner();
	let mut tree = MerkleTree::new();
	// Some unrelated notes first, so that the spent notes sit at non-trivial positions.
	for _ in 0..(seed % 5) {
		tree.append(Scalar::random(&mut rng)).unwrap();
	}
	let spend = |value: u64, tree: &mut MerkleTree, rng: &mut ChaCha20Rng| {
		let note = Note { value, asset, owner, blinding: Scalar::random(&mut *rng) };
		let index = tree.append(note.commitment()).unwrap();
		(note, index)
	};
	let (n0, i0) = spend(a, &mut tree, &mut rng);
	let (n1, i1) = spend(b, &mut tree, &mut rng);
	let inputs = [
		InputNote { note: n0, spending_key: sk, index: i0, path: tree.path(i0).unwrap() },
		InputNote { note: n1, spending_key: sk, index: i1, path: tree.path(i1).unwrap() },
	];
	let total = (a as i128 + b as i128 + ext_amount - fee as i128) as u64;
	let recipient = SpendingKey::random(&mut rng).owner();
	let outputs = [
		Note { value: total / 3, asset, owner: recipient, blinding: Scalar::random(&mut rng) },
		Note { value: total - total / 3, asset, owner, blinding: Scalar::random(&mut rng) },
	];
	let public_amount = public_amount(ext_amount, fee as u128).unwrap();
	TransferWitness::new(inputs, outputs, tree.root(), public_amount, ext_data_hash(b"ext"), asset)
}

#[test]
fn constraint_count_is_pinned() {
	assert_eq!(constraint_count().unwrap(), CONSTRAINTS);
}

#[test]
fn shield_from_nothing_uses_dummy_inputs() {
	// Shield 100: both inputs are zero-value dummies whose paths lead nowhere.
	let mut w = transaction(1, 0, 0, 100, 0);
	for input in &mut w.inputs {
		input.path = [[Scalar::from(9u64); merkle::SIBLINGS]; DEPTH];
	}
	w = TransferWitness::new(w.inputs, w.outputs, w.public.root, w.public.public_amount, w.public.ext_data_hash, 3);
	assert_eq!(check_witness(&w), Ok(()));
	assert!(is_satisfied(&w).unwrap());
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

	#[test]
	fn valid_transactions_satisfy_the_circuit(
		seed in any::<u64>(),
		a in 0u64..1 << 62,
		b in 0u64..1 << 62,
		ext in -(1i128 << 61)..(1i128 << 61),
		fee in 0u64..1000,
	) {
		// Keep the outputs non-negative and below 2^64.
		prop_assume!(a as i128 + b as i128 + ext - fee as i128 >= 0);
		let w = transaction(seed, a, b, ext, fee);
		prop_assert_eq!(check_witness(&w), Ok(()));
		prop_assert!(is_satisfied(&w).unwrap());
	}

	#[test]
	fn unconserved_value_is_rejected(seed in any::<u64>(), extra in 1u64..1000) {
		let mut w = transaction(seed, 500, 700, 0, 0);
		w.outputs[0].value += extra;
		w.public.commitments[0] = w.outputs[0].commitment();
		prop_assert_eq!(check_witness(&w), Err(WitnessError::ValueNotConserved));
		prop_assert!(!is_satisfied(&w).unwrap());
	}

	#[test]
	fn wrong_root_is_rejected(seed in any::<u64>()) {
		let mut w = transaction(seed, 500, 700, 0, 0);
		w.public.root += Scalar::one();
		prop_assert_eq!(check_witness(&w), Err(WitnessError::NotInTree { input: 0 }));
		prop_assert!(!is_satisfied(&w).unwrap());
	}
}

#[test]
fn the_same_note_twice_in_one_proof_is_rejected() {
	let mut w = transaction(11, 500, 700, 0, 0);
	// Spend input 0 twice: same note, same index, same nullifier; outputs claim both values.
	w.inputs[1] = w.inputs[0].clone();
	w.outputs[1].value = 1000 - w.outputs[0].value;
	w = TransferWitness::new(w.inputs, w.outputs, w.public.root, w.public.public_amount, w.public.ext_data_hash, 3);
	assert_eq!(check_witness(&w), Err(WitnessError::DuplicateNullifier));
	assert!(!is_satisfied(&w).unwrap());
}

#[test]
fn public_amount_overflow_is_rejected() {
	// Claim to withdraw r - 2^70 (i.e. "-2^70"), outside the accepted range, with outputs that
	// would balance modulo r.
	let mut w = transaction(12, 500, 700, 0, 0);
	w.public.public_amount = -Scalar::from_raw([0, 1 << 6, 0, 0]);
	assert_eq!(check_witness(&w), Err(WitnessError::PublicAmountOutOfRange));
	assert!(!is_satisfied(&w).unwrap());
	// A huge positive amount that wraps: outputs of 2^64 - 1 each fed by p - small.
	let mut w = transaction(13, 0, 0, 10, 0);
	w.public.public_amount = Scalar::from(10u64) - Scalar::from_raw([0, 0, 0, 1]);
	assert_eq!(check_witness(&w), Err(WitnessError::PublicAmountOutOfRange));
	assert!(!is_satisfied(&w).unwrap());
}

#[test]
fn spending_someone_elses_note_is_rejected() {
	let mut w = transaction(14, 500, 700, 0, 0);
	// A thief who knows the nullifier key (a viewing key) but not the spend authority.
	w.inputs[0].spending_key.ask += Scalar::one();
	w.public.nullifiers[0] = w.inputs[0].nullifier();
	assert_eq!(check_witness(&w), Err(WitnessError::NotOwner { input: 0 }));
	// The circuit derives another owner key, so the commitment it rebuilds is not in the tree.
	assert!(!is_satisfied(&w).unwrap());
}

#[test]
fn other_asset_is_rejected() {
	let mut w = transaction(15, 500, 700, 0, 0);
	w.public.asset = Scalar::from(4u64);
	assert_eq!(check_witness(&w), Err(WitnessError::AssetMismatch));
	assert!(!is_satisfied(&w).unwrap());
}

#[test]
fn wrong_leaf_index_is_rejected() {
	let mut w = transaction(16, 500, 700, 0, 0);
	w.inputs[0].index ^= 1;
	w.public.nullifiers[0] = w.inputs[0].nullifier();
	assert_eq!(check_witness(&w), Err(WitnessError::NotInTree { input: 0 }));
	assert!(!is_satisfied(&w).unwrap());
}

/// The path gadget reaches the native root for a leaf at every digit of every low level, and
/// a tampered selection is caught.
#[test]
fn merkle_root_gadget_agrees_with_the_native_tree() {
	use bellman::gadgets::test::TestConstraintSystem;

	let mut tree = MerkleTree::new();
	for i in 0..80u64 {
		tree.append(Scalar::from(300 + i)).unwrap();
	}
	// Indices whose base-4 digits run through 0..3 at the first three levels.
	for index in [0u64, 5, 10, 15, 27, 39, 54, 63, 64, 79] {
		let mut cs = TestConstraintSystem::<Scalar>::new();
		let leaf = tree.leaf(index).unwrap();
		let leaf = alloc_scalar(&mut cs, "leaf", Some(leaf)).unwrap();
		let (bits, _) =
			alloc_bits(&mut cs.namespace(|| "index"), Some(Scalar::from(index)), merkle::INDEX_BITS).unwrap();
		let path: Vec<_> = tree.path(index).unwrap().iter().map(|s| Some(*s)).collect();
		let root = merkle_root(&mut cs.namespace(|| "path"), &leaf, &bits, &path).unwrap();
		assert!(cs.is_satisfied(), "index {index}");
		assert_eq!(root.value(), Some(tree.root()), "index {index}");
		assert_eq!(cs.num_constraints(), merkle::INDEX_BITS + DEPTH * 303);
		// A prover who puts the node elsewhere among its siblings breaks a selection.
		let selected = "path/level 0/own pair/selected";
		let value = cs.get(selected);
		cs.set(selected, value + Scalar::one());
		assert!(!cs.is_satisfied(), "index {index}");
	}
}
