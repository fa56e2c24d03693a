//! Refunds attested by the destination, on two mock chains: the origin ([`LOCAL`]) holds the
//! escrow, the destination ([`REMOTE`]) decides fill or refund, and messages travel between them
//! signed by the ISM's validators as Hyperlane validators sign. The races of a fill at the
//! deadline against a refund request, late deliveries, replays, and every interleaving of fill,
//! refund request and delivery end each order exactly once, with the escrow conserved.

use super::*;
use crate::{DestinationOrders, DestinationStatus, RefundMessage};
use polkadot_sdk::{frame_support::dispatch::DispatchResult, sp_io::TestExternalities};

/// The two chains, and what the destination dispatched: `(message bytes, leaf index, root)`.
struct Chains {
	origin: TestExternalities,
	destination: TestExternalities,
	outbox: Vec<(Vec<u8>, u32, [u8; 32])>,
	delivered: usize,
	/// Each chain's settler address (they derive from the domain).
	origin_settler: [u8; 32],
	destination_settler: [u8; 32],
	/// The destination's merkle tree hook, which its validators sign.
	destination_hook: [u8; 32],
}

/// An input the origin holds; the fee of ISM 1 (2-of-3) is 7.
const INPUT: Balance = 5_000;
const FEE: Balance = 7;
const OUTPUT: u128 = 990;

impl Chains {
	fn new() -> Self {
		// Each enrolls the other's settler.
		let origin_settler = new_test_ext_of(LOCAL, vec![]).execute_with(Settlement::settler_address);
		let mut probe = new_test_ext_of(REMOTE, vec![]);
		let (destination_settler, destination_hook) =
			probe.execute_with(|| (Settlement::settler_address(), Settlement::mailbox_address()));
		Chains {
			origin: new_test_ext_of(LOCAL, vec![(REMOTE, destination_settler)]),
			destination: new_test_ext_of(REMOTE, vec![(LOCAL, origin_settler)]),
			outbox: Vec::new(),
			delivered: 0,
			origin_settler,
			destination_settler,
			destination_hook,
		}
	}

	/// Alice opens an order on the origin to the destination under ISM 1.
	fn open(&mut self) -> OrderData {
		let destination_settler = self.destination_settler;
		self.origin.execute_with(|| {
			assert_ok!(Settlement::open_order(
				RuntimeOrigin::signed(alice()),
				INPUT,
				REMOTE,
				destination_settler,
				OUTPUT,
				[0x44; 32],
				DEADLINE,
				1,
				1_000
			));
			match last_event() {
				Event::OrderOpened { order, .. } => order,
				other => panic!("unexpected {other:?}"),
			}
		})
	}

	/// Run `call` on the destination at time `now`; keep what it dispatched.
	fn on_destination(&mut self, now: u64, call: impl FnOnce() -> DispatchResult) -> DispatchResult {
		let outbox = &mut self.outbox;
		self.destination.execute_with(|| {
			Now::set(now);
			System::reset_events();
			let result = call();
			for record in System::events() {
				if let RuntimeEvent::Settlement(Event::Dispatched { message, leaf_index, root, .. }) = record.event {
					outbox.push((message, leaf_index, root));
				}
			}
			result
		})
	}

	fn fill(&mut self, order: &OrderData, now: u64) -> DispatchResult {
		let order = order.clone();
		self.on_destination(now, move || Settlement::fill_order(RuntimeOrigin::signed(solver()), order, solver().into()))
	}

	fn refund_request(&mut self, order: &OrderData, now: u64) -> DispatchResult {
		let order = order.clone();
		self.on_destination(now, move || Settlement::refund_order(RuntimeOrigin::signed(bob()), order))
	}

	/// Deliver message `i` of the outbox to the origin at time `now`, with 2 of the 3 signatures.
	fn deliver(&mut self, i: usize, now: u64) -> DispatchResult {
		let (bytes, index, root) = self.outbox[i].clone();
		let hook = self.destination_hook;
		self.origin.execute_with(|| {
			Now::set(now);
			let message = Message::from_bytes(&bytes).unwrap();
			let checkpoint = Checkpoint { origin: REMOTE, merkle_tree_hook: hook, root, index, message_id: message.id() };
			let mut metadata = hook.to_vec();
			metadata.extend_from_slice(&root);
			metadata.extend_from_slice(&index.to_be_bytes());
			metadata.extend(signatures(&checkpoint, &[0, 2]));
			process(metadata, &message)
		})
	}

