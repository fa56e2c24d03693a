//! Storage migrations of the shielded pool.

/// Version 0 → 1: [`crate::AllowedAssets`]. Every `pallet-assets` asset that has value shielded
/// is allowed, so that nothing already in the pool changes; governance reviews them (and their
/// roles) and disallows what it does not want.
pub mod v1 {
	use crate::{AllowedAssets, Asset, Config, Pallet, TotalShielded};
	use polkadot_sdk::{
		frame_support::{
			migrations::VersionedMigration,
			traits::{Get, UncheckedOnRuntimeUpgrade},
			weights::Weight,
		},
		frame_system,
		sp_runtime::traits::Zero,
	};
	#[cfg(feature = "try-runtime")]
	use {
		alloc::vec::Vec,
		codec::{Decode, Encode},
		polkadot_sdk::{frame_support::ensure, sp_runtime::TryRuntimeError},
	};

	/// The migration without its version guard.
	pub struct AllowShieldedAssets<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for AllowShieldedAssets<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut reads, mut writes) = (0u64, 0u64);
			for (asset, total) in TotalShielded::<T>::iter() {
				reads = reads.saturating_add(1);
				if let Asset::Fungible(id) = asset {
					if !total.is_zero() {
						AllowedAssets::<T>::insert(id, ());
						writes = writes.saturating_add(1);
					}
				}
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			ensure!(AllowedAssets::<T>::iter().next().is_none(), "AllowedAssets is not empty before v1");
			let held = TotalShielded::<T>::iter()
				.filter(|(asset, total)| matches!(asset, Asset::Fungible(_)) && !total.is_zero())
				.count() as u64;
			Ok(held.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let held = u64::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			ensure!(AllowedAssets::<T>::iter().count() as u64 == held, "an asset with shielded value is not allowed");
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration, run once: only while the on-chain storage version is 0.
	pub type MigrateV0ToV1<T> =
		VersionedMigration<0, 1, AllowShieldedAssets<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
