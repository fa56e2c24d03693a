//! Attacks on the settlement pallet from the adversarial review, through the public calls.

use super::*;

fn multisig(range: core::ops::Range<usize>, threshold: u8) -> IsmOf<Test> {
	IsmOf::<Test>::MessageIdMultisig(crate::ValidatorSet { validators: validators(range).try_into().unwrap(), threshold })
}

fn aggregation(modules: &[u32], threshold: u8) -> IsmOf<Test> {
	Ism::Aggregation { modules: modules.to_vec().try_into().unwrap(), threshold }
}

/// A user paid for 5-of-7 (ISM 3). Governance must not be able to turn the level the order
/// relies on into 1-of-1, nor remove it, while the order is open: the solver and the user
/// both counted on it.
#[test]
fn an_open_orders_security_level_cannot_be_weakened_or_removed() {
	run(|| {
		let (order_id, _) = open(3, 5_000);
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 3, multisig(0..1, 1)), Error::<Test>::IsmInUse);
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 3, multisig(0..7, 4)), Error::<Test>::IsmInUse);
		assert_noop!(Settlement::remove_ism(RuntimeOrigin::root(), 3), Error::<Test>::IsmInUse);
		// Rotating its validators at the same threshold keeps the level: allowed.
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 3, multisig(1..8, 5)));
		assert_eq!(crate::IsmOrderRefs::<Test>::get(3), 1);

		// Modules of an aggregation an order relies on are protected too.
		let (aggregated, _) = open(4, 1_000);
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 2, multisig(3..4, 1)), Error::<Test>::IsmInUse);
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 4, aggregation(&[1, 2], 1)), Error::<Test>::IsmInUse);

		// Once the orders end, governance is free again.
		Now::set(DEADLINE + 10_000);
		assert_ok!(Settlement::force_refund(RuntimeOrigin::root(), order_id));
		assert_ok!(Settlement::force_refund(RuntimeOrigin::root(), aggregated));
		assert_eq!(crate::IsmOrderRefs::<Test>::get(3), 0);
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 2, multisig(3..4, 1)));
		assert_ok!(Settlement::remove_ism(RuntimeOrigin::root(), 3));
	});
}

fn merkle_root(range: core::ops::Range<usize>, threshold: u8) -> IsmOf<Test> {
	IsmOf::<Test>::MerkleRootMultisig(crate::ValidatorSet { validators: validators(range).try_into().unwrap(), threshold })
}

/// A user paid for the aggregated level (ISM 4: message-id 2-of-3 of validators 0..3 and
/// merkle-root 2-of-3 of validators 3..6): four distinct signers. A "rotation" of one module
/// that keeps its type and threshold but moves it onto the other's validators (every member
/// swapped, or just one shared) would let two keys sign for both modules and settle what was
/// paid for as four.
#[test]
fn a_rotation_cannot_make_an_aggregations_modules_share_signers() {
	use crate::isms::independence::Registry;
	run(|| {
		let (order_id, _) = open(4, 1_000);
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 2, merkle_root(0..3, 2)), Error::<Test>::SharedValidators);
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 2, merkle_root(2..5, 2)), Error::<Test>::SharedValidators);
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 1, multisig(3..6, 2)), Error::<Test>::SharedValidators);

		// So two keys cannot attest the level: both modules' metadata signed by validators 0
		// and 1 is refused by the merkle-root module.
		RecipientIsm::set(Some(4));
		let messages: Vec<Message> = (0..2).map(|n| inbound(n, TEST_RECIPIENT, &[n as u8])).collect();
		let by_id = message_id_metadata(&messages[1], [0xcd; 32], 1, &[0, 1]);
		let by_root = merkle_root_metadata(&messages, 1, &[0, 1]);
		assert!(process(aggregation::encode(&[Some(&by_id), Some(&by_root)]), &messages[1]).is_err());

		// A genuine rotation onto fresh validators keeps four distinct signers.
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 2, merkle_root(6..9, 2)));
		let (registry, _) = Registry::<Test>::load().unwrap();
		assert_eq!(registry.distinct_signers(4, Some(REMOTE), 0), 4);

		// New aggregations are held to the rule, nested ones through their modules' validators;
		// an aggregation of threshold one (either module may attest) is not.
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 8, aggregation(&[1, 3], 2)), Error::<Test>::SharedValidators);
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 8, aggregation(&[1, 3], 1)));
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 9, aggregation(&[8, 2], 2)), Error::<Test>::SharedValidators);
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 9, aggregation(&[8, 2], 1)));
		// A module of an aggregation nobody relies on cannot be rotated into overlap either:
		// the next order would pay for signers it does not get.
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 10, multisig(10..12, 2)));
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 11, aggregation(&[10, 2], 2)));
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 10, multisig(7..9, 2)), Error::<Test>::SharedValidators);

		Now::set(DEADLINE + 10_000);
		assert_ok!(Settlement::force_refund(RuntimeOrigin::root(), order_id));
	});
}

