//! Proofs for the benchmarks.
//!
//! Benchmarks run inside the runtime's wasm, which cannot make proofs, so they use transactions
//! proven in advance: `fixtures/benchmarks.scale`. The test `benchmark_fixtures_are_reproducible`
//! re-derives the file from the public development setup seed and fixed randomness and fails if
//! a single byte differs (set `ZKSETTLE_BLESS_FIXTURES=1` to rewrite it after a deliberate change
//! to the circuit or the transaction encoding).
//!
//! The scenario: the tree holds `2 × TXS` notes of 10 ZKS each (and the two below), all owned by
//! one key; transaction `k` spends notes `2k` and `2k + 1` (two membership proofs, the most
//! expensive shape) and unshields 19.99 ZKS to account `[0x11; 32]`, paying a fee of 0.01 ZKS to
//! relayer `[0x22; 32]`: both above the runtime's existential deposit, so that the benchmarks
//! pay accounts that do not exist yet (the worst case: each payout creates an account).
//! Both accounts are `AccountId32`s and the fee is hashed as `u128`, so the proofs hold for the
//! mock runtime and for the real one.
//!
//! One more transaction, [`Fixtures::unsigned`], is what a `transact_unsigned` looks like: it
//! spends two further notes of [`UNSIGNED_NOTE_VALUE`], names no relayer and pays
//! [`UNSIGNED_FEE`] (above the runtime's `MinUnsignedFee`), so that the transaction pool's
//! validation can be measured on its accepting path.

use alloc::vec::Vec;
use codec::{Decode, Encode};

use crate::Hash32;

/// Transactions in the fixture file: [`crate::MAX_BATCH_BENCHMARKED`], the largest batch the
/// runtime accepts, so that `transact_batch` is measured over the whole range it is charged for.
pub const TXS: usize = crate::MAX_BATCH_BENCHMARKED as usize;
/// Value of every pre-existing note.
pub const NOTE_VALUE: u64 = 10_000_000_000_000;
/// Fee of every transaction.
pub const FEE: u128 = 10_000_000_000;
/// Recipient of every unshield.
pub const RECIPIENT: [u8; 32] = [0x11; 32];
/// Relayer of every transaction.
pub const RELAYER: [u8; 32] = [0x22; 32];
/// The genesis hash the fixture proofs are bound to (`ext_data_hash`); the benchmarks install
/// it as the chain's genesis hash.
pub const CHAIN: Hash32 = [0x33; 32];
/// Value of each of the two notes the unsigned transaction spends.
pub const UNSIGNED_NOTE_VALUE: u64 = 1_000_000_000_000;
/// Fee of the unsigned transaction (the runtime's `MinUnsignedFee` is 10 milli-units, 10^10).
pub const UNSIGNED_FEE: u128 = 100_000_000_000;
/// The asset of [`Fixtures::asset_tx`]: local asset 0 (`Asset::Fungible(0)`, field value 1),
/// the id all zero bytes decode to, which the benchmark creates.
pub const ASSET_FIELD: u64 = 1;
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
	/// An unshield that may go unsigned (no relayer, [`UNSIGNED_FEE`]), against the same root,
	/// spending the two leaves after the transactions'.
	pub unsigned: FixtureTx,
	/// An unshield of local asset 0 ([`ASSET_FIELD`]) shaped like the others (two notes of
	/// [`NOTE_VALUE`], the last two leaves; fee [`FEE`] to [`RELAYER`]): the assets path of a
	/// payout, to fresh accounts.
	pub asset_tx: FixtureTx,
}

impl Fixtures {
	/// The value of all native notes in `leaves`: what the pool must hold of ZKS (it holds
	/// `2 × NOTE_VALUE` of [`ASSET_FIELD`] besides).
	pub fn shielded_value(&self) -> u128 {
		u128::from(NOTE_VALUE) * 2 * self.txs.len() as u128 + 2 * u128::from(UNSIGNED_NOTE_VALUE)
	}
}

/// One proven unshield.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct FixtureTx {
	pub proof: crate::types::ProofBytes,
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
	let values = core::iter::repeat_n((NOTE_VALUE, 0), 2 * TXS)
		.chain([(UNSIGNED_NOTE_VALUE, 0); 2])
		.chain([(NOTE_VALUE, ASSET_FIELD); 2]);
	let notes: Vec<Note> =
		values.map(|(value, asset)| Note { value, asset, owner, blinding: Scalar::random(&mut rng) }).collect();
	for note in &notes {
		tree.append(note.commitment()).expect("room");
	}
	let root = tree.root();
	// Transaction `k` spends notes `2k` and `2k + 1`, unshields all but `fee` and pays `fee`.
	let mut prove = |k: usize, relayer: Option<[u8; 32]>, fee: u128| {
		let input = |i: usize| InputNote {
			note: notes[i],
			spending_key: sk,
			index: i as u64,
			path: tree.path(i as u64).expect("inserted"),
		};
		let unshielded = (notes[2 * k].value + notes[2 * k + 1].value) as i128 - fee as i128;
		let asset = notes[2 * k].asset;
		let outputs = [0, 1].map(|_| Note { value: 0, asset, owner, blinding: Scalar::random(&mut rng) });
		let encrypted_notes: [Vec<u8>; 2] =
			[0u8, 1].map(|j| (0..NOTE_LEN).map(|b| (b as u8) ^ (k as u8) ^ (j << 7)).collect());
		let ext: ExtData<Test> = ExtData {
			recipient: Some(AccountId32::new(RECIPIENT)),
			relayer: relayer.map(AccountId32::new),
			fee,
			encrypted_notes: encrypted_notes.clone().map(BoundedVec::truncate_from),
		};
		let witness = TransferWitness::new(
			[input(2 * k), input(2 * k + 1)],
			outputs,
			root,
			public_amount(-unshielded, fee).expect("in range"),
			ext.hash(&CHAIN),
			asset,
		);
		let proof = key.prove_with_rng(&witness, &mut rng).expect("valid witness");
		FixtureTx {
			proof: proof.to_uncompressed_bytes(),
			root: root.to_bytes(),
			nullifiers: witness.public.nullifiers.map(|n| n.to_bytes()),
			commitments: witness.public.commitments.map(|c| c.to_bytes()),
			ext_amount: -unshielded,
			encrypted_notes,
		}
	};
	let txs = (0..TXS).map(|k| prove(k, Some(RELAYER), FEE)).collect();
	let unsigned = prove(TXS, None, UNSIGNED_FEE);
	let asset_tx = prove(TXS + 1, Some(RELAYER), FEE);
	Fixtures {
		verifying_key: key.verifying_key_bytes(),
		leaves: notes.iter().map(|n| n.commitment().to_bytes()).collect(),
		txs,
		unsigned,
		asset_tx,
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
