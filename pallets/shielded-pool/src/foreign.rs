//! Foreign assets: assets that live on another chain (the relay chain's token, Asset Hub's USDT
//! and USDC) and arrive here over XCM as reserve-backed derivatives in a `pallet-assets`
//! instance keyed by location.
//!
//! * **Registered by governance** ([`crate::Call::allow_foreign_asset`]) under an index that notes
//!   carry ([`Asset::Foreign`]); the same guard as for local assets applies: the asset's owner,
//!   admin and freezer are the keyless pool account, and an asset with shielded value cannot be
//!   destroyed ([`ForeignAssetGuard`]). A destroyed asset's index is retired, so a location
//!   registered again later is a new asset for notes.
//! * **Leaving to the reserve** ([`crate::Call::transact_to_reserve`]): an unshield whose recipient
//!   is the *outbox* of a beneficiary on the reserve chain, an account derived from the
//!   beneficiary's bytes that nobody holds a key for. The proof binds the recipient through
//!   `ext_data_hash`, so it binds the beneficiary; the call then hands the outbox's funds to
//!   [`Config::ReserveTransfer`], which burns them here and sends the reserve an XCM that
//!   releases them to the beneficiary. The funds never rest in a public account of this chain.

use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungibles, Get},
		weights::Weight,
		Parameter,
	},
	pallet_assets::{AssetsCallback, FrozenBalance},
	sp_io::hashing::blake2_256,
	sp_runtime::{
		traits::{TrailingZeroInput, Zero},
		DispatchError, DispatchResult,
	},
};

use crate::{
	Asset, BalanceOf, Config, Error, Event, ForeignAssetIndex, ForeignAssetInfo, ForeignAssetRegistry, NextForeignAssetIndex,
	Pallet, TotalShielded, Transaction,
};

/// Why a transfer to the reserve would not arrive: refused before any note is spent, because
/// once the message leaves, what the reserve cannot deposit is trapped there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undeliverable {
	/// The asset has no reserve this chain reaches.
	NoReserve,
	/// Less than the reserve needs: its existential deposit for the beneficiary plus what its
	/// execution takes from the amount.
	BelowMinimum,
	/// The reserve cannot turn the beneficiary into an account there.
	UnmappableBeneficiary,
}

/// How an unshielded foreign asset reaches its reserve chain. The runtime implements it over
/// `pallet-xcm` (a reserve-withdraw to the asset's reserve); `()` supports no asset.
pub trait ReserveTransfer<AccountId, AssetId, Balance> {
	/// Who receives the asset on the reserve chain (an XCM location relative to it).
	type Beneficiary: Parameter + DecodeWithMemTracking;

	/// Whether `amount` of `asset` sent to `beneficiary` would be deposited on the reserve:
	/// the reserve is reachable, maps the beneficiary to an account, and keeps the amount after
	/// its fee (at least its existential deposit). Checked before the proof and the spend.
	fn ensure_deliverable(asset: &AssetId, amount: Balance, beneficiary: &Self::Beneficiary) -> Result<(), Undeliverable>;

	/// Send `amount` of `asset`, held by `from`, to `beneficiary` on the asset's reserve chain,
	/// `payer` paying the message's delivery (in the runtime: ZKS, at the price of the route to
	/// the reserve; `from` is a keyless outbox that holds nothing else). Fails, changing
	/// nothing, when the asset has no reachable reserve, `payer` cannot pay, or the transfer
	/// fails.
	fn transfer(
		payer: &AccountId,
		from: &AccountId,
		asset: &AssetId,
		amount: Balance,
		beneficiary: &Self::Beneficiary,
	) -> DispatchResult;

	/// The most [`ReserveTransfer::transfer`] weighs.
	fn weight() -> Weight;

	/// Assert the configuration is coherent (the pool's `integrity_test` calls it): for example
	/// that each reserve is another chain this one can address.
	fn integrity_test() {}
}

impl<AccountId, AssetId, Balance> ReserveTransfer<AccountId, AssetId, Balance> for () {
	type Beneficiary = ();

	fn ensure_deliverable(_: &AssetId, _: Balance, _: &()) -> Result<(), Undeliverable> {
		Err(Undeliverable::NoReserve)
	}