/// The registry is bounded (`MaxIsms`, 32 in the mock): `set_ism` reads it in full.
#[test]
fn the_registry_is_bounded() {
	run(|| {
		// Genesis installed five.
		for id in 6..=32u32 {
			assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), id, multisig(0..1, 1)));
		}
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 33, multisig(0..1, 1)), Error::<Test>::TooManyIsms);
		// Replacing one is no growth.
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 32, multisig(0..2, 1)));
		assert_ok!(Settlement::remove_ism(RuntimeOrigin::root(), 32));
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 33, multisig(0..1, 1)));
	});
}

/// An ISM no metadata can satisfy within the chain's limits would take the user's fee and end
/// every order under it in a refund after the solver filled: refused when configured.
#[test]
fn unsatisfiable_isms_are_refused() {
	run(|| {
		// Signature budget: 5-of-7 and 2-of-3 (of other validators) need 7 recoveries, within
		// the mock's 8.
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 7, multisig(20..23, 2)));
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 8, aggregation(&[3, 7], 2)));
		// 5-of-7 and that aggregation need 12.
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 9, aggregation(&[3, 8], 2)), Error::<Test>::UnsatisfiableIsm);
		// Even the cheapest choice counts: 1-of-2 of those needs 7.
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 9, aggregation(&[3, 8], 1)));

		// Metadata length: four merkle-root 1-of-1 modules need 4 × (1096 + 65) + 32 bytes,
		// above the mock's 4096; three fit.
		for id in 10..14u32 {
			let one = validators(id as usize..id as usize + 1);
			let ism = IsmOf::<Test>::MerkleRootMultisig(crate::ValidatorSet { validators: one.try_into().unwrap(), threshold: 1 });
			assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), id, ism));
		}
		assert_noop!(
			Settlement::set_ism(RuntimeOrigin::root(), 14, aggregation(&[10, 11, 12, 13], 4)),
			Error::<Test>::UnsatisfiableIsm
		);
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 14, aggregation(&[10, 11, 12, 13], 3)));
	});
}

/// The same module twice in an aggregation pays (and is quoted) twice for one attestation.
#[test]
fn duplicate_modules_are_refused() {
	run(|| {
		assert_noop!(Settlement::set_ism(RuntimeOrigin::root(), 8, aggregation(&[1, 1], 2)), Error::<Test>::DuplicateModule);
		// Two routes to one ISM are two origins, not a duplicate.
		assert_ok!(Settlement::set_ism(
			RuntimeOrigin::root(),
			8,
			Ism::Routing { routes: vec![(REMOTE, 1), (3000, 1)].try_into().unwrap() }
		));
	});
}

/// A recipient that fails is reported as a failing recipient, not an unknown one.
#[test]
fn a_failing_handler_has_its_own_error() {
	run(|| {
		let message = inbound(0, TEST_RECIPIENT, b"fail");
		assert_noop!(process(message_id_metadata(&message, [0; 32], 0, &[0, 1]), &message), Error::<Test>::RecipientFailed);
	});
}

/// A chain at storage version 0 with open orders gets them counted, once, under every ISM they
/// rely on: their own and the modules of an aggregation.
#[test]
fn migration_to_v1_counts_open_orders_by_ism() {
	use polkadot_sdk::frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run(|| {
		open(3, 1_000);
		open(3, 2_000);
		open(1, 500);
		open(4, 700); // aggregation of 1 and 2
		// As a v0 chain had them: no counts, version 0.
		let _ = crate::IsmOrderRefs::<Test>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<Settlement>();
		crate::migrations::v1::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Settlement::on_chain_storage_version(), 1);
		assert_eq!(crate::IsmOrderRefs::<Test>::get(3), 2);
		assert_eq!(crate::IsmOrderRefs::<Test>::get(1), 2);
		assert_eq!(crate::IsmOrderRefs::<Test>::get(2), 1);
		assert_eq!(crate::IsmOrderRefs::<Test>::get(4), 1);
		assert_eq!(crate::IsmOrderRefs::<Test>::get(5), 0);
		// Run again: the version guard makes it a no-op.
		crate::migrations::v1::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(crate::IsmOrderRefs::<Test>::get(3), 2);
	});
}

