//! Mailbox, ISM and intent tests in the mock runtime, with checkpoints signed by `k256` keys
//! exactly as Hyperlane validators sign them. Every failure is checked to leave no state change
//! (`assert_noop!`) and every test ends with the pallet's `try_state` invariants.

use crate::{
	checkpoint::Checkpoint,
	isms::{aggregation, multisig::Signature},
	merkle::{IncrementalMerkle, TREE_DEPTH},
	message::Message,
	mock::*,
	test_vectors::{proof_of, sign},
	ClosedOrders, Delivered, Error, Event, FillMessage, Ism, IsmOf, Isms, OrderData, OrderOutcome, Orders,
};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::fungible::{Inspect, InspectHold},
		BoundedVec,
	},
	sp_runtime::DispatchError,
};

const HOOK: [u8; 32] = [0xab; 32];

fn inbound(nonce: u32, recipient: [u8; 32], body: &[u8]) -> Message {
	Message { version: 3, nonce, origin: REMOTE, sender: [0x11; 32], destination: LOCAL, recipient, body: body.to_vec() }
}

/// Signatures of validators `signers` over `checkpoint`.
fn signatures(checkpoint: &Checkpoint, signers: &[usize]) -> Vec<u8> {
	signers.iter().flat_map(|i| sign(&secret(*i), &checkpoint.digest())).collect()
}

/// Message-id multisig metadata for `message` at leaf `index` of a tree with `root`.
fn message_id_metadata(message: &Message, root: [u8; 32], index: u32, signers: &[usize]) -> Vec<u8> {
	let checkpoint = Checkpoint { origin: message.origin, merkle_tree_hook: HOOK, root, index, message_id: message.id() };
	let mut metadata = Vec::new();
	metadata.extend_from_slice(&HOOK);
	metadata.extend_from_slice(&root);
	metadata.extend_from_slice(&index.to_be_bytes());
	metadata.extend(signatures(&checkpoint, signers));
	metadata
}

/// Merkle-root multisig metadata: `message` is leaf `index` of a tree whose leaves are the ids of
/// `messages`; the validators signed the checkpoint at the last leaf.
fn merkle_root_metadata(messages: &[Message], index: usize, signers: &[usize]) -> Vec<u8> {
	let leaves: Vec<[u8; 32]> = messages.iter().map(Message::id).collect();
	let mut tree = IncrementalMerkle::default();
	for leaf in &leaves {
		tree.insert(*leaf).unwrap();
	}
	let signed_index = leaves.len() as u32 - 1;
	let checkpoint = Checkpoint {
		origin: messages[index].origin,
		merkle_tree_hook: HOOK,
		root: tree.root(),
		index: signed_index,
		message_id: *leaves.last().unwrap(),
	};
	let mut metadata = Vec::new();
	metadata.extend_from_slice(&HOOK);
	metadata.extend_from_slice(&(index as u32).to_be_bytes());
	metadata.extend_from_slice(leaves.last().unwrap());
	for node in proof_of(&leaves, index).iter().take(TREE_DEPTH) {
		metadata.extend_from_slice(node);
	}
	metadata.extend_from_slice(&signed_index.to_be_bytes());
	metadata.extend(signatures(&checkpoint, signers));
	metadata
}

/// Relay `message` with `metadata`. The weight refund is left out (see `process_charged` for
/// it), so that errors compare with `assert_noop!`.
fn process(metadata: Vec<u8>, message: &Message) -> polkadot_sdk::frame_support::dispatch::DispatchResult {
	process_charged(metadata, message).map(|_| ()).map_err(|e| e.error)
}

/// Relay `message` with `metadata`, with the post-dispatch information.
fn process_charged(metadata: Vec<u8>, message: &Message) -> polkadot_sdk::frame_support::dispatch::DispatchResultWithPostInfo {
	Settlement::process(
		RuntimeOrigin::signed(bob()),
		BoundedVec::try_from(metadata).unwrap(),
		BoundedVec::try_from(message.to_bytes()).unwrap(),
	)
}

