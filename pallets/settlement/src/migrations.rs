//! Storage migrations of the settlement pallet.

/// The `pallet_id` of this pallet's multi-block migrations' identifiers (`MigrationId`).
pub const MIGRATIONS_ID: &[u8; 19] = b"zksettle-settlement";

/// Version 0 → 1: count in [`crate::IsmOrderRefs`] the open orders relying on each ISM (their
/// security level and every ISM it refers to), so that those ISMs are protected from removal
/// and weakening.
pub mod v1 {
	use crate::{isms::registry::IsmReads, Config, Orders, Pallet};
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
			let (mut orders, mut reads, mut updates) = (0u64, 0u64, 0u64);
			for record in Orders::<T>::iter_values() {
				// Unlimited: an order opened before v1 must be counted whatever its closure.
				let mut walk = IsmReads::<T>::unlimited();
				let counted = Pallet::<T>::count_order_refs(record.data.ism, true, &mut walk).unwrap_or(0);
				orders = orders.saturating_add(1);
				reads = reads.saturating_add(u64::from(walk.count));
				updates = updates.saturating_add(u64::from(counted));
			}
			// A read per order and per ISM of its closure, a read and a write per counter update.
			T::DbWeight::get().reads_writes(orders.saturating_add(reads).saturating_add(updates), updates)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			frame_support::ensure!(IsmOrderRefs::<T>::iter().next().is_none(), "IsmOrderRefs is not empty before v1");
			Ok((Orders::<T>::iter().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let orders = u64::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			frame_support::ensure!(
				orders == Orders::<T>::iter().count() as u64,
				"the migration changed the open orders"
			);
			let expected = Pallet::<T>::expected_order_refs().map_err(|_| "an open order's ISM closure cannot be walked")?;
			frame_support::ensure!(
				IsmOrderRefs::<T>::iter().collect::<alloc::collections::BTreeMap<_, _>>() == expected,
				"IsmOrderRefs does not count the open orders relying on each ISM"
			);
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

/// Version 1 → 2: [`crate::DispatchedMessages`] keeps every message dispatched from now on, so
/// that agents read messages from the current state instead of events (pruned with their
/// block's state). Messages dispatched before the upgrade exist only in events: the migration
/// cannot recover them, and leaves the new map empty; agents of a chain upgraded from version 1
/// need an archive node for those. The checks pin that nothing else changes.
pub mod v2 {
	use crate::{Config, Pallet};
	use polkadot_sdk::{
		frame_support::{migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade, weights::Weight},
		frame_system,
	};
	#[cfg(feature = "try-runtime")]
	use {
		crate::{DispatchedMessages, OutboundTree},
		alloc::vec::Vec,
		codec::{Decode, Encode},
		polkadot_sdk::{frame_support, sp_runtime::TryRuntimeError},
	};

	/// The migration without its version guard: a new, empty map.
	pub struct KeepDispatchedMessages<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for KeepDispatchedMessages<T> {
		fn on_runtime_upgrade() -> Weight {
			Weight::zero()
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			frame_support::ensure!(DispatchedMessages::<T>::iter().next().is_none(), "DispatchedMessages exists before v2");
			Ok(OutboundTree::<T>::get().count.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let count = u32::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			frame_support::ensure!(OutboundTree::<T>::get().count == count, "the migration changed the outbound tree");
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration, run once: only when the on-chain storage version is 1, which it sets to 2.
	pub type MigrateV1ToV2<T> =
		VersionedMigration<1, 2, KeepDispatchedMessages<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}

/// Version 2 → 3: the destination side keeps one [`crate::DestinationStatus`] per order in
/// [`crate::DestinationOrders`], filled or refunded, instead of fills alone in `Filled` (refunds
/// are now attested by the destination, which must refuse a fill after a refund and a refund
/// after a fill). Every `Filled` entry moves over as `Filled { solver }`; the old map is
/// removed. One read and two writes per filled order, in one block: the number of orders filled
/// here is small on a young chain (check it against the block's weight before upgrading a
/// busy one).
pub mod v3 {
	use crate::{Config, DestinationOrders, DestinationStatus, OrderId, Pallet};
	use polkadot_sdk::{
		frame_support::{
			migrations::{MigrationId, SteppedMigration, SteppedMigrationError, VersionedMigration},
			storage_alias,
			traits::{GetStorageVersion, StorageVersion, UncheckedOnRuntimeUpgrade},
			weights::{Weight, WeightMeter},
			Blake2_128Concat,
		},
		frame_system,
	};
	#[cfg(feature = "try-runtime")]
	use {
		alloc::vec::Vec,
		codec::{Decode, Encode},
		polkadot_sdk::{frame_support, sp_runtime::TryRuntimeError},
	};

	/// Version 2's destination-side fills: order id → the solver the fill message names.
	#[storage_alias]
	pub type Filled<T: Config> = StorageMap<Pallet<T>, Blake2_128Concat, OrderId, [u8; 32]>;

	/// The migration without its version guard.
	pub struct FillsBecomeDestinationOrders<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for FillsBecomeDestinationOrders<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut moved = 0u64;
			for (order_id, solver) in Filled::<T>::drain() {
				DestinationOrders::<T>::insert(order_id, DestinationStatus::Filled { solver });
				moved = moved.saturating_add(1);
			}
			T::DbWeight::get().reads_writes(moved, moved.saturating_mul(2))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			frame_support::ensure!(
				DestinationOrders::<T>::iter().next().is_none(),
				"DestinationOrders exists before v3"
			);
			let fills: Vec<(OrderId, [u8; 32])> = Filled::<T>::iter().collect();
			Ok(fills.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let fills = Vec::<(OrderId, [u8; 32])>::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			frame_support::ensure!(Filled::<T>::iter().next().is_none(), "Filled still has entries after v3");
			frame_support::ensure!(
				DestinationOrders::<T>::iter().count() == fills.len(),
				"DestinationOrders does not hold exactly the former fills"
			);
			for (order_id, solver) in fills {
				frame_support::ensure!(
					DestinationOrders::<T>::get(order_id) == Some(DestinationStatus::Filled { solver }),
					"a fill did not move over with its solver"
				);
			}
			Pallet::<T>::do_try_state()
		}
	}

	use polkadot_sdk::frame_support::traits::Get;

	/// The migration in one block, run once: only when the on-chain storage version is 2, which
	/// it sets to 3. For a chain with few fills; [`LazyMigrateV2ToV3`] is the one the runtime runs.
	pub type MigrateV2ToV3<T> =
		VersionedMigration<2, 3, FillsBecomeDestinationOrders<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;

	/// [`FillsBecomeDestinationOrders`] over as many blocks as it takes (`pallet-migrations`):
	/// each step moves the fills its weight allows, in key order from the last one moved (the
	/// cursor), and stops; the last sets storage version 3. Nothing happens unless the on-chain
	/// version is 2. While it runs, the runtime admits no transaction and processes no XCM
	/// (`pallet-migrations` and the message queues' pause), so no fill or refund meets a
	/// half-moved map.
	pub struct LazyMigrateV2ToV3<T>(core::marker::PhantomData<T>);

	impl<T: Config> SteppedMigration for LazyMigrateV2ToV3<T> {
		/// The last order moved.
		type Cursor = OrderId;
		type Identifier = MigrationId<19>;

		fn id() -> Self::Identifier {
			MigrationId { pallet_id: *crate::migrations::MIGRATIONS_ID, version_from: 2, version_to: 3 }
		}

		/// The one-block migration's checks, when there is something to migrate.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			if Pallet::<T>::on_chain_storage_version() != 2 {
				return Ok(Vec::new());
			}
			<FillsBecomeDestinationOrders<T> as UncheckedOnRuntimeUpgrade>::pre_upgrade()
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			if state.is_empty() {
				return Ok(());
			}
			<FillsBecomeDestinationOrders<T> as UncheckedOnRuntimeUpgrade>::post_upgrade(state)
		}

		fn step(cursor: Option<OrderId>, meter: &mut WeightMeter) -> Result<Option<OrderId>, SteppedMigrationError> {
			let version = T::DbWeight::get().reads(1);
			// Finding the next fill and reading it, removing it, writing its new entry; the last
			// step writes the version in place of a fill.
			let per_fill = T::DbWeight::get().reads_writes(1, 2);
			let required = version.saturating_add(per_fill);
			if !meter.can_consume(required) {
				return Err(SteppedMigrationError::InsufficientWeight { required });
			}
			meter.consume(version);
			if Pallet::<T>::on_chain_storage_version() != 2 {
				return Ok(None);
			}
			// From the key after the cursor: keys already moved are never walked again.
			let mut fills = match cursor {
				Some(last) => Filled::<T>::iter_from(Filled::<T>::hashed_key_for(last)),
				None => Filled::<T>::iter(),
			};
			let mut last = cursor;
			while meter.try_consume(per_fill).is_ok() {
				match fills.next() {
					Some((order_id, solver)) => {
						Filled::<T>::remove(order_id);
						DestinationOrders::<T>::insert(order_id, DestinationStatus::Filled { solver });
						last = Some(order_id);
					},
					None => {
						StorageVersion::new(3).put::<Pallet<T>>();
						return Ok(None);
					},
				}
			}
			Ok(last)
		}
	}
}
