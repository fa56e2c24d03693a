//! The native level between two zkSettle parachains, through the real XCM configuration: an
//! order opened on A under `Ism::Native` is filled on B, B's fill leaves as an XCMP page, and A
//! takes that page through its XCMP queue, message queue, barrier and executor and settles the
//! order, with no validator or relayer. Pages forged by a sibling nobody routed, or by an
//! account of the routed one, execute nothing; a replayed page settles nothing twice; a closed
//! channel leaves B's order unfilled until it opens.

use crate::{tests::development_state, *};
use codec::Encode;
use cumulus_pallet_parachain_system::relay_state_snapshot::MessagingStateSnapshot;
use cumulus_primitives_core::{AbridgedHrmpChannel, ParaId, XcmpMessageFormat, XcmpMessageHandler, XcmpMessageSource};
use frame_support::{
	assert_ok,
	traits::{Currency as _, PalletInfoAccess, ServiceQueues, UnixTime},
};
use pallet_settlement::{native::receive_call, Ism, NativeRoute, OrderData};
use polkadot_sdk::{
	sp_keyring::Sr25519Keyring,
	staging_xcm::{latest::prelude::*, VersionedXcm},
	staging_xcm_executor::traits::ConvertLocation,
};

const A: u32 = PARACHAIN_ID;
const B: u32 = PARACHAIN_ID + 1;
const DOMAIN_A: u32 = genesis_config_presets::DEV_DOMAIN;
const DOMAIN_B: u32 = genesis_config_presets::DEV_DOMAIN + 100;
/// A's native level for fills from B.
const NATIVE_FROM_B: u32 = 40;
const UNIT: Balance = 1_000_000_000_000;

fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}
fn bob() -> AccountId {
	Sr25519Keyring::Bob.to_account_id()
}

/// The development chain as parachain `para` with domain `domain`.
fn chain(para: u32, domain: u32) -> sp_io::TestExternalities {
	let mut ext = development_state();
	ext.execute_with(|| {
		let key = frame_support::storage::storage_prefix(b"ParachainInfo", b"ParachainId");
		frame_support::storage::unhashed::put(&key, &ParaId::from(para));
		assert_eq!(ParachainInfo::parachain_id(), ParaId::from(para));
		pallet_settlement::LocalDomain::<Runtime>::put(domain);
		pallet_settlement::RemoteSettlers::<Runtime>::insert(domain, Settlement::settler_address());
	});
	ext
}

fn route(para: u32) -> Option<NativeRoute> {
	Some(NativeRoute { para, pallet_index: <Settlement as PalletInfoAccess>::index() as u8 })
}

struct Siblings {
	a: sp_io::TestExternalities,
	b: sp_io::TestExternalities,
}

