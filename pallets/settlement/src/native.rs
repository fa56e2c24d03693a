//! The native security level: messages between parachains of one relay chain, carried by XCM
//! and vouched for by the relay chain's validators instead of a multisig.
//!
//! A parachain's outbound XCM is part of its block, and the relay chain's validators check that
//! block (its state transition, its outbound HRMP messages) before anything reaches the
//! recipient. So a message that arrives over XCM with the sending chain itself as its origin
//! (`(1, Parachain(p))`, not an account of it) was sent by that chain's runtime: by its
//! settlement pallet, since nothing else there sends as the chain. That is the strongest
//! attestation one parachain can have of another, it costs no signatures and no agents, and it
//! arrives in the block after the sending one.
//!
//! The model is Hyperlane's hook-authorized ISMs (`AbstractMessageIdAuthorizedIsm`, the OP Stack
//! and Arbitrum ISMs: module type `NULL`): the native bridge marks a message id verified, and
//! the ISM's `verify` reads the mark. Here:
//!
//! * **Routes.** Governance maps a remote domain to the sibling parachain that speaks for it and
//!   the index of the settlement pallet in that chain's runtime ([`NativeRoute`]), one parachain
//!   per domain and one domain per parachain ([`crate::NativeRoutes`], [`crate::NativeSources`]).
//! * **Sending.** Every message this chain dispatches to a routed domain (a user's `dispatch`, a
//!   fill, a refund) also goes out over XCM in the same call, as a `Transact` of the
//!   destination's `receive_native`, its delivery paid by the caller ([`NativeTransport`]). The
//!   message keeps its Hyperlane id and its leaf in the outbound tree, so multisig validators can
//!   sign it as well. If the channel refuses the message (closed, full), the whole call fails:
//!   the order stays as it was and the call can be made again.
//! * **Receiving.** `receive_native` accepts a message only from the parachain routed for the
//!   message's origin domain, for this domain, and not delivered before. It marks the id as
//!   attested by that parachain ([`crate::NativeAttested`]) and tries to deliver it at once with
//!   empty metadata: under an [`Ism::Native`] level (directly or through a route) the message is
//!   processed in the same block. Under a level that needs more (an aggregation of the native
//!   module and a multisig, the defense in depth for high-value orders), the mark waits for a
//!   relayer's `process`, whose metadata leaves the native module's slice empty. A mark is
//!   removed when its message is delivered.
//! * **The level.** [`Ism::Native`] names the parachain whose attestation it accepts. Open
//!   orders pin it like any ISM (the registry refuses to change or remove it while they rely on
//!   it), so remapping a domain's route never changes who can attest an open order's fill.

use alloc::vec::Vec;
use codec::{Compact, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	ensure,
	storage::{with_transaction, TransactionOutcome},
	weights::Weight,
};
use polkadot_sdk::{frame_support, sp_runtime};
use scale_info::TypeInfo;

use crate::{
	isms::Domain, message::Message, work::Work, Config, Delivered, Error, Event, NativeAttested, NativeRoutes, NativeSources,
	Pallet,
};

/// The call index of `receive_native` in the settlement pallet (the `#[pallet::call_index]`
/// of [`Pallet::receive_native`]): part of what a sibling's runtime must decode.
pub const RECEIVE_NATIVE_CALL_INDEX: u8 = 14;

/// Where a remote domain's native messages come from and go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
pub struct NativeRoute {
	/// The sibling parachain that speaks for the domain.
	pub para: u32,
	/// The index of the settlement pallet in that parachain's runtime (where `receive_native`
	/// is sent).
	pub pallet_index: u8,
}

/// Why the transport did not send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeSendError {
	/// No channel to the parachain, or it is closed or full: nothing was sent or charged.
	Unroutable,
	/// The payer cannot pay the delivery fee.
	CannotPay,
}

/// How the runtime carries a native message to a sibling parachain (XCM over HRMP).
pub trait NativeTransport<AccountId> {
	/// Send `call` (an encoded call of the sibling's runtime) to be dispatched there with this
	/// chain as its origin, tagged with `topic` (the message id), the delivery fee paid by
	/// `payer`. Returns the fee paid. All or nothing: on `Err` nothing was sent or charged.
	fn send(para: u32, call: Vec<u8>, topic: [u8; 32], payer: &AccountId) -> Result<u128, NativeSendError>;
	/// Whether `para` has an open channel to this chain (its native messages can arrive).
	fn receives_from(para: u32) -> bool;
	/// The most weight [`NativeTransport::send`] takes (added to the calls that send).
	fn send_weight() -> Weight;
}

/// No native transport: no domain can be routed natively.
impl<AccountId> NativeTransport<AccountId> for () {
	fn send(_: u32, _: Vec<u8>, _: [u8; 32], _: &AccountId) -> Result<u128, NativeSendError> {
		Err(NativeSendError::Unroutable)
	}
	fn receives_from(_: u32) -> bool {
		false
	}
	fn send_weight() -> Weight {
		Weight::zero()
	}
}

/// The call `receive_native(message)` of a settlement pallet at `pallet_index`, encoded as the
/// sibling's runtime decodes it (`RuntimeCall` is the pallet's index, then the call's).
pub fn receive_call(pallet_index: u8, message: &[u8]) -> Vec<u8> {
	let mut call = Vec::with_capacity(message.len().saturating_add(7));
	call.push(pallet_index);
	call.push(RECEIVE_NATIVE_CALL_INDEX);
	Compact(u32::try_from(message.len()).unwrap_or(u32::MAX)).encode_to(&mut call);
	call.extend_from_slice(message);
	call
}

