//! A chain at storage version 2 of both pallets upgraded to this runtime: the storage walks run
//! as multi-block migrations, each block's share within `MbmServiceWeight`, with XCM paused
//! until they end (the executive admits inherents only meanwhile).

use crate::{configs::PausedWhileMigrating, *};
use cumulus_primitives_core::AggregateMessageOrigin;
use frame_support::{
	migrations::MultiStepMigrator,
	traits::{GetStorageVersion, QueuePausedQuery, StorageVersion},
};
use pallet_settlement::migrations::v3::Filled;
use pallet_shielded_pool::migrations::v3::{old, BinaryTreeState};

const NOTES: u64 = 20_000;
const FILLS: u32 = 20_000;

#[test]
fn an_upgrade_from_version_2_migrates_over_several_blocks_with_xcm_paused() {
	let mut ext = crate::tests::development_state();
	ext.execute_with(|| {
		// The version-2 state: notes in a binary tree, fills in `Filled`.
		let first = pallet_shielded_pool::Tree::<Runtime>::get().next_index;
		assert_eq!(first, 0, "the development preset holds no notes");
		for i in 0..NOTES {
			pallet_shielded_pool::Leaves::<Runtime>::insert(i, zk_verifier::Scalar::from(i + 1).to_bytes());
		}
		old::Tree::<Runtime>::put(BinaryTreeState { next_index: NOTES, filled: [[7; 32]; 32], root: [8; 32] });
		StorageVersion::new(2).put::<ShieldedPool>();
		for i in 0..FILLS {
			let mut order = [0u8; 32];
			order[..4].copy_from_slice(&i.to_le_bytes());
			Filled::<Runtime>::insert(order, [0x5a; 32]);
		}
		StorageVersion::new(2).put::<Settlement>();

		// The upgrade's block registers the migrations; every block after runs steps.
		Executive::execute_on_runtime_upgrade();
		let mut blocks = 0;
		while MultiBlockMigrations::ongoing() {
			assert!(PausedWhileMigrating::is_paused(&AggregateMessageOrigin::Parent), "XCM waits for the migrations");
			System::set_block_number(System::block_number() + 1);
			let used = MultiBlockMigrations::step();
			assert!(used.all_lte(configs::MbmServiceWeight::get()), "block {blocks}: {used} above the migrations' share");
			blocks += 1;
			assert!(blocks < 100, "the migrations do not end");
		}
		assert!(blocks > 1, "{blocks} block(s): not multi-block");
		assert!(!PausedWhileMigrating::is_paused(&AggregateMessageOrigin::Parent));
		assert_eq!(ShieldedPool::on_chain_storage_version(), 3);
		assert_eq!(Settlement::on_chain_storage_version(), 3);
		assert_eq!(pallet_shielded_pool::Tree::<Runtime>::get().next_index, NOTES);
		assert_eq!(Filled::<Runtime>::iter().count(), 0);
		assert_eq!(pallet_settlement::DestinationOrders::<Runtime>::iter().count(), FILLS as usize);
		println!("{NOTES} notes and {FILLS} fills migrated in {blocks} blocks");
	});
}