fn handled() -> Vec<(u32, [u8; 32], Vec<u8>)> {
	HANDLED.with(|h| h.borrow().clone())
}

fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| if let RuntimeEvent::Settlement(e) = r.event { Some(e) } else { None })
		.expect("an event")
}

/// The latest `Dispatched` event (a `dispatch` call's fee event follows it).
fn last_dispatched() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Settlement(e @ Event::Dispatched { .. }) => Some(e),
			_ => None,
		})
		.expect("a dispatch")
}

// ---------------------------------------------------------------------------------------------
// Mailbox: dispatch

#[test]
fn dispatch_numbers_messages_and_builds_the_hook_tree() {
	run(|| {
		let mut reference = IncrementalMerkle::default();
		for nonce in 0..3u32 {
			let body = vec![nonce as u8; 5];
			assert_ok!(Settlement::dispatch(RuntimeOrigin::signed(alice()), REMOTE, [0x22; 32], body.clone().try_into().unwrap()));
			let expected = Message {
				version: 3,
				nonce,
				origin: LOCAL,
				sender: [1; 32],
				destination: REMOTE,
				recipient: [0x22; 32],
				body,
			};
			let id = expected.id();
			assert_eq!(reference.insert(id), Ok(nonce));
			assert_eq!(
				last_dispatched(),
				Event::Dispatched {
					id,
					sender: [1; 32],
					destination: REMOTE,
					recipient: [0x22; 32],
					message: expected.to_bytes(),
					leaf_index: nonce,
					root: reference.root(),
				}
			);
			assert_eq!(Settlement::latest_checkpoint(), Some((reference.root(), nonce)));
		}
		// The messages stay readable from the state, whatever happens to the events.
		System::reset_events();
		let messages = Settlement::dispatched_messages(0, 10);
		assert_eq!(messages.len(), 3);
		for (nonce, bytes) in messages.iter().enumerate() {
			let message = Message::from_bytes(bytes).unwrap();
			assert_eq!((message.nonce, message.body.clone()), (nonce as u32, vec![nonce as u8; 5]));
		}
		assert_eq!(Settlement::dispatched_messages(1, 1), messages[1..2].to_vec());
		assert_eq!(Settlement::dispatched_messages(3, 10), Vec::<Vec<u8>>::new());
		assert_eq!(Settlement::dispatched_messages(0, u32::MAX).len(), 3);
	});
}

#[test]
fn empty_tree_has_hyperlanes_root_and_no_checkpoint() {
	run(|| {
		assert_eq!(Settlement::latest_checkpoint(), None);
		assert_eq!(
			crate::OutboundTree::<Test>::get().root(),
			crate::test_vectors::hex32("27ae5ba08d7291c96c8cbddcc148bf48a6d68c7974b94356f53754ef6171d757")
		);
	});
}

// ---------------------------------------------------------------------------------------------
// Mailbox: process with each ISM

#[test]
fn message_id_multisig_delivers_once() {
	run(|| {
		let message = inbound(0, TEST_RECIPIENT, b"hello");
		let metadata = message_id_metadata(&message, [0xcd; 32], 7, &[0, 2]);
		assert_ok!(process(metadata.clone(), &message));
		assert_eq!(handled(), vec![(REMOTE, [0x11; 32], b"hello".to_vec())]);
		assert_eq!(Delivered::<Test>::get(message.id()), Some(1));
		assert_eq!(
			last_event(),
			Event::Processed {
				id: message.id(),
				origin: REMOTE,
				sender: [0x11; 32],
				recipient: TEST_RECIPIENT,
				ism: 1,
				signature_checks: 2
			}
		);
		// Replay.
		assert_noop!(process(metadata, &message), Error::<Test>::AlreadyDelivered);
	});
}