	/// Deliver everything not delivered yet, in order.
	fn deliver_pending(&mut self, now: u64) {
		while self.delivered < self.outbox.len() {
			assert_ok!(self.deliver(self.delivered, now));
			self.delivered += 1;
		}
	}

	/// Balances on the origin: Alice's free and held, the solver's free.
	fn origin_balances(&mut self) -> (Balance, Balance, Balance) {
		self.origin.execute_with(|| (Balances::balance(&alice()), held(&alice()), Balances::balance(&solver())))
	}

	fn check_invariants(&mut self) {
		self.origin.execute_with(|| Settlement::do_try_state().expect("origin invariants"));
		self.destination.execute_with(|| Settlement::do_try_state().expect("destination invariants"));
	}
}

/// The bug this design removes: a fill in the deadline's last second whose message arrives
/// after the refund grace still pays the solver. Before, the origin refunded by its own clock
/// and the late fill failed with `OrderClosed`: the user kept the output and the input.
#[test]
fn a_fill_in_the_deadlines_last_second_beats_a_refund_request() {
	let mut chains = Chains::new();
	let order = chains.open();
	// A refund request in the last second is too early, and changes nothing.
	assert_noop_on(
		&mut chains.destination,
		|| {
			Now::set(DEADLINE);
			Settlement::refund_order(RuntimeOrigin::signed(bob()), order.clone())
		},
		Error::<Test>::RefundTooEarly,
	);
	assert_ok!(chains.fill(&order, DEADLINE));
	assert_eq!(chains.refund_request(&order, DEADLINE), Err(Error::<Test>::AlreadyFilled.into()));
	assert_eq!(chains.refund_request(&order, DEADLINE + 1), Err(Error::<Test>::AlreadyFilled.into()));
	assert_eq!(chains.outbox.len(), 1, "only the fill was dispatched");

	// Three hours late, long past the refund grace: the fill still settles.
	let (_, _, solver_before) = chains.origin_balances();
	chains.deliver_pending(DEADLINE + 10_800);
	let (alice_free, alice_held, solver_after) = chains.origin_balances();
	assert_eq!((alice_free, alice_held, solver_after), (ENDOWMENT - INPUT - FEE, 0, solver_before + INPUT));
	chains.check_invariants();
}

/// After a refund on the destination nothing can fill the order there, even with a clock set
/// back; the refund message returns the input to the user on the origin, once.
#[test]
fn a_refund_on_the_destination_returns_the_input_and_blocks_every_fill() {
	let mut chains = Chains::new();
	let order = chains.open();
	assert_eq!(chains.refund_request(&order, DEADLINE), Err(Error::<Test>::RefundTooEarly.into()));
	assert_ok!(chains.refund_request(&order, DEADLINE + 1));
	chains.destination.execute_with(|| {
		assert_eq!(DestinationOrders::<Test>::get(order.id()), Some(DestinationStatus::Refunded));
		assert!(System::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::Settlement(Event::OrderRefundDispatched { order_id, .. }) if order_id == order.id()
		)));
	});
	assert_eq!(chains.fill(&order, DEADLINE + 1), Err(Error::<Test>::AlreadyRefunded.into()));
	assert_eq!(chains.fill(&order, DEADLINE - 100), Err(Error::<Test>::AlreadyRefunded.into()));
	assert_eq!(chains.refund_request(&order, DEADLINE + 2), Err(Error::<Test>::AlreadyRefunded.into()));

	let (bytes, ..) = chains.outbox[0].clone();
	let message = Message::from_bytes(&bytes).unwrap();
	assert_eq!(message.body, RefundMessage { order_id: order.id() }.encode());
	assert_eq!((message.origin, message.destination), (REMOTE, LOCAL));

	chains.deliver_pending(DEADLINE + 5);
	assert_eq!(chains.origin_balances(), (ENDOWMENT - FEE, 0, ENDOWMENT));
	chains.origin.execute_with(|| {
		assert_eq!(ClosedOrders::<Test>::get(order.id()), Some(OrderOutcome::RefundAttested { message_id: message.id() }));
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::Settlement(Event::OrderRefunded { order_id: order.id(), user: alice(), amount: INPUT })));
	});
	// The replay is refused and changes nothing.
	assert_eq!(chains.deliver(0, DEADLINE + 6), Err(Error::<Test>::AlreadyDelivered.into()));
	assert_eq!(chains.origin_balances(), (ENDOWMENT - FEE, 0, ENDOWMENT));
	chains.check_invariants();
}