/// A chain at storage version 1 moves to 2 with nothing else changed; messages dispatched after
/// the upgrade are kept, and the version guard makes a second run a no-op.
#[test]
fn migration_to_v2_keeps_messages_from_then_on() {
	use polkadot_sdk::frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run(|| {
		StorageVersion::new(1).put::<Settlement>();
		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Settlement::on_chain_storage_version(), 2);
		assert_ok!(Settlement::dispatch(RuntimeOrigin::signed(alice()), REMOTE, [0x22; 32], vec![1, 2].try_into().unwrap()));
		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Settlement::dispatched_messages(0, 5).len(), 1);
		assert_eq!(Settlement::on_chain_storage_version(), 2);
	});
}

/// Hyperlane's `localDomain` is immutable. Here governance could change it at any time, so root
/// on one chain could take another chain's domain: the validators both chains share would sign
/// its messages as the other chain's, and a third chain would settle orders never filled. The
/// call is gone (it no longer decodes) and the domain stays what genesis set.
#[test]
fn the_local_domain_is_fixed_after_genesis() {
	use codec::{Decode, Encode};
	run(|| {
		let set_local_domain = (2u8, 2u8, REMOTE).encode();
		assert!(RuntimeCall::decode(&mut &set_local_domain[..]).is_err(), "set_local_domain still decodes");
		assert_eq!(crate::LocalDomain::<Test>::get(), LOCAL);
	});
}

/// A chain whose genesis set no domain (0) would share it with every other such chain: it can
/// neither send, nor receive, nor open or fill orders.
#[test]
fn a_chain_without_a_domain_sends_and_receives_nothing() {
	new_test_ext().execute_with(|| {
		crate::LocalDomain::<Test>::put(0);
		let body: BoundedVec<u8, _> = BoundedVec::truncate_from(b"hi".to_vec());
		assert_noop!(Settlement::dispatch(RuntimeOrigin::signed(alice()), REMOTE, [1; 32], body), Error::<Test>::NoLocalDomain);
		let message = Message { destination: 0, ..inbound(0, TEST_RECIPIENT, b"to nobody") };
		assert_noop!(process(message_id_metadata(&message, [0; 32], 0, &[0, 1]), &message), Error::<Test>::NoLocalDomain);
		assert_noop!(
			Settlement::open_order(RuntimeOrigin::signed(alice()), 10, REMOTE, REMOTE_SETTLER, 1, [0x44; 32], DEADLINE, 1, 100),
			Error::<Test>::NoLocalDomain
		);
		assert!(Settlement::do_try_state().is_err());
	});
}

/// The mailbox (merkle tree hook) and settler addresses were the PalletId's, the same on every
/// zkSettle chain, so checkpoints of one chain named the same hook as another's. They are
/// salted by the chain: another domain gives other addresses.
#[test]
fn mailbox_and_settler_addresses_differ_between_chains() {
	run(|| {
		let here = (Settlement::mailbox_address(), Settlement::settler_address());
		// The same pallet on another chain (another domain at its genesis).
		crate::LocalDomain::<Test>::put(REMOTE);
		let there = (Settlement::mailbox_address(), Settlement::settler_address());
		crate::LocalDomain::<Test>::put(LOCAL);
		assert_ne!(here.0, there.0);
		assert_ne!(here.1, there.1);
		assert_ne!(here.0, here.1);
		// Another chain with the same domain by mistake: its salt (para id) still tells them apart.
		Salt::set(3042);
		assert_ne!(Settlement::mailbox_address(), here.0);
		assert_ne!(Settlement::settler_address(), here.1);
		Salt::set(2042);
	});
}