#[test]
fn merkle_root_multisig_proves_an_earlier_message() {
	run(|| {
		RecipientIsm::set(Some(2));
		let messages: Vec<Message> = (0..5).map(|n| inbound(n, TEST_RECIPIENT, &[n as u8])).collect();
		for index in [0usize, 3, 4] {
			assert_ok!(process(merkle_root_metadata(&messages, index, &[4, 5]), &messages[index]));
		}
		assert_eq!(handled().len(), 3);

		// A proof for another leaf: the branch root differs, so no validator signed it.
		let metadata = merkle_root_metadata(&messages, 1, &[3, 4]);
		assert_noop!(process(metadata, &messages[2]), Error::<Test>::UnexpectedSigner);
		// The message index after the signed index.
		let mut metadata = merkle_root_metadata(&messages, 1, &[3, 4]);
		metadata[32..36].copy_from_slice(&9u32.to_be_bytes());
		assert_noop!(process(metadata, &messages[1]), Error::<Test>::IndexAfterCheckpoint);
	});
}

#[test]
fn aggregation_needs_exactly_threshold_modules() {
	run(|| {
		RecipientIsm::set(Some(4));
		let messages: Vec<Message> = (0..2).map(|n| inbound(n, TEST_RECIPIENT, &[n as u8])).collect();
		let message = &messages[1];
		let by_id = message_id_metadata(message, [0xcd; 32], 1, &[0, 1]);
		let by_root = merkle_root_metadata(&messages, 1, &[4, 5]);

		let one = aggregation::encode(&[Some(&by_id), None]);
		assert_noop!(process(one, message), Error::<Test>::AggregationThresholdMismatch);
		let bad_sub = aggregation::encode(&[Some(&by_id), Some(&by_id)]);
		assert_noop!(process(bad_sub, message), Error::<Test>::MetadataTooShort);
		let full = aggregation::encode(&[Some(&by_id), Some(&by_root)]);
		assert_noop!(process(full[..6].to_vec(), message), Error::<Test>::AggregationTableTooShort);
		assert_noop!(process(full[..40].to_vec(), message), Error::<Test>::AggregationRangeOutOfBounds);

		let both = aggregation::encode(&[Some(&by_id), Some(&by_root)]);
		assert_ok!(process(both, message));
		assert_eq!(handled().len(), 1);
		assert!(matches!(last_event(), Event::Processed { ism: 4, signature_checks: 4, .. }));
	});
}

#[test]
fn routing_by_origin() {
	run(|| {
		RecipientIsm::set(Some(5));
		let message = inbound(0, TEST_RECIPIENT, b"routed");
		assert_ok!(process(message_id_metadata(&message, [0; 32], 0, &[0, 1]), &message));
		let mut other = inbound(1, TEST_RECIPIENT, b"routed");
		other.origin = 3000;
		assert_noop!(process(message_id_metadata(&other, [0; 32], 1, &[0, 1]), &other), Error::<Test>::NoRoute);
	});
}

#[test]
fn header_checks_come_first() {
	run(|| {
		let message = inbound(0, TEST_RECIPIENT, b"x");
		let metadata = message_id_metadata(&message, [0; 32], 0, &[0, 1]);
		let mut wrong_version = message.clone();
		wrong_version.version = 2;
		assert_noop!(process(metadata.clone(), &wrong_version), Error::<Test>::UnsupportedVersion);
		let mut elsewhere = message.clone();
		elsewhere.destination = REMOTE;
		assert_noop!(process(metadata.clone(), &elsewhere), Error::<Test>::WrongDestination);
		assert_noop!(
			Settlement::process(RuntimeOrigin::signed(bob()), metadata.clone().try_into().unwrap(), vec![3; 76].try_into().unwrap())
				.map_err(|e| e.error),
			Error::<Test>::MessageTooShort
		);
		let stranger = inbound(0, [0x99; 32], b"x");
		assert_noop!(process(metadata, &stranger), Error::<Test>::UnknownRecipient);
	});
}