/// Were the destination ever to send both (it cannot: its status is set once), the origin
/// would still end the order once: settle-after-refund and refund-after-settle both fail with
/// `OrderClosed` and change nothing. The second message is made here by hand on the destination
/// chain's mailbox, as a compromised destination would.
#[test]
fn settle_after_refund_and_refund_after_settle_are_refused_on_the_origin() {
	for refund_first in [true, false] {
		let mut chains = Chains::new();
		let order = chains.open();
		let id = order.id();
		let (from, to) = (chains.destination_settler, chains.origin_settler);
		let fill_body = FillMessage { order_id: id, solver: solver().into() }.encode();
		let refund_body = RefundMessage { order_id: id }.encode();
		let (first, second) = if refund_first { (refund_body, fill_body) } else { (fill_body, refund_body) };
		for body in [first, second] {
			assert_ok!(chains.on_destination(DEADLINE + 1, || Settlement::do_dispatch(from, LOCAL, to, body, &solver()).map(|_| ()).map_err(Into::into)));
		}
		assert_ok!(chains.deliver(0, DEADLINE + 2));
		let after_first = chains.origin_balances();
		let expected = if refund_first { (ENDOWMENT - FEE, 0, ENDOWMENT) } else { (ENDOWMENT - INPUT - FEE, 0, ENDOWMENT + INPUT) };
		assert_eq!(after_first, expected);
		assert_eq!(chains.deliver(1, DEADLINE + 3), Err(Error::<Test>::OrderClosed.into()));
		assert_eq!(chains.origin_balances(), after_first);
		chains.check_invariants();
	}
}

/// Only the order's destination settler speaks for it, and only for an order that exists.
#[test]
fn refund_messages_from_elsewhere_or_for_unknown_orders_are_refused() {
	run(|| {
		let (order_id, _) = open(1, 700);
		let refund = |sender: [u8; 32], order_id| Message {
			version: 3,
			nonce: 0,
			origin: REMOTE,
			sender,
			destination: LOCAL,
			recipient: Settlement::settler_address(),
			body: RefundMessage { order_id }.encode(),
		};
		let forged = refund([0x66; 32], order_id);
		assert_noop!(process(message_id_metadata(&forged, [0; 32], 0, &[0, 1]), &forged), Error::<Test>::FillFromWrongSettler);
		let unknown = refund(REMOTE_SETTLER, [0xee; 32]);
		assert_noop!(process(message_id_metadata(&unknown, [0; 32], 0, &[0, 1]), &unknown), Error::<Test>::UnknownOrder);
		// Verified by the order's own ISM: one signature of the 2-of-3 is not enough.
		let genuine = refund(REMOTE_SETTLER, order_id);
		assert_noop!(process(message_id_metadata(&genuine, [0; 32], 0, &[0]), &genuine), Error::<Test>::BelowThreshold);
		assert_ok!(process(message_id_metadata(&genuine, [0; 32], 0, &[0, 1]), &genuine));
		assert_eq!(held(&alice()), 0);
	});
}

/// `assert_noop!` inside one chain.
fn assert_noop_on(chain: &mut TestExternalities, call: impl FnOnce() -> DispatchResult, error: Error<Test>) {
	chain.execute_with(|| {
		assert_noop!(call(), error);
	});
}

