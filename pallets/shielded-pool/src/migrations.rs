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

/// Version 1 → 2: [`crate::PreparedKeys`], the prepared form of every installed verifying key,
/// which transactions now read instead of preparing the key on every call.
pub mod v2 {
	use crate::{Config, Pallet, PreparedKeys, VerifyingKeys, WeightInfo};
	use polkadot_sdk::{
		frame_support::{
			migrations::VersionedMigration,
			traits::{Get, UncheckedOnRuntimeUpgrade},
			weights::Weight,
		},
		frame_system,
	};
	#[cfg(feature = "try-runtime")]
	use {
		alloc::vec::Vec,
		codec::{Decode, Encode},
		polkadot_sdk::{frame_support::ensure, sp_runtime::TryRuntimeError},
	};

	/// The migration without its version guard.
	pub struct PrepareKeys<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for PrepareKeys<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut reads, mut writes) = (0u64, 0u64);
			for (version, bytes) in VerifyingKeys::<T>::iter() {
				reads = reads.saturating_add(1);
				// Every stored key passed these checks when it was installed; one that no
				// longer does (impossible short of a changed checker) is removed rather than
				// left half-installed, and the event-less removal is logged.
				match Pallet::<T>::check_and_prepare(&bytes) {
					Ok((_, prepared, _)) => PreparedKeys::<T>::insert(version, prepared),
					Err(error) => {
						log::error!(target: "runtime::shielded-pool", "key {version} fails its checks ({error:?}); removed");
						VerifyingKeys::<T>::remove(version);
					},
				}
				writes = writes.saturating_add(1);
			}
			// The preparation itself: about as much as installing a key, per key.
			T::DbWeight::get()
				.reads_writes(reads, writes)
				.saturating_add(<T as Config>::WeightInfo::set_verifying_key().saturating_mul(reads))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			ensure!(PreparedKeys::<T>::iter().next().is_none(), "PreparedKeys is not empty before v2");
			Ok((VerifyingKeys::<T>::iter().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let keys = u64::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			ensure!(PreparedKeys::<T>::iter().count() as u64 == keys, "a key was not prepared");
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration, run once: only while the on-chain storage version is 1.
	pub type MigrateV1ToV2<T> =
		VersionedMigration<1, 2, PrepareKeys<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
