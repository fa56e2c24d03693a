//! The storage migration to version 3 over many blocks (issue 29, item 11).

use super::*;
use crate::{
	migrations::v3::{Filled, LazyMigrateV2ToV3, MigrateV2ToV3},
	DestinationOrders, DestinationStatus,
};
use polkadot_sdk::frame_support::{
	migrations::{SteppedMigration, SteppedMigrationError},
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	weights::{Weight, WeightMeter},
};

const FILLS: u32 = 100_000;

fn fill(i: u32) -> ([u8; 32], [u8; 32]) {
	let mut order = [0u8; 32];
	order[..4].copy_from_slice(&i.to_le_bytes());
	let mut solver = [0x5a; 32];
	solver[..4].copy_from_slice(&i.to_be_bytes());
	(order, solver)
}

/// A version-2 chain with 100 000 fills: in one block the migration weighs more than a whole
/// block may (an attacker who fills many cheap orders before an upgrade makes that block
/// impossible to build); stepped, each block moves what its budget allows, no step exceeds its
/// meter, and the end state is the one-block migration's.
#[test]
fn a_hundred_thousand_fills_migrate_over_many_blocks_within_each_blocks_budget() {
	run(|| {
		StorageVersion::new(2).put::<Settlement>();
		for i in 0..FILLS {
			let (order, solver) = fill(i);
			Filled::<Test>::insert(order, solver);
		}
		// The one-block migration's weight, on a copy of the state that is thrown away.
		polkadot_sdk::sp_io::storage::start_transaction();
		let weight = MigrateV2ToV3::<Test>::on_runtime_upgrade();
		polkadot_sdk::sp_io::storage::rollback_transaction();
		// A parachain block's compute with asynchronous backing: 2 s.
		let max_block = Weight::from_parts(2 * polkadot_sdk::frame_support::weights::constants::WEIGHT_REF_TIME_PER_SECOND, u64::MAX);
		assert!(weight.ref_time() > max_block.ref_time(), "{weight} fits a block of {max_block}: not the attack");
		assert_eq!(Filled::<Test>::iter().count(), FILLS as usize);

		// Too small a budget for one fill: an error the caller retries with more, nothing moved.
		let mut starved = WeightMeter::with_limit(Weight::from_parts(1, 0));
		assert!(matches!(
			LazyMigrateV2ToV3::<Test>::step(None, &mut starved),
			Err(SteppedMigrationError::InsufficientWeight { .. })
		));

		// A tenth of a block per step.
		let budget = max_block / 10;
		let mut cursor = None;
		let mut steps = 0u32;
		loop {
			let mut meter = WeightMeter::with_limit(budget);
			cursor = LazyMigrateV2ToV3::<Test>::step(cursor, &mut meter).unwrap();
			assert!(meter.consumed().all_lte(budget), "step {steps} overran its meter");
			steps += 1;
			if cursor.is_none() {
				break;
			}
			assert_eq!(Settlement::on_chain_storage_version(), 2, "the version moves with the last fill only");
		}
		assert!(steps > 10, "{steps} steps");
		assert_eq!(Settlement::on_chain_storage_version(), 3);
		assert_eq!(Filled::<Test>::iter().count(), 0);
		assert_eq!(DestinationOrders::<Test>::iter().count(), FILLS as usize);
		for i in (0..FILLS).step_by(997) {
			let (order, solver) = fill(i);
			assert_eq!(DestinationOrders::<Test>::get(order), Some(DestinationStatus::Filled { solver }));
		}

		// Run again (another upgrade): nothing to do.
		let mut meter = WeightMeter::with_limit(budget);
		assert_eq!(LazyMigrateV2ToV3::<Test>::step(None, &mut meter), Ok(None));
		Settlement::do_try_state().unwrap();
	});
}