/// `destination_settler` was taken as given: an order naming an address that is not the
/// destination's settler can never be filled by it (the user's fee is spent for nothing and the
/// input locked until the refund), and an address someone else controls there could send the
/// fill message. Orders name the settler enrolled for their destination (as Hyperlane routers
/// enroll their remote routers).
#[test]
fn orders_name_the_destinations_enrolled_settler() {
	run(|| {
		let open_to = |destination: u32, settler: [u8; 32]| {
			Settlement::open_order(RuntimeOrigin::signed(alice()), 10, destination, settler, 1, [0x44; 32], DEADLINE, 1, 100)
		};
		assert_noop!(open_to(REMOTE, [0x66; 32]), Error::<Test>::UnknownSettler);
		assert_noop!(open_to(3000, [0x67; 32]), Error::<Test>::UnknownSettler);
		assert_noop!(Settlement::enroll_settler(RuntimeOrigin::signed(alice()), 3000, [0x67; 32]), DispatchError::BadOrigin);
		assert_ok!(Settlement::enroll_settler(RuntimeOrigin::root(), 3000, [0x67; 32]));
		assert_ok!(open_to(3000, [0x67; 32]));
		assert_ok!(open_to(REMOTE, REMOTE_SETTLER));
	});
}

// ---------------------------------------------------------------------------------------------
// Weights: what a walk of the ISM registry costs is charged, and bounded.

fn actual_weight(
	result: polkadot_sdk::frame_support::dispatch::DispatchResultWithPostInfo,
) -> polkadot_sdk::frame_support::weights::Weight {
	let info = match result {
		Ok(info) => info,
		Err(e) => e.post_info,
	};
	info.actual_weight.expect("the call reports the weight it used")
}

/// A message relayed a second time fails at once; charging it the full worst-case `process`
/// (64 recoveries on the runtime) would make a relayer race costly for the honest loser and
/// the chain's fee a poor measure of the work.
#[test]
fn a_duplicate_relay_pays_for_a_lookup_not_a_verification() {
	run(|| {
		let message = inbound(0, TEST_RECIPIENT, b"hello");
		let metadata = message_id_metadata(&message, [0; 32], 0, &[0, 1]);
		assert_ok!(process(metadata.clone(), &message));
		let again = process_charged(metadata, &message);
		assert_eq!(again.map(|_| ()).map_err(|e| e.error), Err(Error::<Test>::AlreadyDelivered.into()));
		// Nothing verified: no recovery, no registry read, no handler.
		assert_eq!(actual_weight(again), <() as crate::WeightInfo>::process(0));
	});
}

/// Verifying through an aggregation reads the aggregation and each module it uses; the charge
/// must grow with those reads (and with the merkle proof), not stay that of one multisig.
#[test]
fn nested_isms_are_charged_for_every_read() {
	run(|| {
		let direct = inbound(0, TEST_RECIPIENT, b"direct");
		let direct_weight = actual_weight(process_charged(message_id_metadata(&direct, [0; 32], 0, &[0, 1]), &direct));

		// ISM 4 = aggregation of 1 (message id, 2-of-3) and 2 (merkle root, 2-of-3).
		RecipientIsm::set(Some(4));
		let messages: Vec<Message> = (1..3).map(|n| inbound(n, TEST_RECIPIENT, b"nested")).collect();
		let message = &messages[1];
		let by_id = message_id_metadata(message, [0xcd; 32], 1, &[0, 1]);
		let by_root = merkle_root_metadata(&messages, 1, &[4, 5]);
		let nested_weight =
			actual_weight(process_charged(aggregation::encode(&[Some(&by_id), Some(&by_root)]), message));

		let extra = nested_weight.saturating_sub(direct_weight);
		let reads_and_proof = <() as crate::WeightInfo>::ism_read()
			.saturating_mul(2)
			.saturating_add(<() as crate::WeightInfo>::merkle_branch());
		let two_more_checks =
			<() as crate::WeightInfo>::process(4).saturating_sub(<() as crate::WeightInfo>::process(2));
		assert_eq!(extra, reads_and_proof.saturating_add(two_more_checks));
	});
}

