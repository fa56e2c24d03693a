//! The mailbox: `dispatch` (outbound, with the merkle tree hook) and `process` (inbound, verified
//! by an ISM from the registry), in the order and with the checks of Hyperlane's `Mailbox.sol`.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

use alloc::vec::Vec;
use frame_support::{dispatch::DispatchResult, ensure, traits::Get, weights::Weight, BoundedVec};
use polkadot_sdk::{frame_support, frame_system};

use crate::{
	checkpoint::Checkpoint,
	intents::SettlerMessage,
	isms::{
		aggregation::{self, AggregationError},
		metadata::{self, MetadataError},
		multisig::{self, MultisigError, Signature},
		registry::IsmReads,
		Domain, Ism, IsmId, ValidatorSet, MAX_ISM_DEPTH,
	},
	message::{Message, VERSION},
	work::Work,
	BalanceOf, Config, Delivered, DefaultIsm, DispatchedMessages, Error, Event, NativeAttested, OutboundTree, Pallet,
};
use polkadot_sdk::sp_runtime::{traits::Saturating, SaturatedConversion};

/// The most messages one [`Pallet::dispatched_messages`] query returns.
pub const MAX_MESSAGES_PER_QUERY: u32 = 256;

/// No recipient has the address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownRecipient;

/// A pallet that receives messages. The intent settler is built in; other recipients come
/// through `Config::Recipients`.
pub trait MessageRecipient {
	/// The ISM `recipient` requires, `None` for the default ISM. `Err` if no such recipient.
	fn ism(recipient: &[u8; 32]) -> Result<Option<IsmId>, UnknownRecipient>;
	/// Handle a verified message. An error undoes the whole delivery.
	fn handle(recipient: &[u8; 32], origin: Domain, sender: &[u8; 32], body: &[u8]) -> DispatchResult;
	/// The most weight `handle` takes (added to `process`'s weight).
	fn max_handle_weight() -> Weight;
}

/// No recipients besides the settler.
impl MessageRecipient for () {
	fn ism(_: &[u8; 32]) -> Result<Option<IsmId>, UnknownRecipient> {
		Err(UnknownRecipient)
	}
	fn handle(_: &[u8; 32], _: Domain, _: &[u8; 32], _: &[u8]) -> DispatchResult {
		Err(frame_support::pallet_prelude::DispatchError::Other("no recipients"))
	}
	fn max_handle_weight() -> Weight {
		Weight::zero()
	}
}

impl<T: Config> From<MetadataError> for Error<T> {
	fn from(e: MetadataError) -> Self {
		match e {
			MetadataError::TooShort => Error::MetadataTooShort,
			MetadataError::SignatureLength => Error::MalformedSignatures,
			MetadataError::IndexAfterCheckpoint => Error::IndexAfterCheckpoint,
		}
	}
}

impl<T: Config> From<MultisigError> for Error<T> {
	fn from(e: MultisigError) -> Self {
		match e {
			MultisigError::HighS => Error::HighS,
			MultisigError::InvalidV => Error::InvalidV,
			MultisigError::InvalidSignature => Error::InvalidSignature,
			MultisigError::UnexpectedSigner => Error::UnexpectedSigner,
			MultisigError::BelowThreshold => Error::BelowThreshold,
			MultisigError::InvalidThreshold => Error::InvalidThreshold,
		}
	}
}

