//! The native level ([`crate::native`]): routes governance may and may not set, messages
//! accepted only from the parachain routed for their origin and only once, the native module
//! inside an aggregation, sends that fail whole, and an order settled over XCM between two mock
//! chains with no validator signing anything.

use super::*;
use crate::{native::receive_call, DestinationOrders, NativeAttested, NativeRoute, NativeRoutes, NativeSources, OutboundTree};
use codec::Decode;
use polkadot_sdk::{
	frame_support::dispatch::DispatchResult,
	sp_io::TestExternalities,
	sp_runtime::traits::Dispatchable,
};

/// The parachain that speaks for [`REMOTE`] in these tests.
const REMOTE_PARA: u32 = 2_000;
/// This chain's parachain, as [`REMOTE`]'s chain routes it.
const LOCAL_PARA: u32 = 2_042;
/// The native ISM installed by [`with_native_isms`]: attested by [`REMOTE_PARA`].
const NATIVE: u32 = 6;
/// An aggregation of [`NATIVE`] and the 2-of-3 message-id multisig 1, both needed.
const NATIVE_AND_MULTISIG: u32 = 7;

fn route(para: u32) -> Option<NativeRoute> {
	Some(NativeRoute { para, pallet_index: SETTLEMENT_INDEX })
}

fn set_route(domain: u32, para: u32) -> DispatchResult {
	Settlement::set_native_route(RuntimeOrigin::root(), domain, route(para))
}

fn with_native_isms() {
	assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), NATIVE, Ism::Native { para: REMOTE_PARA }));
	let modules = BoundedVec::try_from(vec![NATIVE, 1]).unwrap();
	assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), NATIVE_AND_MULTISIG, Ism::Aggregation { modules, threshold: 2 }));
	assert_ok!(set_route(REMOTE, REMOTE_PARA));
}

fn receive(para: u32, message: &Message) -> DispatchResult {
	Settlement::receive_native(RuntimeOrigin::signed(sibling(para)), BoundedVec::try_from(message.to_bytes()).unwrap())
		.map(|_| ())
		.map_err(|e| e.error)
}

fn sent() -> Vec<crate::mock::NativeSent> {
	NATIVE_SENT.with(|sent| sent.borrow().clone())
}

#[test]
fn governance_routes_a_domain_to_one_parachain() {
	run(|| {
		assert_noop!(
			Settlement::set_native_route(RuntimeOrigin::signed(alice()), REMOTE, route(REMOTE_PARA)),
			DispatchError::BadOrigin
		);
		// Its own domain: this chain would accept its own messages as a sibling's.
		assert_noop!(set_route(LOCAL, REMOTE_PARA), Error::<Test>::NativeRouteToSelf);
		assert_ok!(set_route(REMOTE, REMOTE_PARA));
		// One parachain speaking for two domains could attest the messages of both.
		assert_noop!(set_route(REMOTE + 1, REMOTE_PARA), Error::<Test>::NativeSourceTaken);
		// Moving the route frees the old parachain.
		assert_ok!(set_route(REMOTE, REMOTE_PARA + 1));
		assert_eq!(NativeSources::<Test>::get(REMOTE_PARA), None);
		assert_eq!(NativeSources::<Test>::get(REMOTE_PARA + 1), Some(REMOTE));
		assert_ok!(set_route(REMOTE + 1, REMOTE_PARA));
		assert_ok!(Settlement::set_native_route(RuntimeOrigin::root(), REMOTE, None));
		assert_eq!((NativeRoutes::<Test>::get(REMOTE), NativeSources::<Test>::get(REMOTE_PARA + 1)), (None, None));
		assert_eq!(last_event(), Event::NativeRouteSet { domain: REMOTE, route: None });
	});
}

#[test]
fn a_native_message_is_delivered_in_the_block_it_arrives() {
	run(|| {
		with_native_isms();
		RecipientIsm::set(Some(NATIVE));
		let message = inbound(0, TEST_RECIPIENT, b"native");
		assert_ok!(receive(REMOTE_PARA, &message));
		assert_eq!(handled(), vec![(REMOTE, [0x11; 32], b"native".to_vec())]);
		assert!(Settlement::delivered(message.id()));
		assert!(!NativeAttested::<Test>::contains_key(message.id()), "delivered: the attestation is dropped");
		assert_eq!(
			last_event(),
			Event::NativeReceived { id: message.id(), origin: REMOTE, para: REMOTE_PARA, delivered: true }
		);
		// Once: neither XCM nor a relayer delivers it again.
		assert_noop!(receive(REMOTE_PARA, &message), Error::<Test>::AlreadyDelivered);
		assert_noop!(process(vec![], &message), Error::<Test>::AlreadyDelivered);
		assert_eq!(handled().len(), 1);
	});
}

