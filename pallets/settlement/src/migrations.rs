//! Storage migrations of the settlement pallet.

/// Version 0 → 1: count open orders by ISM in [`crate::IsmOrderRefs`], so that the ISMs they
/// rely on are protected from removal and weakening.
pub mod v1 {
	use crate::{Config, Orders, Pallet};
	use polkadot_sdk::{
		frame_support::{migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade, weights::Weight},
		frame_system,
	};
	#[cfg(feature = "try-runtime")]
	use {
		crate::IsmOrderRefs,
		alloc::vec::Vec,
		codec::{Decode, Encode},
		polkadot_sdk::sp_runtime::TryRuntimeError,
	};

	/// The migration without its version guard.
	pub struct CountOpenOrdersByIsm<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for CountOpenOrdersByIsm<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut orders = 0u64;
			for record in Orders::<T>::iter_values() {
				Pallet::<T>::count_order_ref(record.data.ism, true);
				orders = orders.saturating_add(1);
			}
			// One read per order, and at worst one read and write of a counter per order.
			T::DbWeight::get().reads_writes(orders.saturating_mul(2), orders)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			frame_support::ensure!(IsmOrderRefs::<T>::iter().next().is_none(), "IsmOrderRefs is not empty before v1");
			Ok((Orders::<T>::iter().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let orders = u64::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			let counted: u64 = IsmOrderRefs::<T>::iter_values().map(u64::from).sum();
			frame_support::ensure!(counted == orders, "IsmOrderRefs does not count every open order");
			Pallet::<T>::do_try_state()
		}
	}

	#[cfg(feature = "try-runtime")]
	use polkadot_sdk::frame_support;
	use polkadot_sdk::frame_support::traits::Get;

	/// The migration, run once: only when the on-chain storage version is 0, which it sets to 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		CountOpenOrdersByIsm<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