impl<T: Config> Pallet<T> {
	/// Route `domain`'s native messages through `route`, or stop (`None`). Refused: this
	/// chain's own domain, and a parachain that already speaks for another domain (one
	/// parachain could then attest messages of two).
	pub(crate) fn do_set_native_route(domain: Domain, route: Option<NativeRoute>) -> Result<(), Error<T>> {
		ensure!(domain != Self::local_domain()?, Error::<T>::NativeRouteToSelf);
		if let Some(route) = route {
			ensure!(
				NativeSources::<T>::get(route.para).is_none_or(|mapped| mapped == domain),
				Error::<T>::NativeSourceTaken
			);
		}
		if let Some(old) = NativeRoutes::<T>::take(domain) {
			NativeSources::<T>::remove(old.para);
		}
		if let Some(route) = route {
			NativeRoutes::<T>::insert(domain, route);
			NativeSources::<T>::insert(route.para, domain);
		}
		Self::deposit_event(Event::NativeRouteSet { domain, route });
		Ok(())
	}

	/// Send a message this chain just dispatched (id `id`, bytes `message`) natively if its
	/// destination is routed, the delivery paid by `payer`. An unroutable send fails the call.
	pub(crate) fn forward_native(
		destination: Domain,
		id: [u8; 32],
		message: &[u8],
		payer: &T::AccountId,
	) -> Result<(), Error<T>> {
		let Some(route) = NativeRoutes::<T>::get(destination) else { return Ok(()) };
		let call = receive_call(route.pallet_index, message);
		let fee = T::NativeTransport::send(route.para, call, id, payer).map_err(|e| match e {
			NativeSendError::Unroutable => Error::<T>::NativeUnroutable,
			NativeSendError::CannotPay => Error::<T>::NativeFeeUnpaid,
		})?;
		Self::deposit_event(Event::NativeSent { id, para: route.para, payer: payer.clone(), fee });
		Ok(())
	}

	/// `receive_native` from parachain `para`: check the source, mark the message attested and
	/// deliver it if the native attestation is all its level needs.
	pub(crate) fn do_receive_native(para: u32, bytes: &[u8], work: &mut Work) -> Result<bool, Error<T>> {
		let message = Message::from_bytes(bytes).map_err(|_| Error::<T>::MessageTooShort)?;
		ensure!(message.destination == Self::local_domain()?, Error::<T>::WrongDestination);
		ensure!(NativeSources::<T>::get(para) == Some(message.origin), Error::<T>::NotNativeSource);
		let id = message.id();
		ensure!(!Delivered::<T>::contains_key(id), Error::<T>::AlreadyDelivered);
		NativeAttested::<T>::insert(id, para);

		// Delivered at once if the native attestation satisfies the message's level (empty
		// metadata); otherwise, or if delivery fails, the attestation stays for `process`.
		let mut attempt = Work::default();
		let delivered = with_transaction(|| match Self::do_process(&[], bytes, &mut attempt) {
			Ok(()) => TransactionOutcome::Commit(Ok::<_, sp_runtime::DispatchError>(true)),
			Err(_) => TransactionOutcome::Rollback(Ok(false)),
		})
		.unwrap_or(false);
		*work = attempt;
		Self::deposit_event(Event::NativeReceived { id, origin: message.origin, para, delivered });
		Ok(delivered)
	}

	/// What a call that dispatches adds for the native route: its read, and a send.
	pub fn native_send_weight() -> Weight {
		use frame_support::traits::Get;
		T::NativeTransport::send_weight().saturating_add(T::DbWeight::get().reads(1))
	}

	/// `receive_native` for `work`: the delivery attempt as `process` weighs it, and the
	/// source's read, the replay check and the attestation's write before it.
	pub fn receive_native_weight(work: &Work) -> Weight {
		use frame_support::traits::Get;
		work.process_weight::<T>().saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}

	/// Whether the native level of parachain `para` can attest fills from `destination`: the
	/// parachain is routed for that domain and has a channel open to this chain. Orders under
	/// a native level that cannot are refused (they could never settle).
	pub fn native_usable(para: u32, destination: Domain) -> bool {
		NativeSources::<T>::get(para) == Some(destination) && T::NativeTransport::receives_from(para)
	}

	/// Whether parachain `para` attested message `id` over XCM ([`Ism::Native`]'s check).
	pub(crate) fn natively_attested(id: [u8; 32], para: u32) -> bool {
		NativeAttested::<T>::get(id) == Some(para)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_call_is_the_pallet_index_the_call_index_and_the_scale_bytes() {
		let message = [7u8; 100];
		let call = receive_call(51, &message);
		assert_eq!(&call[..2], &[51, RECEIVE_NATIVE_CALL_INDEX]);
		// SCALE `Vec<u8>`: the compact length (100 → two bytes, 100 << 2 | 1), then the bytes.
		assert_eq!(&call[2..4], &[0x91, 0x01]);
		assert_eq!(&call[4..], &message[..]);
		assert_eq!(Vec::<u8>::decode(&mut &call[2..]).unwrap(), message.to_vec());
	}
}
