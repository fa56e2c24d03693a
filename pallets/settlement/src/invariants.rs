//! The pallet's invariants, checked by `try_state` (and at the end of every test): escrow, open
//! and closed orders, ISMs and the order references to them, kept messages, announcements, native
//! routes and attestations.

use crate::{
	message, BalanceOf, ClosedOrders, Config, DispatchedMessages, EscrowTotal, HoldReason, IsmOrderRefs, Isms, LocalDomain,
	Orders, OutboundTree, Pallet, StorageLocations,
};
use polkadot_sdk::{frame_support, sp_runtime};

impl<T: Config> Pallet<T> {
	/// The invariants: every held escrow belongs to an open order and sums to [`EscrowTotal`];
	/// an order is open or closed, never both; every stored ISM is valid.
	#[cfg(any(test, feature = "std", feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::InspectHold;
		use sp_runtime::traits::{CheckedAdd, Zero};

		let mut total = BalanceOf::<T>::zero();
		let mut per_user = alloc::collections::BTreeMap::<T::AccountId, BalanceOf<T>>::new();
		for (id, record) in Orders::<T>::iter() {
			frame_support::ensure!(!ClosedOrders::<T>::contains_key(id), "an order is both open and closed");
			frame_support::ensure!(record.data.id() == id, "an order is stored under another id");
			total = total.checked_add(&record.input).ok_or("escrow overflows")?;
			let user = per_user.entry(record.user.clone()).or_insert_with(Zero::zero);
			*user = user.checked_add(&record.input).ok_or("escrow overflows")?;
		}
		frame_support::ensure!(total == EscrowTotal::<T>::get(), "EscrowTotal is not the sum of open orders");
		frame_support::ensure!(LocalDomain::<T>::get() != 0, "genesis set no local domain");
		let reason = T::RuntimeHoldReason::from(HoldReason::IntentEscrow);
		for (user, held) in per_user {
			frame_support::ensure!(
				T::Currency::balance_on_hold(&reason, &user) == held,
				"a user's escrow hold differs from their open orders"
			);
		}
		for (id, ism) in Isms::<T>::iter() {
			ism.validate(id).map_err(|_| "a stored ISM is invalid")?;
		}
		let (registry, _) = crate::isms::independence::Registry::<T>::load().map_err(|_| "more ISMs than MaxIsms")?;
		registry.ensure_all_independent().map_err(|_| "two modules of an aggregation share a validator")?;
		let refs = Self::expected_order_refs().map_err(|_| "an open order's ISM closure cannot be walked")?;
		frame_support::ensure!(
			IsmOrderRefs::<T>::iter().collect::<alloc::collections::BTreeMap<_, _>>() == refs,
			"IsmOrderRefs does not count the open orders relying on each ISM"
		);
		for id in refs.keys() {
			frame_support::ensure!(Isms::<T>::contains_key(id), "an open order's ISM is missing");
		}
		let count = OutboundTree::<T>::get().count;
		for (index, bytes) in DispatchedMessages::<T>::iter() {
			let message = message::Message::from_bytes(&bytes).map_err(|_| "a kept message is shorter than its header")?;
			frame_support::ensure!(index < count && message.nonce == index, "a kept message is not at its nonce");
		}
		for (_, locations) in StorageLocations::<T>::iter() {
			for (i, location) in locations.iter().enumerate() {
				frame_support::ensure!(
					!location.is_empty() && core::str::from_utf8(location).is_ok(),
					"an announced location is empty or not UTF-8"
				);
				frame_support::ensure!(!locations.iter().skip(i + 1).any(|l| l == location), "a location is announced twice");
			}
		}
		// Native routes: one parachain per domain and one domain per parachain, both maps alike,
		// never this chain's own domain; no attestation of a delivered message is kept.
		let mut routed = 0usize;
		for (domain, route) in crate::NativeRoutes::<T>::iter() {
			routed = routed.saturating_add(1);
			frame_support::ensure!(domain != LocalDomain::<T>::get(), "a native route for this chain's own domain");
			frame_support::ensure!(
				crate::NativeSources::<T>::get(route.para) == Some(domain),
				"a native route without its source (or a parachain routed for two domains)"
			);
		}
		frame_support::ensure!(
			crate::NativeSources::<T>::iter().count() == routed,
			"a native source without its route"
		);
		for (id, _) in crate::NativeAttested::<T>::iter() {
			frame_support::ensure!(!crate::Delivered::<T>::contains_key(id), "an attestation of a delivered message is kept");
		}
		Ok(())
	}
}