#[test]
fn signature_rules() {
	run(|| {
		let message = inbound(0, TEST_RECIPIENT, b"sig");
		let ok = |signers: &[usize]| message_id_metadata(&message, [0xcd; 32], 3, signers);
		// Out of order, duplicated, an outsider, below threshold.
		assert_noop!(process(ok(&[1, 0]), &message), Error::<Test>::UnexpectedSigner);
		assert_noop!(process(ok(&[1, 1]), &message), Error::<Test>::UnexpectedSigner);
		assert_noop!(process(ok(&[0, 5]), &message), Error::<Test>::UnexpectedSigner);
		assert_noop!(process(ok(&[2]), &message), Error::<Test>::BelowThreshold);
		// Malformed lengths: header cut, signatures not a multiple of 65.
		assert_noop!(process(ok(&[0, 1])[..60].to_vec(), &message), Error::<Test>::MetadataTooShort);
		let mut ragged = ok(&[0, 1]);
		ragged.pop();
		assert_noop!(process(ragged, &message), Error::<Test>::MalformedSignatures);
		// High s (the malleated twin of a valid signature), and a bad v.
		let mut high = ok(&[0, 1]);
		let first: Signature = high[68..133].try_into().unwrap();
		high[68..133].copy_from_slice(&malleate(&first));
		assert_noop!(process(high, &message), Error::<Test>::HighS);
		let mut bad_v = ok(&[0, 1]);
		bad_v[132] = 30;
		assert_noop!(process(bad_v, &message), Error::<Test>::InvalidV);
		// v as 0/1 is accepted; extra signatures after the threshold are not examined.
		let mut zero_one = ok(&[0, 1, 2]);
		zero_one[132] -= 27;
		zero_one[197] -= 27;
		assert_ok!(process(zero_one, &message));
	});
}

/// `(r, n - s, v ^ 1)`: the same signature with the high `s`.
fn malleate(signature: &Signature) -> Signature {
	const ORDER: [u8; 32] = [
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc,
		0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
	];
	let mut out = *signature;
	let mut borrow = 0i16;
	for i in (0..32).rev() {
		let d = ORDER[i] as i16 - signature[32 + i] as i16 - borrow;
		out[32 + i] = d.rem_euclid(256) as u8;
		borrow = i16::from(d < 0);
	}
	out[64] = if signature[64] == 27 { 28 } else { 27 };
	out
}

#[test]
fn a_failing_recipient_leaves_no_delivery() {
	run(|| {
		let message = inbound(0, TEST_RECIPIENT, b"fail");
		assert_noop!(process(message_id_metadata(&message, [0; 32], 0, &[0, 1]), &message), Error::<Test>::RecipientFailed);
		assert!(!Settlement::delivered(message.id()));
	});
}

// ---------------------------------------------------------------------------------------------
// Governance of ISMs

#[test]
fn ism_governance() {
	run(|| {
		let set = |validators: Vec<[u8; 20]>, threshold| {
			IsmOf::<Test>::MessageIdMultisig(crate::ValidatorSet { validators: validators.try_into().unwrap(), threshold })
		};
		assert_noop!(
			Settlement::set_ism(RuntimeOrigin::signed(alice()), 9, set(validators(0..3), 2)),
			DispatchError::BadOrigin
		);
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 9, set(validators(0..3), 0)), Error::<Test>::InvalidThreshold);
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 9, set(validators(0..3), 4)), Error::<Test>::InvalidThreshold);
		let mut twice = validators(0..2);
		twice.push(twice[0]);
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 9, set(twice, 2)), Error::<Test>::DuplicateValidator);
		let dangling = Ism::Aggregation { modules: vec![1, 42].try_into().unwrap(), threshold: 1 };
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 9, dangling), Error::<Test>::UnknownIsm);

		// Rotation: ISM 1 becomes validators 6..9, 2-of-3; old signers no longer count.
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 1, set(validators(6..9), 2)));
		assert_eq!(last_event(), Event::IsmSet { id: 1, ism: set(validators(6..9), 2), replaced: true });
		let message = inbound(0, TEST_RECIPIENT, b"rotated");
		assert_noop!(process(message_id_metadata(&message, [0; 32], 0, &[0, 1]), &message), Error::<Test>::UnexpectedSigner);
		assert_ok!(process(message_id_metadata(&message, [0; 32], 0, &[6, 8]), &message));

		assert_noop!(Settlement::remove_ism(RuntimeOrigin::root(), 1), Error::<Test>::IsmInUse);
		assert_noop!(Settlement::remove_ism(RuntimeOrigin::root(), 77), Error::<Test>::UnknownIsm);
		assert_noop!(Settlement::set_default_ism(RuntimeOrigin::root(), 77), Error::<Test>::UnknownIsm);
		assert_ok!(Settlement::set_default_ism(RuntimeOrigin::root(), 3));
		assert_ok!(Settlement::remove_ism(RuntimeOrigin::root(), 1));
		assert!(!Isms::<Test>::contains_key(1));
	});
}