impl<T: Config> From<AggregationError> for Error<T> {
	fn from(e: AggregationError) -> Self {
		match e {
			AggregationError::TableTooShort => Error::AggregationTableTooShort,
			AggregationError::RangeOutOfBounds => Error::AggregationRangeOutOfBounds,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Format, number and insert a message, and send it natively if its destination is routed
	/// so ([`crate::native`], the delivery paid by `payer`); returns its id.
	pub fn do_dispatch(
		sender: [u8; 32],
		destination: Domain,
		recipient: [u8; 32],
		body: Vec<u8>,
		payer: &T::AccountId,
	) -> Result<[u8; 32], Error<T>> {
		let mut tree = OutboundTree::<T>::get();
		let message =
			Message { version: VERSION, nonce: tree.count, origin: Self::local_domain()?, sender, destination, recipient, body };
		let id = message.id();
		let leaf_index = tree.insert(id).map_err(|_| Error::<T>::TreeFull)?;
		let root = tree.root();
		let bytes = message.to_bytes();
		let stored = BoundedVec::try_from(bytes.clone()).map_err(|_| Error::<T>::MessageTooLong)?;
		OutboundTree::<T>::put(tree);
		DispatchedMessages::<T>::insert(leaf_index, stored);
		Self::forward_native(destination, id, &bytes, payer)?;
		Self::deposit_event(Event::Dispatched { id, sender, destination, recipient, message: bytes, leaf_index, root });
		Ok(id)
	}

	/// What `dispatch` charges for a body of `len` bytes: [`Config::MessageByteFee`] for each
	/// byte kept, the 77-byte header included.
	pub fn message_fee(len: usize) -> BalanceOf<T> {
		let bytes = crate::message::HEADER_LEN.saturating_add(len);
		T::MessageByteFee::get().saturating_mul(bytes.saturated_into())
	}

	/// Up to `count` (at most [`MAX_MESSAGES_PER_QUERY`]) dispatched messages from leaf `start`,
	/// in order: what agents read instead of events, which the state of old blocks no longer has.
	pub fn dispatched_messages(start: u32, count: u32) -> Vec<Vec<u8>> {
		let end = start.saturating_add(count.min(MAX_MESSAGES_PER_QUERY));
		(start..end).map_while(|i| DispatchedMessages::<T>::get(i).map(|m| m.into_inner())).collect()
	}

	/// Verify and deliver `bytes`, counting in `work` what the weight is refunded to (also when
	/// it fails: a duplicate relay pays for one read, not for a full verification).
	pub fn do_process(metadata: &[u8], bytes: &[u8], work: &mut Work) -> Result<(), Error<T>> {
		let message = Message::from_bytes(bytes).map_err(|_| Error::<T>::MessageTooShort)?;
		ensure!(message.version == VERSION, Error::<T>::UnsupportedVersion);
		ensure!(message.destination == Self::local_domain()?, Error::<T>::WrongDestination);
		let id = message.id();
		ensure!(!Delivered::<T>::contains_key(id), Error::<T>::AlreadyDelivered);

		// The ISM: for a fill or a refund, the security level of its order; otherwise the
		// recipient's choice.
		let settler = message.recipient == Self::settler_address();
		let for_order = if settler { Some(Self::settler_message_for(&message)?) } else { None };
		let ism = match &for_order {
			Some((_, record)) => record.data.ism,
			None => match T::Recipients::ism(&message.recipient).map_err(|_| Error::<T>::UnknownRecipient)? {
				Some(ism) => ism,
				None => DefaultIsm::<T>::get().ok_or(Error::<T>::NoDefaultIsm)?,
			},
		};

		let mut reads = IsmReads::default();
		let verified = Self::verify(ism, metadata, message.origin, id, 0, work, &mut reads);
		work.ism_reads = work.ism_reads.saturating_add(reads.count);
		verified?;

		Delivered::<T>::insert(id, frame_system::Pallet::<T>::block_number());
		// A native attestation is kept until its message is delivered, by whatever level.
		NativeAttested::<T>::remove(id);
		match for_order {
			Some((SettlerMessage::Filled(fill), record)) => Self::settle(fill, record, id, work)?,
			Some((SettlerMessage::Refunded(refund), record)) => Self::refund_attested(refund.order_id, record, id, work)?,
			None => {
				work.handled = true;
				T::Recipients::handle(&message.recipient, message.origin, &message.sender, &message.body)
					.map_err(|_| Error::<T>::RecipientFailed)?
			},
		}
		Self::deposit_event(Event::Processed {
			id,
			origin: message.origin,
			sender: message.sender,
			recipient: message.recipient,
			ism,
			signature_checks: work.checks,
		});
		Ok(())
	}

	/// The open order a fill or refund message ends, checked against the message's origin and
	/// sender: only the order's destination settler speaks for it.
	fn settler_message_for(message: &Message) -> Result<(SettlerMessage, crate::OrderRecord<T>), Error<T>> {
		let parsed = SettlerMessage::decode(&message.body).ok_or(Error::<T>::InvalidFillMessage)?;
		let record = Self::open_record(parsed.order_id())?;
		ensure!(
			message.origin == record.data.destination && message.sender == record.data.destination_settler,
			Error::<T>::FillFromWrongSettler
		);
		Ok((parsed, record))
	}

	/// Verify `metadata` with ISM `id` for the message `message_id` from `origin` (all an ISM
	/// reads of a message), counting signature recoveries and merkle proofs in `work` and
	/// registry reads in `reads`.
	pub fn verify(
		id: IsmId,
		metadata: &[u8],
		origin: Domain,
		message_id: [u8; 32],
		depth: u8,
		work: &mut Work,
		reads: &mut IsmReads<T>,
	) -> Result<(), Error<T>> {
		ensure!(depth <= MAX_ISM_DEPTH, Error::<T>::IsmTooDeep);
		match reads.get(id)? {
			Ism::MessageIdMultisig(set) => {
				let (checkpoint, signatures) = metadata::message_id_checkpoint(metadata, origin, message_id)?;
				Self::check_signatures(&checkpoint, &signatures, &set, work)
			},
			Ism::MerkleRootMultisig(set) => {
				// Counted before the hashing, as the recoveries are: the bound holds whatever fails.
				ensure!(work.merkle_proofs < <T as Config>::MaxSignatureChecks::get(), Error::<T>::TooManySignatureChecks);
				work.merkle_proofs = work.merkle_proofs.saturating_add(1);
				let (checkpoint, signatures) = metadata::merkle_root_checkpoint(metadata, origin, message_id)?;
				Self::check_signatures(&checkpoint, &signatures, &set, work)
			},
			Ism::Aggregation { modules, threshold } => {
				// Count first: the wrong number of sub-metadata fails before any recovery.
				let mut parts = Vec::with_capacity(modules.len());
				for (index, module) in modules.iter().enumerate() {
					if let Some(part) = aggregation::metadata_at(metadata, index)? {
						parts.push((*module, part));
					}
				}
				ensure!(parts.len() == usize::from(threshold), Error::<T>::AggregationThresholdMismatch);
				for (module, part) in parts {
					Self::verify(module, part, origin, message_id, depth.saturating_add(1), work, reads)?;
				}
				Ok(())
			},
			Ism::Native { para } => {
				// The attestation's read, counted as a registry read (it is smaller).
				work.ism_reads = work.ism_reads.saturating_add(1);
				ensure!(Self::natively_attested(message_id, para), Error::<T>::NotNativelyAttested);
				Ok(())
			},
			ism @ Ism::Routing { .. } => {
				let route = ism.route(origin).ok_or(Error::<T>::NoRoute)?;
				Self::verify(route, metadata, origin, message_id, depth.saturating_add(1), work, reads)
			},
		}
	}

	fn check_signatures(
		checkpoint: &Checkpoint,
		signatures: &[Signature],
		set: &ValidatorSet<T::MaxValidators>,
		work: &mut Work,
	) -> Result<(), Error<T>> {
		// Charged before recovering: a deep or wide ISM cannot exceed the declared weight.
		work.checks = work.checks.saturating_add(u32::from(set.threshold));
		ensure!(work.checks <= <T as Config>::MaxSignatureChecks::get(), Error::<T>::TooManySignatureChecks);
		multisig::verify(&checkpoint.digest(), signatures, &set.validators, set.threshold).map_err(Into::into)
	}

	/// Whether message `id` was delivered.
	pub fn delivered(id: [u8; 32]) -> bool {
		Delivered::<T>::contains_key(id)
	}
}

