//! Moving the funds of an applied transaction: the pool's accounting, the shield payment, the
//! unshield payout and the fee. Also the dry run of the same, with which the transaction pool
//! refuses an unsigned transaction that would fail at dispatch (and so be included for free).

use polkadot_sdk::{
	frame_support::{
		storage::{with_transaction, TransactionOutcome},
		traits::{
			fungible::{Inspect as _, Mutate as _},
			fungibles::{Inspect as _, Mutate as _},
			tokens::{Fortitude, Precision, Preservation},
		},
	},
	frame_system,
	sp_runtime::{
		traits::{CheckedAdd, CheckedSub, Zero},
		DispatchError,
	},
};

use crate::{Asset, BalanceOf, BlockAuthor, Config, Error, Event, Nullifiers, Pallet, TotalShielded, Transaction};

/// Who submitted a transaction.
#[derive(Clone, Copy, Debug)]
pub enum Payer<'a, AccountId> {
	/// A signed account: it pays a shield, and the fee goes to the relayer the proof names, or
	/// to the block author.
	Signed(&'a AccountId),
	/// Nobody: the proof alone authorises a transfer or unshield. The fee, the spam bound, goes
	/// to the block author, or is burned when the author is unknown (as in transaction-pool
	/// validation), never to an account the sender picks.
	Unsigned,
}

impl<T: Config> Pallet<T> {
	/// Move the funds, spend the nullifiers, record the notes. Every other check has passed.
	/// Returns whether the notes are the block's first (see [`Pallet::record_notes`]).
	pub(crate) fn apply(tx: &Transaction<T>, payer: Payer<'_, T::AccountId>) -> Result<bool, DispatchError> {
		let fee_recipient = Self::move_funds(tx, payer)?;
		let now = frame_system::Pallet::<T>::block_number();
		for nullifier in &tx.nullifiers {
			Nullifiers::<T>::insert(nullifier, now);
		}
		let opens_block = Self::record_notes(&tx.commitments, &tx.ext_data.encrypted_notes)?;
		Self::deposit_event(Event::Transacted {
			nullifiers: tx.nullifiers,
			anchor: tx.root,
			asset: tx.asset,
			ext_amount: tx.ext_amount,
			fee: tx.ext_data.fee,
			fee_recipient,
			recipient: tx.ext_data.recipient.clone(),
		});
		Ok(opens_block)
	}

	/// Run the payouts of an unsigned transaction in a storage layer that is always rolled back:
	/// whatever `apply` could fail on in moving funds fails here, with the same error.
	pub(crate) fn dry_run_payouts(tx: &Transaction<T>) -> Result<(), Error<T>> {
		with_transaction(|| -> TransactionOutcome<Result<Result<(), Error<T>>, DispatchError>> {
			TransactionOutcome::Rollback(Ok(Self::move_funds(tx, Payer::Unsigned).map(|_| ())))
		})
		// The outer error is the storage layer's nesting limit, which validation never reaches.
		.unwrap_or(Err(Error::<T>::PayoutFailed))
	}

	/// The accounting and every transfer of `tx`; returns who received the fee (`None`: no fee,
	/// or an unsigned fee burned).
	fn move_funds(tx: &Transaction<T>, payer: Payer<'_, T::AccountId>) -> Result<Option<T::AccountId>, Error<T>> {
		let pool = Self::account_id();
		let fee = tx.ext_data.fee;
		let amount: BalanceOf<T> = tx.ext_amount.unsigned_abs().try_into().map_err(|_| Error::<T>::AmountOutOfRange)?;

		// Accounting first, so that the pool can never pay out more than was shielded.
		let (inflow, outflow) = if tx.ext_amount >= 0 {
			(amount, fee)
		} else {
			(Zero::zero(), amount.checked_add(&fee).ok_or(Error::<T>::Overflow)?)
		};
		let total = TotalShielded::<T>::get(tx.asset)
			.checked_add(&inflow)
			.ok_or(Error::<T>::Overflow)?
			.checked_sub(&outflow)
			.ok_or(Error::<T>::PoolBalanceInsufficient)?;
		TotalShielded::<T>::insert(tx.asset, total);

		if tx.ext_amount > 0 {
			let Payer::Signed(payer) = payer else { return Err(Error::<T>::ShieldNeedsPayer) };
			Self::transfer(tx.asset, payer, &pool, amount, Preservation::Preserve)
				.map_err(|_| Error::<T>::InsufficientFunds)?;
		}
		let payout = if tx.ext_amount < 0 {
			Some((tx.ext_data.recipient.as_ref().ok_or(Error::<T>::RecipientMismatch)?, amount))
		} else {
			None
		};
		// The smaller payment first: on the last withdrawal of an asset the larger one then takes
		// the pool account to exactly zero, instead of leaving the smaller one alone in it below
		// the asset's minimum balance (a failed transfer).
		let fee_first = payout.is_none_or(|(_, amount)| fee <= amount);
		if !fee_first {
			if let Some((recipient, amount)) = payout {
				Self::pay_out(tx.asset, &pool, recipient, amount)?;
			}
		}
		let fee_recipient = Self::pay_fee(tx, payer, &pool)?;
		if fee_first {
			if let Some((recipient, amount)) = payout {
				Self::pay_out(tx.asset, &pool, recipient, amount)?;
			}
		}
		Ok(fee_recipient)
	}