#[test]
fn cycles_and_signature_budget_are_bounded() {
	run(|| {
		// 6 → 7 → 6: allowed to configure (7 is replaced after 6 refers to it), stopped at depth.
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 7, Ism::Routing { routes: vec![(REMOTE, 1)].try_into().unwrap() }));
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 6, Ism::Routing { routes: vec![(REMOTE, 7)].try_into().unwrap() }));
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 7, Ism::Routing { routes: vec![(REMOTE, 6)].try_into().unwrap() }));
		RecipientIsm::set(Some(6));
		let message = inbound(0, TEST_RECIPIENT, b"loop");
		assert_noop!(process(message_id_metadata(&message, [0; 32], 0, &[0, 1]), &message), Error::<Test>::IsmTooDeep);

		// A 5-of-7 and a 2-of-3 (of other validators) need 7 recoveries, within the mock's 8; replacing the 2-of-3
		// module afterwards by a 4-of-7 (no open order relies on it) makes the aggregation need
		// 9: process stops at the budget instead of recovering without bound.
		let multisig = |range: core::ops::Range<usize>, threshold| {
			IsmOf::<Test>::MessageIdMultisig(crate::ValidatorSet { validators: validators(range).try_into().unwrap(), threshold })
		};
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 9, multisig(7..10, 2)));
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 8, Ism::Aggregation { modules: vec![3, 9].try_into().unwrap(), threshold: 2 }));
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 9, multisig(7..14, 4)));
		RecipientIsm::set(Some(8));
		let five = message_id_metadata(&message, [0; 32], 0, &[0, 1, 2, 3, 4]);
		let four = message_id_metadata(&message, [0; 32], 0, &[7, 8, 9, 10]);
		assert_noop!(
			process(aggregation::encode(&[Some(&five), Some(&four)]), &message),
			Error::<Test>::TooManySignatureChecks
		);
	});
}

// ---------------------------------------------------------------------------------------------
// Intents

const DEADLINE: u64 = GENESIS_TIME + 3_600;

/// Alice opens an order to [`REMOTE`] under `ism`; returns its id and data.
fn open(ism: u32, input: Balance) -> (crate::OrderId, OrderData) {
	assert_ok!(Settlement::open_order(
		RuntimeOrigin::signed(alice()),
		input,
		REMOTE,
		REMOTE_SETTLER,
		990,
		[0x44; 32],
		DEADLINE,
		ism,
		1_000
	));
	match last_event() {
		Event::OrderOpened { order_id, order, .. } => (order_id, order),
		other => panic!("unexpected {other:?}"),
	}
}

/// The fill message REMOTE's settler sends for `order_id`, paying `solver()`.
fn fill_message(nonce: u32, order_id: crate::OrderId) -> Message {
	Message {
		version: 3,
		nonce,
		origin: REMOTE,
		sender: REMOTE_SETTLER,
		destination: LOCAL,
		recipient: Settlement::settler_address(),
		body: FillMessage { order_id, solver: solver().into() }.encode(),
	}
}

fn held(who: &AccountId) -> Balance {
	<Balances as InspectHold<AccountId>>::balance_on_hold(&RuntimeHoldReason::Settlement(crate::HoldReason::IntentEscrow), who)
}

