//! What a spend will do, shown before it is done: how many transactions (the merges a payment
//! spread over more than two notes needs, then the payment), what each pays in fees, and what
//! leaves the wallet. Proposed after a sync and before any proof, so that every check on the
//! wallet's own notes (enough value, in few enough notes) fails before seconds of proving, and
//! the user confirms fee-paying transactions knowing how many there are (as `zcash_client_backend`
//! proposes before it creates).
//!
//! While a confirmed spend runs, its long steps are reported as [`Step`]s.

use serde::Serialize;

use crate::{builder::AssetArg, chain::Chain, error::WalletError, wallet::Wallet};

/// A spend as it will be carried out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Proposal {
	/// The amount paid (sent or unshielded), in base units.
	pub amount: u128,
	/// The fee of each transaction.
	pub fee: u128,
	/// Merges before the payment (each a transaction paying `fee`).
	pub merges: usize,
	/// Transactions in all: the merges and the payment.
	pub transactions: usize,
	/// Fees in all: `fee` × `transactions`.
	pub fees: u128,
	/// What leaves the wallet's notes: `amount` + `fees`.
	pub total: u128,
}

/// A long step of a transaction being made, reported while it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
	/// Proving transaction `tx` of `of` (seconds).
	Proving {
		/// Which (1-based).
		tx: usize,
		/// Of how many.
		of: usize,
	},
	/// Searching the work stamp an unsigned transaction carries.
	Stamping {
		/// The stamp's difficulty, in bits.
		bits: u32,
	},
	/// Submitted; waiting until transaction `tx` of `of` is in a finalized block.
	Finalizing {
		/// Which (1-based).
		tx: usize,
		/// Of how many.
		of: usize,
	},
}

impl std::fmt::Display for Step {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Step::Proving { tx, of } => write!(f, "proving transaction {tx} of {of}"),
			Step::Stamping { bits } => write!(f, "searching the {bits}-bit work stamp of an unsigned transaction"),
			Step::Finalizing { tx, of } => write!(f, "transaction {tx} of {of} submitted, waiting for finality"),
		}
	}
}

impl Wallet {
	/// Sync, then say how a spend of `amount` of `asset` paying `fee` per transaction would be
	/// carried out; an error (before any proof) when the wallet's notes cannot pay it.
	pub async fn propose(&mut self, chain: &Chain, asset: AssetArg, amount: u64, fee: u128) -> Result<Proposal, WalletError> {
		self.sync(chain, |_, _| {}).await?;
		let overflow = || WalletError::Amount("the amount and its fees overflow".into());
		let needed = u128::from(amount).checked_add(fee).ok_or_else(overflow)?;
		let merges = self.state.merges_needed(asset.field_value(), needed, fee)?;
		Ok(Proposal::new(amount.into(), fee, merges).ok_or_else(overflow)?)
	}
}

impl Proposal {
	/// A payment of `amount` after `merges` merges, every transaction paying `fee`.
	pub fn new(amount: u128, fee: u128, merges: usize) -> Option<Self> {
		let transactions = merges.checked_add(1)?;
		let fees = fee.checked_mul(u128::try_from(transactions).ok()?)?;
		Some(Proposal { amount, fee, merges, transactions, fees, total: amount.checked_add(fees)? })
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_proposal_counts_every_transaction_and_its_fee() {
		let p = Proposal::new(25, 1, 2).unwrap();
		assert_eq!((p.transactions, p.fees, p.total), (3, 3, 28));
		assert_eq!(Proposal::new(u128::MAX, 1, 0), None);
		assert_eq!(Step::Proving { tx: 2, of: 3 }.to_string(), "proving transaction 2 of 3");
	}
}