	fn transfer(_: &AccountId, _: &AccountId, _: &AssetId, _: Balance, _: &()) -> DispatchResult {
		Err(DispatchError::Other("no reserve transfers"))
	}

	fn weight() -> Weight {
		Weight::zero()
	}
}

/// The beneficiary type of the runtime's [`ReserveTransfer`].
pub type BeneficiaryOf<T> = <<T as Config>::ReserveTransfer as ReserveTransfer<
	<T as polkadot_sdk::frame_system::Config>::AccountId,
	<T as Config>::ForeignAssetId,
	BalanceOf<T>,
>>::Beneficiary;

/// Domain of the outbox derivation (see [`Pallet::reserve_outbox`]).
const OUTBOX_DOMAIN: &[u8] = b"zksettle/shielded-pool/reserve-outbox";

impl<T: Config> Pallet<T> {
	pub(crate) fn do_allow_foreign_asset(asset: T::ForeignAssetId) -> DispatchResult {
		ensure!(<T::ForeignAssets as fungibles::Inspect<_>>::asset_exists(asset.clone()), Error::<T>::UnknownAsset);
		ensure!(Self::foreign_roles_guarded(&asset), Error::<T>::AssetNotGuarded);
		let index = match ForeignAssetIndex::<T>::get(&asset) {
			Some(index) => {
				let info = ForeignAssetRegistry::<T>::get(index).ok_or(Error::<T>::UnknownAsset)?;
				ensure!(!info.allowed, Error::<T>::ForeignAssetRegistered);
				index
			},
			None => {
				let index = NextForeignAssetIndex::<T>::get();
				ensure!(index < T::MaxForeignAssets::get(), Error::<T>::TooManyForeignAssets);
				NextForeignAssetIndex::<T>::put(index.checked_add(1).ok_or(Error::<T>::Overflow)?);
				ForeignAssetIndex::<T>::insert(&asset, index);
				index
			},
		};
		ForeignAssetRegistry::<T>::insert(index, ForeignAssetInfo { id: asset.clone(), allowed: true });
		Self::deposit_event(Event::ForeignAssetAllowed { index, asset });
		Ok(())
	}

	pub(crate) fn do_disallow_foreign_asset(asset: T::ForeignAssetId) -> DispatchResult {
		let index = ForeignAssetIndex::<T>::get(&asset).ok_or(Error::<T>::AssetNotAllowed)?;
		ForeignAssetRegistry::<T>::try_mutate(index, |info| match info {
			Some(info) if info.allowed => {
				info.allowed = false;
				Ok(())
			},
			_ => Err(Error::<T>::AssetNotAllowed),
		})?;
		Self::deposit_event(Event::ForeignAssetDisallowed { index, asset });
		Ok(())
	}

	/// Whether every role of the foreign asset is the pool account's. Unlike a local asset's,
	/// the issuer too: whoever could mint a foreign asset here could mint it unbacked, unshield it
	/// to the reserve, and be paid there out of what backs everyone else's.
	pub(crate) fn foreign_roles_guarded(asset: &T::ForeignAssetId) -> bool {
		use fungibles::roles::Inspect;
		let pool = Self::account_id();
		let guarded = |role: Option<T::AccountId>| role.as_ref() == Some(&pool);
		guarded(T::ForeignAssets::owner(asset.clone())) &&
			guarded(T::ForeignAssets::issuer(asset.clone())) &&
			guarded(T::ForeignAssets::admin(asset.clone())) &&
			guarded(T::ForeignAssets::freezer(asset.clone()))
	}

	/// The foreign asset registered under `index`.
	pub(crate) fn foreign_asset(index: u32) -> Result<ForeignAssetInfo<T::ForeignAssetId>, Error<T>> {
		ForeignAssetRegistry::<T>::get(index).ok_or(Error::<T>::UnknownAsset)
	}

	/// Whether value of the foreign asset `asset` is shielded.
	pub fn holds_foreign(asset: &T::ForeignAssetId) -> bool {
		ForeignAssetIndex::<T>::get(asset).is_some_and(|index| !TotalShielded::<T>::get(Asset::Foreign(index)).is_zero())
	}