impl Siblings {
	/// A and B route each other natively; A has the level [`NATIVE_FROM_B`]; B's channel to A
	/// is open.
	fn new() -> Self {
		let settler_a = chain(A, DOMAIN_A).execute_with(Settlement::settler_address);
		let settler_b = chain(B, DOMAIN_B).execute_with(Settlement::settler_address);
		let mut a = chain(A, DOMAIN_A);
		a.execute_with(|| {
			assert_ok!(Settlement::enroll_settler(RuntimeOrigin::root(), DOMAIN_B, settler_b));
			assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), NATIVE_FROM_B, Ism::Native { para: B }));
			assert_ok!(Settlement::set_native_route(RuntimeOrigin::root(), DOMAIN_B, route(B)));
			// B's channel to A, as A's relay-chain state shows it.
			cumulus_pallet_parachain_system::RelevantMessagingState::<Runtime>::put(MessagingStateSnapshot {
				dmq_mqc_head: Default::default(),
				relay_dispatch_queue_remaining_capacity: Default::default(),
				ingress_channels: vec![(B.into(), channel())],
				egress_channels: vec![],
			});
		});
		let mut b = chain(B, DOMAIN_B);
		b.execute_with(|| {
			assert_ok!(Settlement::enroll_settler(RuntimeOrigin::root(), DOMAIN_A, settler_a));
			assert_ok!(Settlement::set_native_route(RuntimeOrigin::root(), DOMAIN_A, route(A)));
			ParachainSystem::open_outbound_hrmp_channel_for_benchmarks_or_tests(A.into());
		});
		Siblings { a, b }
	}

	/// Alice opens an order on A for B under the native level.
	fn open(&mut self) -> OrderData {
		let settler_b = self.b.execute_with(Settlement::settler_address);
		self.a.execute_with(|| {
			assert_ok!(Settlement::open_order(
				RuntimeOrigin::signed(alice()),
				10 * UNIT,
				DOMAIN_B,
				settler_b,
				9 * UNIT,
				alice().into(),
				<Timestamp as UnixTime>::now().as_secs() + 600,
				NATIVE_FROM_B,
				UNIT,
			));
			System::events()
				.into_iter()
				.rev()
				.find_map(|r| match r.event {
					RuntimeEvent::Settlement(pallet_settlement::Event::OrderOpened { order, .. }) => Some(order),
					_ => None,
				})
				.expect("opened")
		})
	}

	/// Bob fills on B; returns the XCMP pages B sends.
	fn fill(&mut self, order: &OrderData) -> Result<Vec<(ParaId, Vec<u8>)>, sp_runtime::DispatchError> {
		self.b.execute_with(|| {
			Settlement::fill_order(RuntimeOrigin::signed(bob()), order.clone(), bob().into())?;
			Ok(XcmpQueue::take_outbound_messages(usize::MAX, &[]))
		})
	}
}

fn channel() -> AbridgedHrmpChannel {
	AbridgedHrmpChannel {
		max_capacity: 10,
		max_total_size: 1_000_000,
		max_message_size: 100_000,
		msg_count: 0,
		total_size: 0,
		mqc_head: None,
	}
}

/// A takes `page` from `sender` as the relay chain hands it over, and runs its queues.
fn receive_page(sender: u32, page: &[u8]) {
	XcmpQueue::handle_xcmp_messages([(ParaId::from(sender), 1, page)].into_iter(), Weight::MAX);
	<MessageQueue as ServiceQueues>::service_queues(Weight::MAX);
}

/// An XCMP page of one message.
fn page_of(message: Xcm<()>) -> Vec<u8> {
	let mut page = XcmpMessageFormat::ConcatenatedVersionedXcm.encode();
	page.extend(VersionedXcm::from(message).encode());
	page
}

fn settled(order: &OrderData) -> bool {
	matches!(
		pallet_settlement::ClosedOrders::<Runtime>::get(order.id()),
		Some(pallet_settlement::OrderOutcome::Settled { .. })
	)
}

#[test]
fn an_order_between_siblings_settles_over_xcmp_without_validators() {
	let mut chains = Siblings::new();
	let order = chains.open();
	let before = chains.a.execute_with(|| Balances::free_balance(bob()));
	let (fee_paid, pages) = {
		let payer_before = chains.b.execute_with(|| Balances::free_balance(bob()));
		let pages = chains.fill(&order).expect("B fills");
		let payer_after = chains.b.execute_with(|| Balances::free_balance(bob()));
		(payer_before - payer_after - 9 * UNIT, pages)
	};
	assert!(fee_paid > 0, "the solver paid the delivery on B");
	assert_eq!(pages.len(), 1);
	assert_eq!(pages[0].0, ParaId::from(A));
	chains.a.execute_with(|| {
		receive_page(B, &pages[0].1);
		assert!(settled(&order), "the order settled on A over XCMP");
		assert_eq!(Balances::free_balance(bob()) - before, 10 * UNIT, "the solver was paid on A");
		// The same page again (a replay): delivered once, paid once.
		receive_page(B, &pages[0].1);
		assert_eq!(Balances::free_balance(bob()) - before, 10 * UNIT);
	});
}

