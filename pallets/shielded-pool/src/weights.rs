//! Weights of `pallet-shielded-pool`.
//!
//! PROVISIONAL: these are not yet the output of `frame-benchmarking` on the runtime (that needs
//! the runtime's wasm and a benchmarking binary, which arrive with the runtime). They are
//! deliberately generous upper bounds from native measurements scaled for wasm execution:
//! native single verification 2.6 ms, batch 0.6 ms/proof (BENCHMARKS.md), 64 Poseidon hashes
//! for two insertions, times a wasm slowdown factor of 10. Regenerate with the benchmarks in
//! `benchmarking.rs` as soon as the runtime can run them.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet-shielded-pool`.
pub trait WeightInfo {
	fn transact() -> Weight;
	fn transact_batch(n: u32) -> Weight;
	fn set_verifying_key() -> Weight;
	fn remove_verifying_key() -> Weight;
}

/// Weights for the runtime (see the module docs).
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn transact() -> Weight {
		Weight::from_parts(45_000_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(12))
	}
	fn transact_batch(n: u32) -> Weight {
		Weight::from_parts(15_000_000_000, 12_000)
			.saturating_add(Weight::from_parts(14_000_000_000, 8_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads(10_u64.saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(12_u64.saturating_mul(n.into())))
	}
	fn set_verifying_key() -> Weight {
		Weight::from_parts(12_000_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn remove_verifying_key() -> Weight {
		Weight::from_parts(20_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

// For tests.
impl WeightInfo for () {
	fn transact() -> Weight {
		Weight::from_parts(45_000_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads(12))
			.saturating_add(RocksDbWeight::get().writes(12))
	}
	fn transact_batch(n: u32) -> Weight {
		Weight::from_parts(15_000_000_000, 12_000)
			.saturating_add(Weight::from_parts(14_000_000_000, 8_000).saturating_mul(n.into()))
	}
	fn set_verifying_key() -> Weight {
		Weight::from_parts(12_000_000_000, 4_000)
	}
	fn remove_verifying_key() -> Weight {
		Weight::from_parts(20_000_000, 4_000)
	}
}