#[test]
fn only_the_parachain_routed_for_the_origin_attests() {
	run(|| {
		with_native_isms();
		RecipientIsm::set(Some(NATIVE));
		assert_ok!(set_route(REMOTE + 1, REMOTE_PARA + 1));
		let message = inbound(0, TEST_RECIPIENT, b"forged");
		// Another sibling, routed for another domain, claims REMOTE's message.
		assert_noop!(receive(REMOTE_PARA + 1, &message), Error::<Test>::NotNativeSource);
		// A sibling nobody routed.
		assert_noop!(receive(3_000, &message), Error::<Test>::NotNativeSource);
		// An account, not a parachain.
		assert_noop!(
			Settlement::receive_native(RuntimeOrigin::signed(alice()), BoundedVec::try_from(message.to_bytes()).unwrap())
				.map_err(|e| e.error),
			DispatchError::BadOrigin
		);
		// Not for this chain.
		let elsewhere = Message { destination: REMOTE + 1, ..message.clone() };
		assert_noop!(receive(REMOTE_PARA, &elsewhere), Error::<Test>::WrongDestination);
		// And nobody can relay it without the attestation.
		assert_noop!(process(vec![], &message), Error::<Test>::NotNativelyAttested);
		assert!(handled().is_empty());
	});
}

#[test]
fn an_attestation_by_another_parachain_does_not_satisfy_the_level() {
	run(|| {
		with_native_isms();
		// The route moves to another parachain; a level naming the old one is not satisfied by
		// the new one's attestation (open orders keep who attests for them).
		assert_ok!(set_route(REMOTE, REMOTE_PARA + 1));
		RecipientIsm::set(Some(NATIVE));
		let message = inbound(0, TEST_RECIPIENT, b"moved");
		assert_ok!(receive(REMOTE_PARA + 1, &message));
		assert_eq!(last_event(), Event::NativeReceived { id: message.id(), origin: REMOTE, para: REMOTE_PARA + 1, delivered: false });
		assert!(handled().is_empty());
		assert_noop!(process(vec![], &message), Error::<Test>::NotNativelyAttested);
	});
}

#[test]
fn native_and_multisig_need_both() {
	run(|| {
		with_native_isms();
		RecipientIsm::set(Some(NATIVE_AND_MULTISIG));
		let message = inbound(0, TEST_RECIPIENT, b"both");
		let multisig = message_id_metadata(&message, [1; 32], 0, &[0, 1]);
		let both = aggregation::encode(&[Some(&[]), Some(&multisig)]);
		// The validators alone: the native module has not attested.
		assert_noop!(process(both.clone(), &message), Error::<Test>::NotNativelyAttested);
		// The native attestation alone waits for the rest.
		assert_ok!(receive(REMOTE_PARA, &message));
		assert!(handled().is_empty());
		assert_eq!(NativeAttested::<Test>::get(message.id()), Some(REMOTE_PARA));
		// Leaving either out is refused: exactly the threshold of modules.
		let native_only = aggregation::encode(&[Some(&[]), None]);
		assert_noop!(process(native_only, &message), Error::<Test>::AggregationThresholdMismatch);
		assert_ok!(process(both, &message));
		assert_eq!(handled().len(), 1);
		assert!(!NativeAttested::<Test>::contains_key(message.id()));
	});
}

#[test]
fn one_parachain_counts_once_in_an_aggregation() {
	run(|| {
		with_native_isms();
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 8, Ism::Native { para: REMOTE_PARA }));
		let modules = BoundedVec::try_from(vec![NATIVE, 8]).unwrap();
		assert_noop!(
			Settlement::set_ism(RuntimeOrigin::root(), 9, Ism::Aggregation { modules, threshold: 2 }),
			Error::<Test>::SharedValidators
		);
	});
}