/// Every interleaving of a fill, a refund request and deliveries (each at several times
/// around the deadline, deliveries also replayed) ends the order exactly once: the solver is
/// paid the input iff the destination recorded a fill, the user gets it back iff it recorded a
/// refund, the escrow is conserved on the origin (`try_state`), and replays change nothing.
#[test]
fn every_interleaving_ends_each_order_exactly_once() {
	#[derive(Clone, Copy, Debug)]
	enum Step {
		Fill(u64),
		Refund(u64),
		Deliver(u64),
		Replay,
	}
	// The last second a fill is allowed, the first a refund is: earlier and later times behave
	// as these do (the calls compare with the deadline only).
	let times = [DEADLINE, DEADLINE + 1];
	let mut scenarios = 0;
	for &fill_at in &times {
		for &refund_at in &times {
			for &deliver_at in &[DEADLINE, DEADLINE + 86_400] {
				let steps = [Step::Fill(fill_at), Step::Refund(refund_at), Step::Deliver(deliver_at), Step::Replay];
				for order in permutations(steps.len()) {
					scenarios += 1;
					let mut chains = Chains::new();
					let data = chains.open();
					for &i in &order {
						match steps[i] {
							Step::Fill(t) => drop(chains.fill(&data, t)),
							Step::Refund(t) => drop(chains.refund_request(&data, t)),
							Step::Deliver(t) => chains.deliver_pending(t),
							Step::Replay => {
								let before = chains.origin_balances();
								for i in 0..chains.delivered {
									assert_eq!(chains.deliver(i, DEADLINE), Err(Error::<Test>::AlreadyDelivered.into()));
								}
								assert_eq!(chains.origin_balances(), before);
							},
						}
						chains.check_invariants();
					}
					// Whatever happened, a refund request after the deadline and the deliveries
					// end the order if it is still open.
					let _ = chains.refund_request(&data, DEADLINE + 90_000);
					chains.deliver_pending(DEADLINE + 90_000);
					let status = chains.destination.execute_with(|| DestinationOrders::<Test>::get(data.id()));
					let (alice_free, alice_held, solver_free) = chains.origin_balances();
					let closed = chains.origin.execute_with(|| ClosedOrders::<Test>::get(data.id()));
					let context = format!("{:?}", order.iter().map(|&i| steps[i]).collect::<Vec<_>>());
					assert_eq!(alice_held, 0, "{context}");
					match status {
						Some(DestinationStatus::Filled { .. }) => {
							assert_eq!((alice_free, solver_free), (ENDOWMENT - INPUT - FEE, ENDOWMENT + INPUT), "{context}");
							assert!(matches!(closed, Some(OrderOutcome::Settled { .. })), "{context}");
						},
						Some(DestinationStatus::Refunded) => {
							assert_eq!((alice_free, solver_free), (ENDOWMENT - FEE, ENDOWMENT), "{context}");
							assert!(matches!(closed, Some(OrderOutcome::RefundAttested { .. })), "{context}");
						},
						None => panic!("the order never ended: {context}"),
					}
					// A fill made at or before the deadline always wins.
					if fill_at <= DEADLINE && order.iter().position(|&i| i == 0) < order.iter().position(|&i| i == 1) {
						assert!(matches!(status, Some(DestinationStatus::Filled { .. })), "{context}");
					}
					chains.origin.execute_with(|| assert_eq!(crate::EscrowTotal::<Test>::get(), 0));
					chains.check_invariants();
				}
			}
		}
	}
	assert_eq!(scenarios, 2 * 2 * 2 * 24);
}

/// All orderings of `0..n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
	if n == 0 {
		return vec![Vec::new()];
	}
	let mut out = Vec::new();
	for rest in permutations(n - 1) {
		for at in 0..=rest.len() {
			let mut p = rest.clone();
			p.insert(at, n - 1);
			out.push(p);
		}
	}
	out
}

/// A version-2 chain's fills move to `DestinationOrders` with their solvers, and the old map
/// is gone; the version guard makes a second run a no-op.
#[test]
fn migration_to_v3_moves_fills_to_destination_orders() {
	use polkadot_sdk::frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run(|| {
		StorageVersion::new(2).put::<Settlement>();
		crate::migrations::v3::Filled::<Test>::insert([1; 32], [0xaa; 32]);
		crate::migrations::v3::Filled::<Test>::insert([2; 32], [0xbb; 32]);
		crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(Settlement::on_chain_storage_version(), 3);
		assert_eq!(DestinationOrders::<Test>::get([1; 32]), Some(DestinationStatus::Filled { solver: [0xaa; 32] }));
		assert_eq!(DestinationOrders::<Test>::get([2; 32]), Some(DestinationStatus::Filled { solver: [0xbb; 32] }));
		assert_eq!(crate::migrations::v3::Filled::<Test>::iter().count(), 0);
		// An entry written after the upgrade is not migrated: the guard runs it once.
		crate::migrations::v3::Filled::<Test>::insert([3; 32], [0xcc; 32]);
		crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(DestinationOrders::<Test>::get([3; 32]), None);
		let _ = crate::migrations::v3::Filled::<Test>::clear(u32::MAX, None);
	});
}
