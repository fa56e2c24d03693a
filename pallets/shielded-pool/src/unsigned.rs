//! The policy for unsigned transactions and how the transaction pool sees them: which may go
//! unsigned, their priority, and the custom validity codes of a refusal ([`crate::validity`]).

use polkadot_sdk::sp_runtime::{
	traits::{UniqueSaturatedInto, Zero},
	transaction_validity::{InvalidTransaction, TransactionPriority, TransactionValidityError},
};

use crate::{Asset, Config, Error, Pallet, Transaction};
use codec::Encode;
use polkadot_sdk::frame_support::traits::Get;

impl<T: Config> Pallet<T> {
	/// What may go unsigned: a transfer or unshield of the native token, paying at least
	/// [`Config::MinUnsignedFee`], naming no relayer (the fee goes to the block author or is
	/// burned). A shield needs a signed payer.
	pub(crate) fn check_unsigned_policy(tx: &Transaction<T>) -> Result<(), Error<T>> {
		if tx.ext_amount > 0 {
			return Err(Error::<T>::ShieldNeedsPayer);
		}
		if tx.asset != Asset::Native {
			return Err(Error::<T>::UnsignedNonNativeAsset);
		}
		if tx.ext_data.fee < T::MinUnsignedFee::get() {
			return Err(Error::<T>::UnsignedFeeTooLow);
		}
		if tx.ext_data.relayer.is_some() {
			return Err(Error::<T>::UnsignedRelayer);
		}
		Ok(())
	}

	/// Whether `stamp` is a work stamp of at least [`Config::UnsignedStampBits`] for `tx`: two
	/// hashes, whatever the bits (so the benchmark measures what a refusal costs).
	pub(crate) fn check_stamp(tx: &Transaction<T>, stamp: u64) -> Result<(), Error<T>> {
		let seed = tx.using_encoded(zk_verifier::stamp::seed);
		if zk_verifier::stamp::work(&seed, stamp) < T::UnsignedStampBits::get() {
			return Err(Error::<T>::InsufficientStamp);
		}
		Ok(())
	}

	/// The pool priority of an unsigned transaction: [`Config::UnsignedPriority`] for each
	/// [`Config::MinUnsignedFee`] its fee pays, so that it competes on what it pays.
	pub(crate) fn unsigned_priority(tx: &Transaction<T>) -> TransactionPriority {
		let min = T::MinUnsignedFee::get();
		if min.is_zero() {
			return 0;
		}
		let units: u64 = (tx.ext_data.fee / min).unique_saturated_into();
		units.saturating_mul(T::UnsignedPriority::get())
	}

	/// The refusal the transaction pool gives for `error`.
	pub(crate) fn invalid(error: Error<T>) -> TransactionValidityError {
		let code = match error {
			Error::<T>::ShieldNeedsPayer |
			Error::<T>::UnsignedNonNativeAsset |
			Error::<T>::UnsignedFeeTooLow |
			Error::<T>::UnsignedRelayer => validity::POLICY,
			Error::<T>::UnknownRoot => validity::UNKNOWN_ROOT,
			Error::<T>::NullifierAlreadySpent => validity::NULLIFIER_SPENT,
			Error::<T>::InvalidProof => validity::INVALID_PROOF,
			Error::<T>::MalformedProof => validity::MALFORMED_PROOF,
			Error::<T>::UnknownVerifyingKey => validity::UNKNOWN_KEY,
			Error::<T>::InsufficientStamp => validity::STAMP,
			Error::<T>::PayoutFailed |
			Error::<T>::NoFeeRecipient |
			Error::<T>::PoolBalanceInsufficient |
			Error::<T>::InsufficientFunds => validity::PAYOUT_FAILED,
			_ => validity::OTHER,
		};
		InvalidTransaction::Custom(code).into()
	}
}

/// Custom codes of `InvalidTransaction::Custom` with which the transaction pool refuses an
/// unsigned shielded transaction. Wallets map them to their own errors; a code never changes
/// meaning.
pub mod validity {
	/// Outside the unsigned policy: not the native token, a shield, a fee below
	/// `MinUnsignedFee`, or a relayer named.
	pub const POLICY: u8 = 0;
	/// The root is neither current nor recent.
	pub const UNKNOWN_ROOT: u8 = 1;
	/// A nullifier was spent already.
	pub const NULLIFIER_SPENT: u8 = 2;
	/// The proof does not verify.
	pub const INVALID_PROOF: u8 = 3;
	/// The proof bytes do not decode.
	pub const MALFORMED_PROOF: u8 = 4;
	/// No verifying key has the transaction's version.
	pub const UNKNOWN_KEY: u8 = 5;
	/// Any other check of the transaction failed.
	pub const OTHER: u8 = 6;
	/// The payout or the fee could not be paid (for example an amount below the existential
	/// deposit to a new account), so dispatch would fail.
	pub const PAYOUT_FAILED: u8 = 7;
	/// The work stamp has too few leading zero bits for the transaction's bytes; checked after
	/// the state and before the proof.
	pub const STAMP: u8 = 8;
}