#[test]
fn the_native_level_is_offered_only_where_it_can_attest() {
	run(|| {
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), NATIVE, Ism::Native { para: REMOTE_PARA }));
		let offered = || crate::intents::quotes::<Test>(REMOTE).into_iter().any(|(id, _)| id == NATIVE);
		// Not routed: an order under it could never settle.
		assert!(!offered());
		let open_native = || {
			Settlement::open_order(RuntimeOrigin::signed(alice()), 1_000, REMOTE, REMOTE_SETTLER, 990, [0x44; 32], DEADLINE, NATIVE, 1_000)
		};
		assert_noop!(open_native(), Error::<Test>::UnquotableIsm);
		assert_ok!(set_route(REMOTE, REMOTE_PARA));
		assert_eq!(Settlement::quote(NATIVE, REMOTE), Some(0), "no validator or relayer to pay");
		assert!(offered());
		// Not for another destination, and not while the parachain's channel here is closed.
		assert_eq!(Settlement::quote(NATIVE, REMOTE + 1), None);
		ChannelsOpen::set(false);
		assert!(!offered());
		assert_noop!(open_native(), Error::<Test>::UnquotableIsm);
		ChannelsOpen::set(true);
		assert_ok!(open_native());
	});
}

#[test]
fn a_native_level_an_order_relies_on_is_kept() {
	run(|| {
		with_native_isms();
		let (_, order) = open(NATIVE, 1_000);
		assert_eq!(order.ism, NATIVE);
		assert_noop!(
			Settlement::set_ism(RuntimeOrigin::root(), NATIVE, Ism::Native { para: REMOTE_PARA + 1 }),
			Error::<Test>::IsmInUse
		);
		assert_noop!(Settlement::remove_ism(RuntimeOrigin::root(), NATIVE), Error::<Test>::IsmInUse);
	});
}

#[test]
fn a_dispatch_to_a_routed_domain_goes_out_over_xcm_paid_by_the_sender() {
	run(|| {
		assert_ok!(set_route(REMOTE, REMOTE_PARA));
		let before = Balances::free_balance(alice());
		let body = BoundedVec::try_from(b"hello".to_vec()).unwrap();
		assert_ok!(Settlement::dispatch(RuntimeOrigin::signed(alice()), REMOTE, [0x22; 32], body.clone()));
		let Event::Dispatched { id, message, .. } = last_dispatched() else { unreachable!() };
		assert_eq!(sent(), vec![(REMOTE_PARA, receive_call(SETTLEMENT_INDEX, &message), id, alice())]);
		assert_eq!(before - Balances::free_balance(alice()), Settlement::message_fee(5) + NATIVE_FEE);

		// A closed channel: nothing dispatched, nothing charged, the call can be made again.
		ChannelsOpen::set(false);
		let count = OutboundTree::<Test>::get().count;
		assert_noop!(
			Settlement::dispatch(RuntimeOrigin::signed(alice()), REMOTE, [0x22; 32], body.clone()),
			Error::<Test>::NativeUnroutable
		);
		ChannelsOpen::set(true);
		assert_ok!(Settlement::dispatch(RuntimeOrigin::signed(alice()), REMOTE, [0x22; 32], body.clone()));
		assert_eq!(OutboundTree::<Test>::get().count, count + 1);

		// A sender who cannot pay the delivery sends nothing.
		let poor = AccountId::new([0x99; 32]);
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(bob()), poor.clone(), Settlement::message_fee(5) + 1));
		assert_noop!(Settlement::dispatch(RuntimeOrigin::signed(poor), REMOTE, [0x22; 32], body), Error::<Test>::NativeFeeUnpaid);
		// Unrouted domains are not sent natively.
		let body = BoundedVec::try_from(b"far".to_vec()).unwrap();
		assert_ok!(Settlement::dispatch(RuntimeOrigin::signed(alice()), REMOTE + 7, [0x22; 32], body));
		assert_eq!(sent().len(), 2);
	});
}

/// Two chains, each routing the other natively: the origin ([`LOCAL`], parachain
/// [`LOCAL_PARA`]) and the destination ([`REMOTE`], parachain [`REMOTE_PARA`]).
struct Siblings {
	origin: TestExternalities,
	destination: TestExternalities,
	destination_settler: [u8; 32],
}

impl Siblings {
	fn new() -> Self {
		let origin_settler = new_test_ext_of(LOCAL, vec![]).execute_with(Settlement::settler_address);
		let destination_settler = new_test_ext_of(REMOTE, vec![]).execute_with(Settlement::settler_address);
		let mut origin = new_test_ext_of(LOCAL, vec![(REMOTE, destination_settler)]);
		origin.execute_with(with_native_isms);
		let mut destination = new_test_ext_of(REMOTE, vec![(LOCAL, origin_settler)]);
		destination.execute_with(|| {
			assert_ok!(set_route(LOCAL, LOCAL_PARA));
		});
		Siblings { origin, destination, destination_settler }
	}