/// Opening an order walks its security level three times (quote, satisfiability, closure) and
/// raises a counter per ISM of the closure: an aggregation costs more than a multisig.
#[test]
fn opening_an_order_is_charged_for_its_walks() {
	run(|| {
		let open_charged = |ism: u32| {
			actual_weight(Settlement::open_order(
				RuntimeOrigin::signed(alice()),
				10,
				REMOTE,
				REMOTE_SETTLER,
				1,
				[0x44; 32],
				DEADLINE,
				ism,
				1_000,
			))
		};
		let multisig = open_charged(1);
		let aggregated = open_charged(4);
		// The aggregation's walks: quote 3 reads, satisfiability 2 (its modules), closure 3, and
		// 3 counters against 1, 0 (a multisig has no modules), 1 and 1.
		let reads = <() as crate::WeightInfo>::ism_read().saturating_mul(8 - 2);
		let counters = <() as crate::WeightInfo>::order_ref().saturating_mul(3 - 1);
		assert_eq!(aggregated.saturating_sub(multisig), reads.saturating_add(counters));
	});
}

/// A registry walk is bounded: an ISM whose satisfiability walk reads more ISMs than
/// `MaxIsmReads` (16 in the mock) is refused, whatever else it satisfies.
#[test]
fn registry_walks_are_bounded() {
	run(|| {
		// Four aggregations of the same four multisigs, and one over those four: its walk reads
		// its four modules and their four each, 4 × (1 + 4) = 20 ISMs.
		for id in 10..14u32 {
			assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), id, multisig(id as usize..id as usize + 1, 1)));
		}
		for id in 20..24u32 {
			assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), id, aggregation(&[10, 11, 12, 13], 1)));
		}
		assert_noop!(
			Settlement::set_ism(RuntimeOrigin::root(), 30, aggregation(&[20, 21, 22, 23], 1)),
			Error::<Test>::TooManyIsmReads
		);
		// Three of them: 3 × 5 = 15 reads, within it.
		assert_ok!(Settlement::set_ism(RuntimeOrigin::root(), 30, aggregation(&[20, 21, 22], 1)));
	});
}

/// An order pins its security level (its ISMs cannot be removed or weakened while it is open)
/// and leaves a record for good: a 1-planck order would pin governance for nothing.
#[test]
fn a_dust_order_cannot_pin_a_security_level() {
	run(|| {
		let dust = <<Test as crate::Config>::MinOrderInput as polkadot_sdk::frame_support::traits::Get<Balance>>::get() - 1;
		let before = (crate::OrderNonce::<Test>::get(), crate::IsmOrderRefs::<Test>::get(3), Balances::balance(&alice()));
		assert_noop!(
			Settlement::open_order(RuntimeOrigin::signed(alice()), dust, REMOTE, REMOTE_SETTLER, 1, [0x44; 32], DEADLINE, 3, 1_000),
			Error::<Test>::OrderTooSmall
		);
		assert_eq!((crate::OrderNonce::<Test>::get(), crate::IsmOrderRefs::<Test>::get(3), Balances::balance(&alice())), before);
		// At the minimum, the order opens and pins ISM 3.
		open(3, dust + 1);
		assert_eq!(crate::IsmOrderRefs::<Test>::get(3), 1);
		assert_noop!(Settlement::remove_ism(RuntimeOrigin::root(), 3), Error::<Test>::IsmInUse);
	});
}

/// `DispatchedMessages` keeps every message for good (validators and relayers read it after
/// any outage), so the sender pays for each byte kept; a sender who cannot pay dispatches
/// nothing: no message, no leaf, no fee.
#[test]
fn dispatched_messages_are_paid_for_by_the_byte() {
	run(|| {
		let body: BoundedVec<u8, _> = vec![7u8; 100].try_into().unwrap();
		let fees = Balances::balance(&Settlement::fee_account());
		let alice_before = Balances::balance(&alice());
		assert_ok!(Settlement::dispatch(RuntimeOrigin::signed(alice()), REMOTE, [0x22; 32], body.clone()));
		let fee = Settlement::message_fee(100);
		assert_eq!(fee, 177, "MessageByteFee 1 per byte, the 77-byte header included");
		assert_eq!(Balances::balance(&alice()), alice_before - fee);
		assert_eq!(Balances::balance(&Settlement::fee_account()), fees + fee);
		assert!(matches!(last_event(), Event::MessageFeePaid { payer, fee: 177, .. } if payer == alice()));

		let broke = AccountId::new([0x77; 32]);
		let count = crate::OutboundTree::<Test>::get().count;
		assert!(Settlement::dispatch(RuntimeOrigin::signed(broke), REMOTE, [0x22; 32], body).is_err());
		assert_eq!(crate::OutboundTree::<Test>::get().count, count);
		assert!(crate::DispatchedMessages::<Test>::get(count).is_none());
	});
}