/// The fill message B's settler would send, as a forger writes it.
fn forged_fill(chains: &mut Siblings, order: &OrderData) -> Vec<u8> {
	// Fill on a copy of B, keep the message, and throw that copy away.
	let mut copy = chain(B, DOMAIN_B);
	let settler_a = chains.a.execute_with(Settlement::settler_address);
	copy.execute_with(|| {
		assert_ok!(Settlement::enroll_settler(RuntimeOrigin::root(), DOMAIN_A, settler_a));
		assert_ok!(Settlement::fill_order(RuntimeOrigin::signed(bob()), order.clone(), bob().into()));
		System::events()
			.into_iter()
			.find_map(|r| match r.event {
				RuntimeEvent::Settlement(pallet_settlement::Event::Dispatched { message, .. }) => Some(message),
				_ => None,
			})
			.expect("the fill was dispatched")
	})
}

#[test]
fn a_fill_from_anyone_but_the_routed_sibling_itself_executes_nothing() {
	let mut chains = Siblings::new();
	let order = chains.open();
	let message = forged_fill(&mut chains, &order);
	let call = receive_call(<Settlement as PalletInfoAccess>::index() as u8, &message);
	let transact = |origin_kind| Transact { origin_kind, fallback_max_weight: None, call: call.clone().into() };
	chains.a.execute_with(|| {
		// A sibling nobody routed, unpaid: the barrier refuses it.
		receive_page(B + 1, &page_of(Xcm(vec![UnpaidExecution { weight_limit: Unlimited, check_origin: None }, transact(OriginKind::Native)])));
		// An account of B (what `pallet-xcm` sends for a user of B): not B itself.
		let bob_on_b = AccountId32 { network: None, id: bob().into() };
		receive_page(
			B,
			&page_of(Xcm(vec![
				DescendOrigin(bob_on_b.into()),
				UnpaidExecution { weight_limit: Unlimited, check_origin: None },
				transact(OriginKind::Native),
			])),
		);
		// B's sovereign account paying its way, as a signed origin: not B's runtime either.
		let sovereign = <configs::xcm_config::LocationToAccountId as ConvertLocation<AccountId>>::convert_location(
			&Location::new(1, [Parachain(B)]),
		)
		.expect("a sibling has a sovereign account");
		let _ = Balances::deposit_creating(&sovereign, 100 * UNIT);
		let fees: Asset = (Here, UNIT).into();
		receive_page(
			B,
			&page_of(Xcm(vec![
				WithdrawAsset(fees.clone().into()),
				BuyExecution { fees, weight_limit: Unlimited },
				transact(OriginKind::SovereignAccount),
			])),
		);
		assert!(Balances::free_balance(&sovereign) < 100 * UNIT, "the paid message did execute, and paid");
		assert!(!settled(&order), "no forged fill settled the order");
		assert!(pallet_settlement::Orders::<Runtime>::contains_key(order.id()));
	});
}

#[test]
fn a_closed_channel_leaves_the_order_unfilled_until_it_opens() {
	let mut chains = Siblings::new();
	let order = chains.open();
	// B's channels go elsewhere: none to A.
	chains.b.execute_with(|| ParachainSystem::open_outbound_hrmp_channel_for_benchmarks_or_tests((A + 5).into()));
	let refused = chains.fill(&order);
	assert_eq!(refused, Err(pallet_settlement::Error::<Runtime>::NativeUnroutable.into()));
	chains.b.execute_with(|| {
		assert!(!pallet_settlement::DestinationOrders::<Runtime>::contains_key(order.id()));
		ParachainSystem::open_outbound_hrmp_channel_for_benchmarks_or_tests(A.into());
	});
	let pages = chains.fill(&order).expect("B fills once the channel is open");
	chains.a.execute_with(|| {
		receive_page(B, &pages[0].1);
		assert!(settled(&order));
	});
}
