//! Which `pallet-assets` assets the pool holds, and what keeps their holdings safe.
//!
//! * **Allowed by governance** ([`crate::Call::allow_asset`]): only allowed assets can be
//!   shielded. An asset anyone created would let its creator shield and then act on the pool.
//! * **Guarded**: an allowed asset's owner, admin and freezer are the pool account, which has no
//!   key. Nobody can burn or freeze the pool's holdings, or hand those roles on.
//! * **Not destroyed while shielded** ([`AssetGuard`], the runtime's `pallet-assets` `Freezer`
//!   and `CallbackHandle`): an asset with shielded value reports a freeze, so even a forced
//!   `start_destroy` fails; a destroyed asset leaves the allowed set, so an id re-created later
//!   is a new asset that governance must allow again, and inherits no notes.

use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{ensure, traits::fungibles},
	pallet_assets::{AssetsCallback, FrozenBalance},
	sp_runtime::{traits::Zero, DispatchResult},
};

use crate::{AllowedAssets, Asset, BalanceOf, Config, Error, Event, Pallet, TotalShielded};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_allow_asset(asset: T::AssetId) -> DispatchResult {
		ensure!(<T::Assets as fungibles::Inspect<_>>::asset_exists(asset), Error::<T>::UnknownAsset);
		let pool = Self::account_id();
		let guarded = |role: Option<T::AccountId>| role.as_ref() == Some(&pool);
		type Roles<T> = <T as Config>::Assets;
		ensure!(
			guarded(<Roles<T> as fungibles::roles::Inspect<_>>::owner(asset)) &&
				guarded(<Roles<T> as fungibles::roles::Inspect<_>>::admin(asset)) &&
				guarded(<Roles<T> as fungibles::roles::Inspect<_>>::freezer(asset)),
			Error::<T>::AssetNotGuarded
		);
		AllowedAssets::<T>::insert(asset, ());
		Self::deposit_event(Event::AssetAllowed { asset });
		Ok(())
	}

	/// Whether value of `asset` is shielded.
	pub fn holds(asset: T::AssetId) -> bool {
		!TotalShielded::<T>::get(Asset::Fungible(asset)).is_zero()
	}
}

/// `pallet-assets` hooks of the pool: refuse the destruction of an asset with shielded value,
/// forget a destroyed asset. Set it as `pallet_assets::Config::Freezer` and `CallbackHandle`.
pub struct AssetGuard<T>(PhantomData<T>);

impl<T: Config> FrozenBalance<T::AssetId, T::AccountId, BalanceOf<T>> for AssetGuard<T> {
	/// Nothing is frozen for transfers: the pool pays out from its holdings.
	fn frozen_balance(_: T::AssetId, _: &T::AccountId) -> Option<BalanceOf<T>> {
		None
	}

	fn died(_: T::AssetId, _: &T::AccountId) {}

	/// `pallet-assets` refuses `start_destroy` (even forced) while this is true.
	fn contains_freezes(asset: T::AssetId) -> bool {
		Pallet::<T>::holds(asset)
	}
}

impl<T: Config> AssetsCallback<T::AssetId, T::AccountId> for AssetGuard<T> {
	fn destroyed(asset: &T::AssetId) -> Result<(), ()> {
		if Pallet::<T>::holds(*asset) {
			return Err(());
		}
		if AllowedAssets::<T>::take(asset).is_some() {
			Pallet::<T>::deposit_event(Event::AssetForgotten { asset: *asset });
		}
		Ok(())
	}
}
