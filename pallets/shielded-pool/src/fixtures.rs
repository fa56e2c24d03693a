//! Proofs for the benchmarks.
//!
//! Benchmarks run inside the runtime's wasm, which cannot make proofs, so they use transactions
//! proven in advance: `fixtures/benchmarks.scale`. The test `benchmark_fixtures_are_reproducible`
//! re-derives the file from the public development setup seed and fixed randomness and fails if
//! a single byte differs (set `ZKSETTLE_BLESS_FIXTURES=1` to rewrite it after a deliberate change
//! to the circuit or the transaction encoding).
//!
//! The scenario: the tree holds `2 × TXS` notes of 1000 native units each, all owned by one key;
//! transaction `k` spends notes `2k` and `2k + 1` (two membership proofs, the most expensive
//! shape) and unshields 1999 to account `[0x11; 32]`, paying a fee of 1 to relayer `[0x22; 32]`.
//! Both accounts are `AccountId32`s and the fee is hashed as `u128`, so the proofs hold for the
//! mock runtime and for the real one.

use alloc::vec::Vec;
use codec::{Decode, Encode};

use crate::Hash32;

/// Transactions in the fixture file (the largest batch benchmarked).
pub const TXS: usize = 16;
/// Value of every pre-existing note.
pub const NOTE_VALUE: u64 = 1000;
/// Fee of every transaction.
pub const FEE: u128 = 1;
/// Recipient of every unshield.
pub const RECIPIENT: [u8; 32] = [0x11; 32];
/// Relayer of every transaction.
pub const RELAYER: [u8; 32] = [0x22; 32];
/// The genesis hash the fixture proofs are bound to (`ext_data_hash`); the benchmarks install
/// it as the chain's genesis hash.
pub const CHAIN: Hash32 = [0x33; 32];
/// Length of each encrypted note (a realistic ciphertext size).
pub const NOTE_LEN: usize = 120;

/// The fixture file's content.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Fixtures {
	/// The development verifying key (installed as version 1).
	pub verifying_key: Vec<u8>,
	/// Commitments to insert before the transactions, in order.
	pub leaves: Vec<Hash32>,
	/// The proven transactions, all against the root after `leaves`.
	pub txs: Vec<FixtureTx>,
}

/// One proven unshield.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct FixtureTx {
	pub proof: [u8; 192],
	pub root: Hash32,
	pub nullifiers: [Hash32; 2],
	pub commitments: [Hash32; 2],
	pub ext_amount: i128,
	pub encrypted_notes: [Vec<u8>; 2],
}

/// The committed fixture file.
pub const FIXTURE_BYTES: &[u8] = include_bytes!("../fixtures/benchmarks.scale");

/// Decode the committed fixtures.
pub fn load() -> Option<Fixtures> {
	Fixtures::decode(&mut &FIXTURE_BYTES[..]).ok()
}

/// Derive the fixtures from scratch (slow: key generation and `TXS` proofs).
#[cfg(test)]
pub fn generate() -> Fixtures {
	use crate::{mock::Test, ExtData};
	use ff::Field;
	use polkadot_sdk::{frame_support::BoundedVec, sp_runtime::AccountId32};
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
	use zk_verifier::{
		circuit::{InputNote, TransferWitness},
		keys::SpendingKey,
		merkle::MerkleTree,
		note::Note,
		public_inputs::public_amount,
		Scalar,
	};

	let key = zk_verifier::prover::dev_proving_key().expect("setup");
	let mut rng = ChaCha20Rng::from_seed(*b"zkSettle benchmark fixtures v1!!");
	let sk = SpendingKey::random(&mut rng);
	let owner = sk.owner();
	let mut tree = MerkleTree::new();
	let notes: Vec<Note> = (0..2 * TXS)
		.map(|_| Note { value: NOTE_VALUE, asset: 0, owner, blinding: Scalar::random(&mut rng) })
		.collect();
	for note in &notes {
		tree.append(note.commitment()).expect("room");
	}
	let root = tree.root();
	let unshielded = 2 * NOTE_VALUE as i128 - FEE as i128;
	let txs = (0..TXS)
		.map(|k| {
			let input = |i: usize| InputNote {
				note: notes[i],
				spending_key: sk,
				index: i as u64,
				path: tree.path(i as u64).expect("inserted"),
			};
			let outputs = [0, 1].map(|_| Note { value: 0, asset: 0, owner, blinding: Scalar::random(&mut rng) });
			let encrypted_notes: [Vec<u8>; 2] =
				[0u8, 1].map(|j| (0..NOTE_LEN).map(|b| (b as u8) ^ (k as u8) ^ (j << 7)).collect());
			let ext: ExtData<Test> = ExtData {
				recipient: Some(AccountId32::new(RECIPIENT)),
				relayer: Some(AccountId32::new(RELAYER)),
				fee: FEE,
				encrypted_notes: encrypted_notes.clone().map(BoundedVec::truncate_from),
			};
			let witness = TransferWitness::new(
				[input(2 * k), input(2 * k + 1)],
				outputs,
				root,
				public_amount(-unshielded, FEE).expect("in range"),
				ext.hash(&CHAIN),
				0,
			);
			let proof = key.prove_with_rng(&witness, &mut rng).expect("valid witness");
			FixtureTx {
				proof: proof.to_bytes(),
				root: root.to_bytes(),
				nullifiers: witness.public.nullifiers.map(|n| n.to_bytes()),
				commitments: witness.public.commitments.map(|c| c.to_bytes()),
				ext_amount: -unshielded,
				encrypted_notes,
			}
		})
		.collect();
	Fixtures {
		verifying_key: key.verifying_key_bytes(),
		leaves: notes.iter().map(|n| n.commitment().to_bytes()).collect(),
		txs,
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn benchmark_fixtures_are_reproducible() {
		let fresh = generate();
		if std::env::var_os("ZKSETTLE_BLESS_FIXTURES").is_some() {
			let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/benchmarks.scale");
			std::fs::write(path, fresh.encode()).expect("write fixtures");
			return;
		}
		assert_eq!(load().as_ref(), Some(&fresh), "fixtures are stale: rerun with ZKSETTLE_BLESS_FIXTURES=1");
		assert_eq!(FIXTURE_BYTES, &fresh.encode()[..]);
	}
}
