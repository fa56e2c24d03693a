//! Weights of the SDK pallets measured in this runtime, on its wasm, by
//! `./scripts/bench-pallets.sh <pallet>` (each figure the largest of three runs; BENCHMARKS.md).
//! zkSettle's own pallets keep theirs in their crates (`weights.rs`). The other SDK pallets
//! still use their crates' reference weights (`SubstrateWeight`) or none (`()`): measuring them
//! here is the next run of the script (`./scripts/bench-pallets.sh system`).

pub mod pallet_xcm;