	/// Pay the fee of `tx` from the pool; returns who received it (`None`: no fee, or an
	/// unsigned fee burned).
	fn pay_fee(tx: &Transaction<T>, payer: Payer<'_, T::AccountId>, pool: &T::AccountId) -> Result<Option<T::AccountId>, Error<T>> {
		let fee = tx.ext_data.fee;
		if fee.is_zero() {
			return Ok(None);
		}
		match payer {
			Payer::Signed(_) => {
				let to = tx.ext_data.relayer.clone().or_else(T::BlockAuthor::block_author).ok_or(Error::<T>::NoFeeRecipient)?;
				Self::pay_out(tx.asset, pool, &to, fee)?;
				Ok(Some(to))
			},
			Payer::Unsigned => {
				if tx.ext_data.relayer.is_some() {
					return Err(Error::<T>::UnsignedRelayer);
				}
				if let Some(author) = T::BlockAuthor::block_author() {
					// Paid in its own layer: an author that cannot receive it (never the case
					// with MinUnsignedFee above the existential deposit) leaves no partial write.
					let paid = with_transaction(|| match Self::pay_out(tx.asset, pool, &author, fee) {
						Ok(()) => TransactionOutcome::Commit(Ok::<_, DispatchError>(true)),
						Err(_) => TransactionOutcome::Rollback(Ok(false)),
					});
					if paid == Ok(true) {
						return Ok(Some(author));
					}
				}
				Self::burn(tx.asset, pool, fee)?;
				Ok(None)
			},
		}
	}

	/// Pay from the pool. The native pool account keeps its existential deposit; an asset
	/// pool account may be emptied exactly, never left below the asset's minimum.
	fn pay_out(asset: Asset<T::AssetId>, pool: &T::AccountId, to: &T::AccountId, amount: BalanceOf<T>) -> Result<(), Error<T>> {
		let preservation = Self::pool_preservation(asset, pool, amount)?;
		Self::transfer(asset, pool, to, amount, preservation).map(|_| ()).map_err(|_| Error::<T>::PayoutFailed)
	}

	/// Burn from the pool, with the same preservation as a payout.
	fn burn(asset: Asset<T::AssetId>, pool: &T::AccountId, amount: BalanceOf<T>) -> Result<(), Error<T>> {
		let preservation = Self::pool_preservation(asset, pool, amount)?;
		let (precision, force) = (Precision::Exact, Fortitude::Polite);
		match Self::ledger(asset)? {
			Ledger::Native => T::NativeCurrency::burn_from(pool, amount, preservation, precision, force),
			Ledger::Local(id) => T::Assets::burn_from(id, pool, amount, preservation, precision, force),
			Ledger::Foreign(id) => T::ForeignAssets::burn_from(id, pool, amount, preservation, precision, force),
		}
		.map(|_| ())
		.map_err(|_| Error::<T>::PayoutFailed)
	}

	fn pool_preservation(asset: Asset<T::AssetId>, pool: &T::AccountId, amount: BalanceOf<T>) -> Result<Preservation, Error<T>> {
		Ok(match asset {
			Asset::Native => Preservation::Preserve,
			_ if Self::balance_of(asset, pool)? == amount => Preservation::Expendable,
			_ => Preservation::Preserve,
		})
	}

	fn transfer(
		asset: Asset<T::AssetId>,
		from: &T::AccountId,
		to: &T::AccountId,
		amount: BalanceOf<T>,
		preservation: Preservation,
	) -> Result<BalanceOf<T>, DispatchError> {
		match Self::ledger(asset)? {
			Ledger::Native => T::NativeCurrency::transfer(from, to, amount, preservation),
			Ledger::Local(id) => T::Assets::transfer(id, from, to, amount, preservation),
			Ledger::Foreign(id) => T::ForeignAssets::transfer(id, from, to, amount, preservation),
		}
	}

	/// What `who` holds of `asset`.
	pub(crate) fn balance_of(asset: Asset<T::AssetId>, who: &T::AccountId) -> Result<BalanceOf<T>, Error<T>> {
		Ok(match Self::ledger(asset)? {
			Ledger::Native => T::NativeCurrency::balance(who),
			Ledger::Local(id) => T::Assets::balance(id, who),
			Ledger::Foreign(id) => T::ForeignAssets::balance(id, who),
		})
	}

	/// Where the balances of `asset` live; a foreign asset by its registered location.
	fn ledger(asset: Asset<T::AssetId>) -> Result<Ledger<T>, Error<T>> {
		Ok(match asset {
			Asset::Native => Ledger::Native,
			Asset::Fungible(id) => Ledger::Local(id),
			Asset::Foreign(index) => Ledger::Foreign(Self::foreign_asset(index)?.id),
		})
	}
}

/// The pallet an asset's balances live in.
enum Ledger<T: Config> {
	Native,
	Local(T::AssetId),
	Foreign(T::ForeignAssetId),
}
