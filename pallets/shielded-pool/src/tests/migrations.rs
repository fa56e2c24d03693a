//! The note tree's rebuild (storage version 3) over many blocks (issue 29, item 11).

use super::*;
use crate::migrations::v3::{old, BinaryTreeState, LazyMigrateV2ToV3, RebuildTree};
use polkadot_sdk::frame_support::{
	migrations::{SteppedMigration, SteppedMigrationError},
	traits::{GetStorageVersion, StorageVersion, UncheckedOnRuntimeUpgrade},
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, Weight, WeightMeter},
};

const NOTES: u64 = 100_000;

/// A version-2 chain holding 100 000 notes (a few hundred ZKS of unsigned fees to make): the
/// one-block rebuild weighs more than a block may, so the upgrade's block could not be built.
/// Stepped, each step stays within its meter (compute and proof size), and the end state is
/// the one-block rebuild's: the same tree, subtree roots and root history.
#[test]
fn a_hundred_thousand_notes_are_rebuilt_over_many_blocks_within_each_blocks_budget() {
	new_test_ext(dev_keys()).execute_with(|| {
		for i in 0..NOTES {
			Leaves::<Test>::insert(i, Scalar::from(i + 1).to_bytes());
		}
		let binary_root = [8u8; 32];
		old::Tree::<Test>::put(BinaryTreeState { next_index: NOTES, filled: [[7; 32]; 32], root: binary_root });
		ShieldedPool::remember_root(binary_root);
		SubtreeRoots::<Test>::insert(0, [9u8; 32]);
		StorageVersion::new(2).put::<ShieldedPool>();

		// The one-block rebuild, on a copy of the state that is thrown away after reading it.
		polkadot_sdk::sp_io::storage::start_transaction();
		let weight = RebuildTree::<Test>::on_runtime_upgrade();
		let expected = (Tree::<Test>::get(), SubtreeRoots::<Test>::iter().collect::<std::collections::BTreeMap<_, _>>());
		polkadot_sdk::sp_io::storage::rollback_transaction();
		// A parachain block with asynchronous backing: 2 s of compute, 10 MiB of proof.
		let max_block = Weight::from_parts(2 * WEIGHT_REF_TIME_PER_SECOND, 10 * 1024 * 1024);
		assert!(!weight.all_lte(max_block), "{weight} fits a block of {max_block}: not the attack");
		assert_eq!(expected.0.next_index, NOTES);
		assert_eq!(expected.1.len() as u64, NOTES / 1024);

		let mut starved = WeightMeter::with_limit(Weight::from_parts(1, 1));
		assert!(matches!(
			LazyMigrateV2ToV3::<Test>::step(None, &mut starved),
			Err(SteppedMigrationError::InsufficientWeight { .. })
		));

		// `pallet-migrations` in the runtime gives a step 80 % of a block.
		let budget = max_block * 4 / 5;
		let mut cursor = None;
		let mut steps = 0u32;
		loop {
			let mut meter = WeightMeter::with_limit(budget);
			cursor = LazyMigrateV2ToV3::<Test>::step(cursor, &mut meter).unwrap();
			assert!(meter.consumed().all_lte(budget), "step {steps} overran its meter");
			steps += 1;
			match &cursor {
				None => break,
				Some(state) => {
					assert_eq!(ShieldedPool::on_chain_storage_version(), 2, "the version moves with the last step only");
					assert!(state.next_index > 0 && state.next_index <= NOTES);
				},
			}
		}
		println!("{NOTES} notes rebuilt in {steps} steps of at most {budget}");
		assert!(steps > 1, "{steps} steps");
		assert_eq!(ShieldedPool::on_chain_storage_version(), 3);
		assert_eq!(Tree::<Test>::get(), expected.0);
		assert_eq!(SubtreeRoots::<Test>::iter().collect::<std::collections::BTreeMap<_, _>>(), expected.1);
		assert_eq!(KnownRoots::<Test>::iter_keys().collect::<Vec<_>>(), vec![expected.0.root]);
		ShieldedPool::do_try_state().unwrap();

		// Another upgrade: nothing to do.
		let mut meter = WeightMeter::with_limit(budget);
		assert_eq!(LazyMigrateV2ToV3::<Test>::step(None, &mut meter), Ok(None));
	});
}