#[test]
fn quotes_grow_with_the_security_level() {
	run(|| {
		// FeePerValidator 1, FeePerSignature 2.
		assert_eq!(Settlement::quote(1, REMOTE), Some(3 + 2 * 2));
		assert_eq!(Settlement::quote(3, REMOTE), Some(7 + 5 * 2));
		assert_eq!(Settlement::quote(4, REMOTE), Some(7 + 7));
		assert_eq!(Settlement::quote(5, REMOTE), Some(7));
		assert_eq!(Settlement::quote(5, 3000), None);
		assert_eq!(Settlement::quote(99, REMOTE), None);
		let all = crate::intents::quotes::<Test>(REMOTE);
		assert_eq!(all.len(), 5);
	});
}

#[test]
fn an_attested_fill_settles_the_order() {
	run(|| {
		let (order_id, data) = open(3, 5_000);
		assert_eq!(data.id(), order_id);
		assert_eq!(data.user, <[u8; 32]>::from(alice()));
		assert_eq!(held(&alice()), 5_000);
		assert_eq!(Balances::balance(&Settlement::fee_account()), 17);
		assert_eq!(Orders::<Test>::get(order_id).unwrap().fee, 17);
		assert_eq!(crate::EscrowTotal::<Test>::get(), 5_000);

		let message = fill_message(0, order_id);
		// The order's level is 5-of-7: the default 2-of-3 is not enough.
		assert_noop!(process(message_id_metadata(&message, [0; 32], 0, &[0, 1]), &message), Error::<Test>::BelowThreshold);
		let solver_before = Balances::balance(&solver());
		assert_ok!(process(message_id_metadata(&message, [0; 32], 0, &[0, 1, 2, 4, 6]), &message));
		assert_eq!(Balances::balance(&solver()), solver_before + 5_000);
		assert_eq!(held(&alice()), 0);
		assert_eq!(Balances::balance(&alice()), ENDOWMENT - 5_000 - 17);
		assert_eq!(ClosedOrders::<Test>::get(order_id), Some(OrderOutcome::Settled { message_id: message.id() }));
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::Settlement(Event::OrderSettled { order_id, solver: solver(), amount: 5_000, message_id: message.id() })));

		// Double settle with a second fill message; refund of a settled order.
		let again = fill_message(1, order_id);
		assert_noop!(process(message_id_metadata(&again, [0; 32], 1, &[0, 1, 2, 3, 4]), &again), Error::<Test>::OrderClosed);
		Now::set(DEADLINE + 10_000);
		assert_noop!(Settlement::force_refund(RuntimeOrigin::root(), order_id), Error::<Test>::OrderClosed);
	});
}

#[test]
fn fills_must_come_from_the_orders_settler_and_be_well_formed() {
	run(|| {
		let (order_id, _) = open(1, 100);
		let mut forged = fill_message(0, order_id);
		forged.sender = [0x66; 32];
		assert_noop!(process(message_id_metadata(&forged, [0; 32], 0, &[0, 1]), &forged), Error::<Test>::FillFromWrongSettler);
		let mut garbled = fill_message(0, order_id);
		garbled.body.pop();
		assert_noop!(process(message_id_metadata(&garbled, [0; 32], 0, &[0, 1]), &garbled), Error::<Test>::InvalidFillMessage);
		let unknown = fill_message(0, [0xee; 32]);
		assert_noop!(process(message_id_metadata(&unknown, [0; 32], 0, &[0, 1]), &unknown), Error::<Test>::UnknownOrder);
	});
}

