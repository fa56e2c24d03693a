//! Batches: several transactions from one relayer, their proofs checked together with the batch
//! verifier (`n + 3` Miller loops and one final exponentiation for `n` proofs).
//!
//! A batch waits in the transaction pool, in plain view, for a block. Its transactions are
//! valid on their own, so anyone can take one out and get it applied first: a griefer (paying
//! its own transaction fee), or the transaction's sender retrying elsewhere. If that failed the
//! whole batch, one cheap transaction would cost the relayer a full batch's weight and delay
//! every other payment in it. So a transaction whose notes were spent before the batch is
//! skipped, and the batch is charged for the work it did. Everything else stays all or nothing:
//! a bad proof, an unknown root, or two transactions of the batch spending one note (the
//! relayer's own assembly) fail the whole batch.

use alloc::vec::Vec;
use polkadot_sdk::frame_support::{ensure, traits::Get, weights::Weight, BoundedVec};
use zk_verifier::{public_inputs::TRANSFER_INPUTS, Proof, Scalar};

use crate::{Config, Error, Event, Pallet, Payer, Transaction};

impl<T: Config> Pallet<T> {
	/// [`crate::Call::transact_batch`] for the relayer `who`; returns the weight of the work done.
	pub(crate) fn do_transact_batch(
		who: &T::AccountId,
		txs: &BoundedVec<Transaction<T>, T::MaxBatchSize>,
	) -> Result<Weight, polkadot_sdk::sp_runtime::DispatchError> {
		// One key version per batch: the weight pays for one key preparation and one batched
		// pairing check, so a batch naming several versions would get the rest free.
		let version = txs.first().map(|tx| tx.key_version).ok_or(Error::<T>::EmptyBatch)?;
		ensure!(txs.iter().all(|tx| tx.key_version == version), Error::<T>::MixedKeyVersions);
		// Decode and check everything before the pairing work; set aside what is spent.
		let mut kept: Vec<&Transaction<T>> = Vec::with_capacity(txs.len());
		let mut skipped: Vec<u32> = Vec::new();
		let mut items: Vec<(Proof, [Scalar; TRANSFER_INPUTS])> = Vec::with_capacity(txs.len());
		for (index, tx) in txs.iter().enumerate() {
			if tx.nullifiers.iter().any(Self::is_spent) {
				skipped.push(u32::try_from(index).unwrap_or(u32::MAX));
				continue;
			}
			let inputs = Self::check_transaction(tx)?;
			items.push((Self::decode_proof(tx)?, inputs));
			kept.push(tx);
		}
		if !items.is_empty() {
			let key = Self::prepared_key(version)?;
			let refs: Vec<(&Proof, &[Scalar])> = items.iter().map(|(p, i)| (p, &i[..])).collect();
			zk_verifier::verify_batch(&key, &refs).map_err(Self::zk_error)?;
		}
		// Apply in order; the state checks repeat here, so nullifiers shared between transactions
		// of the batch are caught, and any failure reverts the whole call.
		let mut opens_block = false;
		for tx in &kept {
			Self::check_state(tx)?;
			opens_block |= Self::apply(tx, Payer::Signed(who))?;
		}
		let applied = u32::try_from(kept.len()).unwrap_or(u32::MAX);
		let skips = u64::try_from(skipped.len()).unwrap_or(u64::MAX);
		if !skipped.is_empty() {
			Self::deposit_event(Event::TransactionsSkipped { indices: BoundedVec::truncate_from(skipped) });
		}
		Ok(Self::batch_weight(applied)
			.saturating_add(if applied > 0 { Self::tree_weight(applied, opens_block) } else { Weight::zero() })
			// The nullifier reads that found each skipped transaction spent.
			.saturating_add(T::DbWeight::get().reads(skips.saturating_mul(2))))
	}
}