	/// Alice opens an order to the destination under `ism`.
	fn open(&mut self, ism: u32) -> OrderData {
		let settler = self.destination_settler;
		self.origin.execute_with(|| {
			assert_ok!(Settlement::open_order(RuntimeOrigin::signed(alice()), 5_000, REMOTE, settler, 990, [0x44; 32], DEADLINE, ism, 1_000));
			match last_event() {
				Event::OrderOpened { order, .. } => order,
				other => panic!("unexpected {other:?}"),
			}
		})
	}

	/// Run `call` on the destination; return the native messages it sent.
	fn on_destination(&mut self, call: impl FnOnce() -> DispatchResult) -> (DispatchResult, Vec<crate::mock::NativeSent>) {
		self.destination.execute_with(|| {
			NATIVE_SENT.with(|sent| sent.borrow_mut().clear());
			let result = call();
			(result, sent())
		})
	}

	/// Deliver a sent call to the origin as XCM would: decoded as a call of the origin's runtime
	/// and dispatched with the sending parachain as its origin.
	fn deliver(&mut self, (para, call, _, _): &crate::mock::NativeSent) -> DispatchResult {
		assert_eq!(*para, LOCAL_PARA, "sent to the origin's parachain");
		self.origin.execute_with(|| {
			let call = RuntimeCall::decode(&mut &call[..]).expect("the origin decodes the call");
			call.dispatch(RuntimeOrigin::signed(sibling(REMOTE_PARA))).map(|_| ()).map_err(|e| e.error)
		})
	}
}

#[test]
fn an_order_between_siblings_settles_over_xcm_without_validators() {
	let mut chains = Siblings::new();
	let order = chains.open(NATIVE);
	let (filled, sent) = chains.on_destination(|| Settlement::fill_order(RuntimeOrigin::signed(solver()), order.clone(), [0x55; 32]));
	assert_ok!(filled);
	assert_eq!(sent.len(), 1, "the fill went out over XCM");
	assert_ok!(chains.deliver(&sent[0]));
	chains.origin.execute_with(|| {
		assert_eq!(Balances::free_balance(AccountId::new([0x55; 32])), 5_000, "the solver is paid");
		assert!(Settlement::delivered(sent[0].2));
		Settlement::do_try_state().unwrap();
	});
	// XCM delivers it once: a replay (a second send of the same bytes) is refused.
	assert_eq!(chains.deliver(&sent[0]), Err(Error::<Test>::AlreadyDelivered.into()));
}

#[test]
fn a_closed_channel_leaves_the_order_open_until_it_reopens() {
	let mut chains = Siblings::new();
	let order = chains.open(NATIVE);
	let (filled, sent) = chains.on_destination(|| {
		ChannelsOpen::set(false);
		let before = Balances::free_balance(solver());
		let result = Settlement::fill_order(RuntimeOrigin::signed(solver()), order.clone(), [0x55; 32]);
		// Nothing happened on the destination: not filled, the solver kept its funds.
		assert_eq!(DestinationOrders::<Test>::get(order.id()), None);
		assert_eq!(Balances::free_balance(solver()), before);
		result
	});
	assert_eq!(filled, Err(Error::<Test>::NativeUnroutable.into()));
	assert!(sent.is_empty());
	let (filled, sent) = chains.on_destination(|| {
		ChannelsOpen::set(true);
		Settlement::fill_order(RuntimeOrigin::signed(solver()), order.clone(), [0x55; 32])
	});
	assert_ok!(filled);
	assert_ok!(chains.deliver(&sent[0]));
	chains.origin.execute_with(|| assert!(Settlement::delivered(sent[0].2)));
}

#[test]
fn a_refund_between_siblings_returns_the_input_over_xcm() {
	let mut chains = Siblings::new();
	let order = chains.open(NATIVE);
	let (refunded, sent) = chains.on_destination(|| {
		Now::set(DEADLINE + 1);
		Settlement::refund_order(RuntimeOrigin::signed(bob()), order.clone())
	});
	assert_ok!(refunded);
	let before = chains.origin.execute_with(|| Balances::free_balance(alice()));
	assert_ok!(chains.deliver(&sent[0]));
	chains.origin.execute_with(|| {
		assert_eq!(Balances::free_balance(alice()) - before, 5_000, "the input is back");
		Settlement::do_try_state().unwrap();
	});
}