/// The escape hatch: governance only, and only after the deadline and the grace.
#[test]
fn force_refund_only_by_governance_after_deadline_and_grace_then_never_settles() {
	run(|| {
		let (order_id, _) = open(1, 700);
		Now::set(DEADLINE + 10_000);
		assert_noop!(Settlement::force_refund(RuntimeOrigin::signed(alice()), order_id), DispatchError::BadOrigin);
		Now::set(GENESIS_TIME);
		assert_noop!(Settlement::force_refund(RuntimeOrigin::root(), order_id), Error::<Test>::RefundTooEarly);
		Now::set(DEADLINE + 600);
		assert_noop!(Settlement::force_refund(RuntimeOrigin::root(), order_id), Error::<Test>::RefundTooEarly);
		Now::set(DEADLINE + 601);
		assert_ok!(Settlement::force_refund(RuntimeOrigin::root(), order_id));
		assert_eq!(held(&alice()), 0);
		assert_eq!(Balances::balance(&alice()), ENDOWMENT - 7);
		assert_eq!(last_event(), Event::OrderRefunded { order_id, user: alice(), amount: 700 });
		assert_eq!(ClosedOrders::<Test>::get(order_id), Some(OrderOutcome::Refunded));
		assert_noop!(Settlement::force_refund(RuntimeOrigin::root(), order_id), Error::<Test>::OrderClosed);
		let late = fill_message(0, order_id);
		assert_noop!(process(message_id_metadata(&late, [0; 32], 0, &[0, 1]), &late), Error::<Test>::OrderClosed);
		assert_noop!(Settlement::force_refund(RuntimeOrigin::root(), [0xee; 32]), Error::<Test>::UnknownOrder);
	});
}

/// The grace is governed, and an order keeps the grace it was opened with.
#[test]
fn refund_grace_is_governed_and_fixed_per_order() {
	run(|| {
		assert_noop!(Settlement::set_refund_grace(RuntimeOrigin::signed(alice()), 60), DispatchError::BadOrigin);
		assert_noop!(Settlement::set_refund_grace(RuntimeOrigin::root(), 86_401), Error::<Test>::RefundGraceTooLong);
		let (before, _) = open(1, 700);
		assert_eq!(crate::Orders::<Test>::get(before).unwrap().refund_after, DEADLINE + 600);
		assert_ok!(Settlement::set_refund_grace(RuntimeOrigin::root(), 60));
		assert_eq!(last_event(), Event::RefundGraceSet { seconds: 60 });
		assert_eq!(crate::RefundGrace::<Test>::get(), 60);
		let (after, _) = open(1, 700);
		assert!(matches!(last_event(), Event::OrderOpened { refund_after, .. } if refund_after == DEADLINE + 60));
		assert_eq!(crate::Orders::<Test>::get(after).unwrap().refund_after, DEADLINE + 60);

		Now::set(DEADLINE + 61);
		assert_ok!(Settlement::force_refund(RuntimeOrigin::root(), after));
		// The shorter grace does not reach the order opened under the longer one.
		assert_noop!(Settlement::force_refund(RuntimeOrigin::root(), before), Error::<Test>::RefundTooEarly);
		Now::set(DEADLINE + 601);
		assert_ok!(Settlement::force_refund(RuntimeOrigin::root(), before));
	});
}

#[test]
fn open_order_checks() {
	run(|| {
		let open_with = |input: Balance, deadline: u64, ism: u32, max_fee: Balance| {
			Settlement::open_order(RuntimeOrigin::signed(alice()), input, REMOTE, REMOTE_SETTLER, 1, [0x44; 32], deadline, ism, max_fee)
		};
		assert_noop!(open_with(0, DEADLINE, 1, 100), Error::<Test>::ZeroAmount);
		assert_noop!(open_with(10, GENESIS_TIME, 1, 100), Error::<Test>::DeadlineInPast);
		assert_noop!(open_with(10, GENESIS_TIME + 86_401, 1, 100), Error::<Test>::DeadlineTooFar);
		assert_noop!(open_with(10, DEADLINE, 99, 100), Error::<Test>::UnquotableIsm);
		assert_noop!(open_with(10, DEADLINE, 3, 16), Error::<Test>::FeeTooHigh);
		// More than Alice has: the hold fails and the fee transfer is undone with it.
		assert!(open_with(ENDOWMENT, DEADLINE, 1, 100).is_err());
		assert_eq!(Balances::balance(&Settlement::fee_account()), 0);
		assert_eq!(crate::OrderNonce::<Test>::get(), 0);
	});
}