	/// The outbox of `beneficiary`: the account an unshield to the reserve pays, and from which
	/// the funds leave in the same call. Derived from a hash of the beneficiary's encoding (with
	/// its own domain), so nobody holds its key and each beneficiary has its own. A wallet
	/// computes it to make the proof.
	pub fn reserve_outbox(beneficiary: &BeneficiaryOf<T>) -> Result<T::AccountId, Error<T>> {
		let hash = blake2_256(&(OUTBOX_DOMAIN, beneficiary).encode());
		T::AccountId::decode(&mut TrailingZeroInput::new(&hash)).map_err(|_| Error::<T>::OutboxMismatch)
	}

	/// What [`crate::Call::transact_to_reserve`] checks before the proof: an unshield of a
	/// foreign asset to the beneficiary's outbox. Returns the asset and the amount that leaves.
	pub(crate) fn check_reserve_unshield(
		tx: &Transaction<T>,
		beneficiary: &BeneficiaryOf<T>,
	) -> Result<(T::ForeignAssetId, BalanceOf<T>), Error<T>> {
		let Asset::Foreign(index) = tx.asset else { return Err(Error::<T>::NotAForeignUnshield) };
		ensure!(tx.ext_amount < 0, Error::<T>::NotAForeignUnshield);
		let outbox = Self::reserve_outbox(beneficiary)?;
		ensure!(tx.ext_data.recipient.as_ref() == Some(&outbox), Error::<T>::OutboxMismatch);
		let amount = tx.ext_amount.unsigned_abs().try_into().map_err(|_| Error::<T>::AmountOutOfRange)?;
		let asset = Self::foreign_asset(index)?.id;
		T::ReserveTransfer::ensure_deliverable(&asset, amount, beneficiary).map_err(|refusal| match refusal {
			Undeliverable::NoReserve => Error::<T>::ReserveTransferFailed,
			Undeliverable::BelowMinimum => Error::<T>::BelowReserveMinimum,
			Undeliverable::UnmappableBeneficiary => Error::<T>::UnmappableBeneficiary,
		})?;
		Ok((asset, amount))
	}

	/// Hand what the unshield paid the outbox to the reserve transfer.
	pub(crate) fn send_to_reserve(
		payer: &T::AccountId,
		tx: &Transaction<T>,
		asset: T::ForeignAssetId,
		amount: BalanceOf<T>,
		beneficiary: BeneficiaryOf<T>,
	) -> DispatchResult {
		let outbox = tx.ext_data.recipient.as_ref().ok_or(Error::<T>::OutboxMismatch)?;
		T::ReserveTransfer::transfer(payer, outbox, &asset, amount, &beneficiary)
			.map_err(|_| Error::<T>::ReserveTransferFailed)?;
		Self::deposit_event(Event::SentToReserve { asset, amount, beneficiary });
		Ok(())
	}
}

/// `pallet-assets` hooks of the pool for the foreign-assets instance: refuse the destruction of
/// an asset with shielded value, retire a destroyed asset's index. Set it as that instance's
/// `Freezer` and `CallbackHandle`.
pub struct ForeignAssetGuard<T>(PhantomData<T>);

impl<T: Config> FrozenBalance<T::ForeignAssetId, T::AccountId, BalanceOf<T>> for ForeignAssetGuard<T> {
	/// Nothing is frozen for transfers: the pool pays out from its holdings.
	fn frozen_balance(_: T::ForeignAssetId, _: &T::AccountId) -> Option<BalanceOf<T>> {
		None
	}

	fn died(_: T::ForeignAssetId, _: &T::AccountId) {}

	/// `pallet-assets` refuses `start_destroy` (even forced) while this is true.
	fn contains_freezes(asset: T::ForeignAssetId) -> bool {
		Pallet::<T>::holds_foreign(&asset)
	}
}

impl<T: Config> AssetsCallback<T::ForeignAssetId, T::AccountId> for ForeignAssetGuard<T> {
	fn destroyed(asset: &T::ForeignAssetId) -> Result<(), ()> {
		if Pallet::<T>::holds_foreign(asset) {
			return Err(());
		}
		if let Some(index) = ForeignAssetIndex::<T>::take(asset) {
			ForeignAssetRegistry::<T>::remove(index);
			// Zero (checked above): the books of a retired index close with it.
			TotalShielded::<T>::remove(Asset::Foreign(index));
			Pallet::<T>::deposit_event(Event::ForeignAssetForgotten { index, asset: asset.clone() });
		}
		Ok(())
	}
}
