//! Shared fixtures of the integration tests: one proving key per test binary (setup is the
//! slow part), and random valid transactions.

#![allow(dead_code)]


use ff::Field;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use zk_verifier::{
	circuit::{InputNote, TransferWitness},
	keys::SpendingKey,
	merkle::MerkleTree,
	note::Note,
	prover::ProvingKey,
	public_inputs::{ext_data_hash, public_amount},
	Scalar,
};

/// The development proving key, generated once per test binary.
pub fn proving_key() -> &'static ProvingKey {
	zk_verifier::prover::dev_proving_key().expect("dev setup")
}

/// A valid private transfer (public amount 0) of two notes worth `a` and `b`.
pub fn transfer(seed: u64, a: u64, b: u64) -> TransferWitness {
	let mut rng = ChaCha20Rng::seed_from_u64(seed);
	let sk = SpendingKey::random(&mut rng);
	let owner = sk.owner();
	let mut tree = MerkleTree::new();
	let mut inputs = Vec::new();
	for value in [a, b] {
		let note = Note { value, asset: 0, owner, blinding: Scalar::random(&mut rng) };
		let index = tree.append(note.commitment()).unwrap();
		inputs.push((note, index));
	}
	let inputs = inputs.map_to_inputs(&tree, sk);
	let recipient = SpendingKey::random(&mut rng).owner();
	let outputs = [
		Note { value: a, asset: 0, owner: recipient, blinding: Scalar::random(&mut rng) },
		Note { value: b, asset: 0, owner, blinding: Scalar::random(&mut rng) },
	];
	TransferWitness::new(
		inputs,
		outputs,
		tree.root(),
		public_amount(0, 0).unwrap(),
		ext_data_hash(&seed.to_le_bytes()),
		0,
	)
}

trait MapToInputs {
	fn map_to_inputs(self, tree: &MerkleTree, sk: SpendingKey) -> [InputNote; 2];
}

impl MapToInputs for Vec<(Note, u64)> {
	fn map_to_inputs(self, tree: &MerkleTree, sk: SpendingKey) -> [InputNote; 2] {
		let mut it = self
			.into_iter()
			.map(|(note, index)| InputNote { note, spending_key: sk, index, path: tree.path(index).unwrap() });
		[it.next().unwrap(), it.next().unwrap()]
	}
}