#[test]
fn fill_on_the_destination_then_settle_on_the_origin_through_our_own_mailbox() {
	// One chain plays both ends: the order's destination is this chain, so the fill message is
	// dispatched by our mailbox, signed from our own checkpoint, and processed back.
	run(|| {
		assert_ok!(Settlement::open_order(
			RuntimeOrigin::signed(alice()),
			2_000,
			LOCAL,
			Settlement::settler_address(),
			1_500,
			<[u8; 32]>::from(bob()),
			DEADLINE,
			1,
			100
		));
		let Event::OrderOpened { order_id, order, .. } = last_event() else { panic!("opened") };

		let bob_before = Balances::balance(&bob());
		assert_ok!(Settlement::fill_order(RuntimeOrigin::signed(solver()), order.clone(), solver().into()));
		assert_eq!(Balances::balance(&bob()), bob_before + 1_500);
		assert_noop!(
			Settlement::fill_order(RuntimeOrigin::signed(solver()), order.clone(), solver().into()),
			Error::<Test>::AlreadyFilled
		);
		let dispatched = System::events()
			.into_iter()
			.find_map(|r| match r.event {
				RuntimeEvent::Settlement(Event::Dispatched { message, leaf_index, root, id, .. }) => Some((message, leaf_index, root, id)),
				_ => None,
			})
			.expect("the fill was dispatched");
		let (bytes, index, root, id) = dispatched;
		let message = Message::from_bytes(&bytes).unwrap();
		assert_eq!(message.id(), id);
		assert_eq!(FillMessage::decode(&message.body), Some(FillMessage { order_id, solver: solver().into() }));

		// Our validators sign our checkpoint with our hook address, as a Hyperlane validator would.
		let checkpoint =
			Checkpoint { origin: LOCAL, merkle_tree_hook: Settlement::mailbox_address(), root, index, message_id: id };
		let mut metadata = Vec::new();
		metadata.extend_from_slice(&Settlement::mailbox_address());
		metadata.extend_from_slice(&root);
		metadata.extend_from_slice(&index.to_be_bytes());
		metadata.extend(signatures(&checkpoint, &[0, 1]));
		let solver_before = Balances::balance(&solver());
		assert_ok!(Settlement::process(RuntimeOrigin::signed(bob()), metadata.try_into().unwrap(), bytes.try_into().unwrap()));
		assert_eq!(Balances::balance(&solver()), solver_before + 2_000);
		assert_eq!(ClosedOrders::<Test>::get(order_id), Some(OrderOutcome::Settled { message_id: id }));
	});
}

#[test]
fn fill_order_checks() {
	run(|| {
		let order = OrderData {
			origin: REMOTE,
			origin_settler: REMOTE_SETTLER,
			user: [9; 32],
			nonce: 0,
			input_amount: 10,
			destination: LOCAL,
			destination_settler: Settlement::settler_address(),
			output_amount: 10,
			output_recipient: [0x44; 32],
			fill_deadline: DEADLINE,
			ism: 1,
		};
		let mut elsewhere = order.clone();
		elsewhere.destination = REMOTE;
		assert_noop!(Settlement::fill_order(RuntimeOrigin::signed(solver()), elsewhere, [3; 32]), Error::<Test>::NotThisDestination);
		let mut other_settler = order.clone();
		other_settler.destination_settler = [0; 32];
		assert_noop!(Settlement::fill_order(RuntimeOrigin::signed(solver()), other_settler, [3; 32]), Error::<Test>::NotThisDestination);
		let mut empty = order.clone();
		empty.output_amount = 0;
		assert_noop!(Settlement::fill_order(RuntimeOrigin::signed(solver()), empty, [3; 32]), Error::<Test>::ZeroAmount);
		Now::set(DEADLINE + 1);
		assert_noop!(Settlement::fill_order(RuntimeOrigin::signed(solver()), order.clone(), [3; 32]), Error::<Test>::FillDeadlinePassed);
		Now::set(DEADLINE);
		assert_ok!(Settlement::fill_order(RuntimeOrigin::signed(solver()), order, [3; 32]));
	});
}

mod announce;
mod hardening;
mod migrations;
mod native;
mod refunds;
