//! The settlement pallet's native level in this runtime: messages to and from sibling
//! parachains over XCM (HRMP), attested by the relay chain (`pallet_settlement::native`).
//!
//! * **Out** ([`NativeXcm`]): `Transact` of the sibling's `receive_native` with `OriginKind::Native`,
//!   after `UnpaidExecution` (the sibling lets its routed siblings execute unpaid, as below),
//!   tagged with the Hyperlane message id as its topic. The delivery is priced by the XCMP
//!   queue's exponential price and paid in ZKS by the caller of the call that dispatched, to
//!   the collators' pot, as every XCM delivery from this chain. A closed or full channel sends
//!   nothing and charges nothing.
//! * **In**: the barrier lets exactly the siblings governance routed (`NativeSources`)
//!   execute unpaid ([`NativeSettlementSiblings`]): they are trusted for the native level by
//!   definition, only their runtime can send as `(1, Parachain(id))`, and their channel's
//!   capacity bounds what they can send. `SiblingParachainAsNative` turns the sending chain
//!   into `cumulus_pallet_xcm::Origin::SiblingParachain`, which [`EnsureSiblingParachain`]
//!   accepts; an account of the sibling (a `DescendOrigin`) is a signed origin and refused.

use crate::{configs::PotId, AccountId, Balance, Balances, ParachainSystem, Runtime, RuntimeOrigin};
use alloc::{vec, vec::Vec};
use polkadot_sdk::{staging_xcm as xcm, *};

use cumulus_primitives_core::{ChannelStatus, GetChannelInfo, ParaId};
use frame_support::{
	traits::{fungible::Mutate, tokens::Preservation, Contains, EnsureOrigin},
	weights::Weight,
};
use pallet_settlement::{NativeSendError, NativeTransport};
use sp_runtime::traits::AccountIdConversion;
use xcm::latest::prelude::*;

use super::xcm_config::{zks_amount, XcmRouter};

/// The origin of `receive_native`: a sibling parachain itself, over XCM.
pub struct EnsureSiblingParachain;
impl EnsureOrigin<RuntimeOrigin> for EnsureSiblingParachain {
	type Success = u32;

	fn try_origin(origin: RuntimeOrigin) -> Result<u32, RuntimeOrigin> {
		cumulus_pallet_xcm::ensure_sibling_para(origin.clone()).map(u32::from).map_err(|_| origin)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(cumulus_pallet_xcm::Origin::SiblingParachain(ParaId::from(2_000)).into())
	}
}

/// The siblings governance routed for the native level: they execute `receive_native` here
/// unpaid.
pub struct NativeSettlementSiblings;
impl Contains<Location> for NativeSettlementSiblings {
	fn contains(location: &Location) -> bool {
		matches!(location.unpack(), (1, [Parachain(id)]) if pallet_settlement::NativeSources::<Runtime>::contains_key(id))
	}
}

/// The XCM that carries `call` to a sibling.
fn message(call: Vec<u8>, topic: [u8; 32]) -> Xcm<()> {
	Xcm(vec![
		UnpaidExecution { weight_limit: Unlimited, check_origin: None },
		Transact { origin_kind: OriginKind::Native, fallback_max_weight: None, call: call.into() },
		SetTopic(topic),
	])
}

/// Whether the XCMP channel to `para` can take a message now.
fn channel_ready(para: u32) -> bool {
	matches!(ParachainSystem::get_channel_status(ParaId::from(para)), ChannelStatus::Ready(..))
}

/// The delivery price in ZKS, `None` if priced in anything else or not routable.
fn price_of(para: u32, message: Xcm<()>) -> Option<(<XcmRouter as SendXcm>::Ticket, Balance)> {
	let (ticket, price) = validate_send::<XcmRouter>(Location::new(1, [Parachain(para)]), message).ok()?;
	Some((ticket, zks_amount(&price)?))
}

/// Native messages over XCMP, paid in ZKS by the caller.
pub struct NativeXcm;
impl NativeTransport<AccountId> for NativeXcm {
	fn send(para: u32, call: Vec<u8>, topic: [u8; 32], payer: &AccountId) -> Result<u128, NativeSendError> {
		if !channel_ready(para) {
			return Err(NativeSendError::Unroutable);
		}
		let (ticket, fee) = price_of(para, message(call, topic)).ok_or(NativeSendError::Unroutable)?;
		let pot: AccountId = PotId::get().into_account_truncating();
		// The calls that send are one storage transaction: a failed delivery undoes the payment.
		<Balances as Mutate<AccountId>>::transfer(payer, &pot, fee, Preservation::Preserve)
			.map_err(|_| NativeSendError::CannotPay)?;
		XcmRouter::deliver(ticket).map_err(|_| NativeSendError::Unroutable)?;
		Ok(fee)
	}

	fn receives_from(para: u32) -> bool {
		cumulus_pallet_parachain_system::RelevantMessagingState::<Runtime>::get()
			.is_some_and(|state| state.ingress_channels.iter().any(|(sender, _)| *sender == ParaId::from(para)))
	}

	fn send_weight() -> Weight {
		use pallet_balances::WeightInfo as _;
		use pallet_xcm::WeightInfo as _;
		// A send as `pallet-xcm` measures it (validation, pricing, the XCMP queue's page), the
		// payment, and the channel's status read.
		crate::weights::pallet_xcm::WeightInfo::<Runtime>::send()
			.saturating_add(<Runtime as pallet_balances::Config>::WeightInfo::transfer_keep_alive())
			.saturating_add(<Runtime as frame_system::Config>::DbWeight::get().reads(1))
	}
}
