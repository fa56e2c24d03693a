//! Weights of the SDK pallets measured in this runtime, on its wasm, by
//! `./scripts/bench-pallets.sh system` (each figure the largest of three runs,
//! `scripts/max-weights.py`; BENCHMARKS.md has the commands, the machine and the dates).
//! zkSettle's own pallets keep theirs in their crates (`weights.rs`). What is still not measured
//! here: `pallet-transaction-payment`'s and `cumulus-pallet-weight-reclaim`'s extension weights
//! (`()`) and `pallet-authorship` (no calls).

pub mod cumulus_pallet_parachain_system;
pub mod cumulus_pallet_xcmp_queue;
pub mod frame_system;
pub mod pallet_assets_assets;
pub mod pallet_assets_foreign_assets;
pub mod pallet_balances;
pub mod pallet_collator_selection;
pub mod pallet_message_queue;
pub mod pallet_migrations;
pub mod pallet_multisig;
pub mod pallet_session;
pub mod pallet_sudo;
pub mod pallet_timestamp;
pub mod pallet_utility;
pub mod pallet_xcm;
