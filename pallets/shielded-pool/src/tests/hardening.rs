//! Attacks from the adversarial review, each performed through the public calls: the attack
//! ends in a typed error (or a refusal by the transaction pool), changes no state, and gets no
//! block weight for free.

use super::*;
use polkadot_sdk::sp_runtime::transaction_validity::{TransactionValidityError, ValidTransaction};

fn refused(code: u8) -> Result<(), TransactionValidityError> {
	Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(code)))
}

fn validate(tx: &Transaction<Test>) -> Result<ValidTransaction, TransactionValidityError> {
	ShieldedPool::validate_unsigned(TransactionSource::External, &stamped(tx))
}

fn pre_dispatch(tx: &Transaction<Test>) -> Result<(), TransactionValidityError> {
	ShieldedPool::pre_dispatch(&stamped(tx))
}

/// Shield 1000 native for a fresh key and prove an unsigned unshield of `ext_amount` to
/// `recipient` with `fee` (the change stays shielded).
fn unsigned_unshield(wallet: &mut Wallet, ext_amount: i128, recipient: u8, relayer: Option<u8>, fee: u128) -> Transaction<Test> {
	let sk = wallet.key();
	let owned = shield(wallet, &sk, 1000, Asset::Native);
	let change = (1000 + ext_amount - fee as i128) as u64;
	let outputs = [wallet.note(change, 0, &sk), wallet.note(0, 0, &sk)];
	wallet.transaction(&[owned], outputs, Asset::Native, ext_amount, ext(Some(recipient), relayer, fee))
}

/// An unshield of 1 unit to a fresh account passes every check but the payout (below the
/// existential deposit). Bare, it would be included whatever dispatch returns, its effects
/// rolled back and the note left unspent: the same spend, re-randomised, every block for free.
/// The pool must refuse it before inclusion, at validation and again at block building.
#[test]
fn an_unsigned_spend_whose_payout_would_fail_is_refused_before_inclusion() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(20);
		let tx = unsigned_unshield(&mut wallet, -1, 55, None, 20);
		let state = || (Tree::<Test>::get(), TotalShielded::<Test>::get(Asset::Native), Balances::balance(&pool()));
		let before = state();

		assert_eq!(validate(&tx).map(|_| ()), refused(validity::PAYOUT_FAILED));
		assert_eq!(pre_dispatch(&tx), refused(validity::PAYOUT_FAILED));
		Author::set(Some(account(99)));
		assert_eq!(validate(&tx).map(|_| ()), refused(validity::PAYOUT_FAILED));
		assert_eq!(pre_dispatch(&tx), refused(validity::PAYOUT_FAILED));
		// The dry run left nothing behind.
		assert_eq!(state(), before);
		assert!(!ShieldedPool::is_spent(&tx.nullifiers[0]));
		assert_eq!(Balances::balance(&account(55)), 0);
		// Dispatched anyway (a malicious author), it fails with a typed error and no change.
		assert_noop!(ShieldedPool::transact_unsigned(RuntimeOrigin::none(), tx, 0), Error::<Test>::PayoutFailed);
	});
}

/// The fee of an unsigned transaction is its spam bound, so the sender cannot take it back by
/// naming itself as the relayer: unsigned transactions name no relayer.
#[test]
fn an_unsigned_fee_cannot_be_paid_to_the_sender() {
	new_test_ext(dev_keys()).execute_with(|| {
		let attacker = 66u8;
		let mut wallet = Wallet::new(21);
		let tx = unsigned_unshield(&mut wallet, -500, attacker, Some(attacker), 100);
		assert_eq!(validate(&tx).map(|_| ()), refused(validity::POLICY));
		assert_eq!(pre_dispatch(&tx), refused(validity::POLICY));
		assert_noop!(ShieldedPool::transact_unsigned(RuntimeOrigin::none(), tx, 0), Error::<Test>::UnsignedRelayer);
		assert_eq!(Balances::balance(&account(attacker)), 0);
	});
}

/// Without a known block author (as in transaction-pool validation) the unsigned fee is burned,
/// never left to a recipient the sender picks; with one, the author is paid.
#[test]
fn unsigned_fees_go_to_the_author_or_are_burned() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(20);
		let tx = unsigned_unshield(&mut wallet, -500, 55, None, 100);
		let issuance = Balances::total_issuance();
		assert_ok!(ShieldedPool::transact_unsigned(RuntimeOrigin::none(), tx.clone(), 0));
		assert_eq!(Balances::balance(&account(55)), 500);
		assert_eq!(Balances::total_issuance(), issuance - 100);
		assert_eq!(
			last_event(),
			RuntimeEvent::ShieldedPool(Event::Transacted {
				nullifiers: tx.nullifiers,
				anchor: tx.root,
				asset: Asset::Native,
				ext_amount: -500,
				fee: 100,
				fee_recipient: None,
				recipient: Some(account(55)),
			})
		);
		wallet.applied(&tx);
		ShieldedPool::do_try_state().unwrap();

		Author::set(Some(account(99)));
		let tx = unsigned_unshield(&mut wallet, -500, 56, None, 100);
		assert_ok!(ShieldedPool::transact_unsigned(RuntimeOrigin::none(), tx, 0));
		assert_eq!(Balances::balance(&account(99)), 100);
		ShieldedPool::do_try_state().unwrap();
	});
}

/// Junk an unsigned sender makes for free: the current root, fresh nullifiers and commitments,
/// and a proof of well-formed points (any honest proof's). Every cheap check passes and only a
/// pairing would refuse it (11–12 ms of a node's time each, measured on a dev node). A flood of
/// it is refused on its stamp, before the proof is decoded; a stamp searched for one junk
/// transaction does not carry to the next; the honest transaction still validates and is
/// included.
#[test]
fn a_flood_of_junk_unsigned_proofs_costs_the_node_no_pairing() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(30);
		let honest = unsigned_unshield(&mut wallet, -500, 55, None, 100);
		let mut rng = ChaCha20Rng::seed_from_u64(29);
		let mut junk = || {
			let mut tx = honest.clone();
			tx.nullifiers = [Scalar::random(&mut rng).to_bytes(), Scalar::random(&mut rng).to_bytes()];
			tx.commitments = [Scalar::random(&mut rng).to_bytes(), Scalar::random(&mut rng).to_bytes()];
			tx
		};
		let bits = <<Test as Config>::UnsignedStampBits as polkadot_sdk::frame_support::traits::Get<u32>>::get();
		let unstamped = |tx: &Transaction<Test>| {
			let seed = tx.using_encoded(zk_verifier::stamp::seed);
			let nonce = (0u64..).find(|nonce| zk_verifier::stamp::work(&seed, *nonce) < bits).unwrap();
			ShieldedPool::validate_unsigned(
				TransactionSource::External,
				&Call::<Test>::transact_unsigned { tx: tx.clone(), stamp: nonce },
			)
		};
		let checked = || crate::checks::PROOFS_CHECKED.with(|checked| checked.get());
		let state = || (Tree::<Test>::get(), TotalShielded::<Test>::get(Asset::Native), Balances::balance(&pool()));
		let (before, proofs) = (state(), checked());

		for _ in 0..1000 {
			assert_eq!(unstamped(&junk()).map(|_| ()), refused(validity::STAMP));
		}
		// A stamp is good for the bytes it was searched for only.
		let first = junk();
		let mut second = first.clone();
		second.nullifiers[0] = Scalar::random(&mut rng).to_bytes();
		let carried = Call::<Test>::transact_unsigned { tx: second, stamp: stamp(&first) };
		assert_eq!(
			ShieldedPool::validate_unsigned(TransactionSource::External, &carried).map(|_| ()),
			refused(validity::STAMP)
		);
		assert_eq!(checked(), proofs, "no junk reached the proof check");

		// Junk whose sender did search for its stamp gets its pairing, and is refused by it.
		assert_eq!(validate(&first).map(|_| ()), refused(validity::INVALID_PROOF));
		assert_eq!(checked(), proofs + 1);
		assert_eq!(state(), before);

		// The honest transaction, stamped, is valid and goes in.
		assert!(validate(&honest).is_ok());
		assert_ok!(pre_dispatch(&honest));
		assert_ok!(ShieldedPool::transact_unsigned(RuntimeOrigin::none(), honest.clone(), stamp(&honest)));
		assert!(ShieldedPool::is_spent(&honest.nullifiers[0]));
	});
}

/// Priority follows the fee (in units of the minimum fee), so unsigned transactions compete
/// with signed ones on what they pay instead of jumping every queue.
#[test]
fn unsigned_priority_grows_with_the_fee() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(24);
		let cheap = validate(&unsigned_unshield(&mut wallet, -500, 55, None, 10)).unwrap();
		let rich = validate(&unsigned_unshield(&mut wallet, -500, 55, None, 100)).unwrap();
		// MinUnsignedFee is 10 and UnsignedPriority (per minimum fee) 100 in the mock.
		assert_eq!(cheap.priority, 100);
		assert_eq!(rich.priority, 1000);
	});
}

/// A batch whose proofs name several key versions would cost a key preparation and a pairing
/// check per version while its weight pays for one: one version per batch.
#[test]
fn a_batch_may_not_mix_key_versions() {
	new_test_ext(dev_keys()).execute_with(|| {
		// The same key under a second version: every proof is valid under both.
		assert_ok!(ShieldedPool::set_verifying_key(RuntimeOrigin::root(), 2, proving_key().verifying_key_bytes()));
		let mut wallet = Wallet::new(26);
		let sk = wallet.key();
		let mut txs = unshields_to_bob(&mut wallet, &sk, 100..102);
		txs[1].key_version = 2;
		assert_noop!(
			ShieldedPool::transact_batch(RuntimeOrigin::signed(account(BOB)), txs.clone().try_into().unwrap()),
			Error::<Test>::MixedKeyVersions
		);
		txs[1].key_version = 1;
		assert_ok!(ShieldedPool::transact_batch(RuntimeOrigin::signed(account(BOB)), txs.try_into().unwrap()));
	});
}

/// A griefer takes one transaction out of a relayer's pending batch and gets it applied first
/// (a signed `transact` of its own: the fee the proof names still goes to the relayer). The
/// batch must not fail because of it: the spent transaction is skipped, the others are
/// applied, and the relayer is charged for the work done, not for the batch it declared.
#[test]
fn a_transaction_taken_out_of_a_batch_does_not_fail_the_batch() {
	use polkadot_sdk::frame_support::{dispatch::GetDispatchInfo, traits::Get};
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(27);
		let sk = wallet.key();
		let txs = unshields_to_bob(&mut wallet, &sk, 100..103);
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(ALICE)), txs[1].clone()));

		let bob_before = Balances::balance(&account(BOB));
		let batch: BoundedVec<_, _> = txs.try_into().unwrap();
		let declared = Call::<Test>::transact_batch { txs: batch.clone() }.get_dispatch_info().call_weight;
		let applied =
			ShieldedPool::transact_batch(RuntimeOrigin::signed(account(BOB)), batch.clone()).expect("the rest applies");
		assert_eq!(Balances::balance(&account(BOB)), bob_before + 100 + 102);
		assert_eq!(TotalShielded::<Test>::get(Asset::Native), 0);
		assert!(System::events().iter().any(|r| matches!(
			&r.event,
			RuntimeEvent::ShieldedPool(Event::TransactionsSkipped { indices }) if indices[..] == [1]
		)));
		let charged = applied.actual_weight.expect("refunded to the work done");
		assert!(charged.all_lt(declared), "charged {charged:?}, declared {declared:?}");
		assert_eq!(
			charged,
			ShieldedPool::batch_weight(2)
				.saturating_add(ShieldedPool::tree_weight(2, false))
				.saturating_add(<<Test as frame_system::Config>::DbWeight as Get<polkadot_sdk::frame_support::weights::RuntimeDbWeight>>::get().reads(2))
		);

		// The same batch again: everything is spent, nothing applies, and it costs its reads.
		let tree = Tree::<Test>::get();
		let again = ShieldedPool::transact_batch(RuntimeOrigin::signed(account(BOB)), batch).expect("nothing to apply");
		assert_eq!(
			again.actual_weight,
			Some(ShieldedPool::batch_weight(0).saturating_add(<<Test as frame_system::Config>::DbWeight as Get<polkadot_sdk::frame_support::weights::RuntimeDbWeight>>::get().reads(6)))
		);
		assert_eq!(Tree::<Test>::get(), tree);
		assert_eq!(Balances::balance(&account(BOB)), bob_before + 100 + 102);
		ShieldedPool::do_try_state().unwrap();
	});
}

/// Every dev and local network shares the dev verifying key, so a transaction proven on one
/// chain verifies on any other with the same root. The proof commits to the chain's genesis
/// hash through `ext_data_hash`: under another genesis hash (another chain in the same state)
/// the same transaction fails.
#[test]
fn a_transaction_cannot_be_replayed_on_another_chain() {
	use polkadot_sdk::sp_core::H256;
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(27);
		let sk = wallet.key();
		let owned = shield(&mut wallet, &sk, 1000, Asset::Native);
		let outputs = [wallet.note(0, 0, &sk), wallet.note(0, 0, &sk)];
		let tx = wallet.transaction(&[owned], outputs, Asset::Native, -1000, ext(Some(BOB), None, 0));
		let genesis = polkadot_sdk::frame_system::BlockHash::<Test>::get(0);
		polkadot_sdk::frame_system::BlockHash::<Test>::insert(0, H256::repeat_byte(7));
		assert_noop!(ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), tx.clone()), Error::<Test>::InvalidProof);
		polkadot_sdk::frame_system::BlockHash::<Test>::insert(0, genesis);
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), tx));
	});
}

// ---------------------------------------------------------------------------------------------
// Assets

/// Alice created asset 7 and is its admin: she could shield, then burn or freeze the pool's
/// holdings and leave every note of the asset unbacked. Only assets governance allowed, whose
/// admin roles are the pool's own account (so nobody can burn or freeze there), are shielded.
#[test]
fn an_asset_admin_cannot_reach_the_pools_holdings() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(30);
		let sk = wallet.key();
		let asset = Asset::Fungible(ASSET);
		let outputs = [wallet.note(5000, 8, &sk), wallet.note(0, 8, &sk)];
		let tx = wallet.transaction(&[], outputs, asset, 5000, ext(None, None, 0));
		assert_noop!(ShieldedPool::transact(RuntimeOrigin::signed(account(ALICE)), tx.clone()), Error::<Test>::AssetNotAllowed);
		// Governance cannot allow it while Alice holds its admin roles.
		assert_noop!(ShieldedPool::allow_asset(RuntimeOrigin::root(), ASSET), Error::<Test>::AssetNotGuarded);
		assert_noop!(ShieldedPool::allow_asset(RuntimeOrigin::signed(account(ALICE)), ASSET), DispatchError::BadOrigin);

		guard_and_allow(ASSET, ALICE);
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(ALICE)), tx));
		// The admin roles are gone: no burn, no freeze of the pool's account.
		assert!(Assets::burn(RuntimeOrigin::signed(account(ALICE)), ASSET, pool(), 5000).is_err());
		assert!(Assets::freeze(RuntimeOrigin::signed(account(ALICE)), ASSET, pool()).is_err());
		assert_eq!(Assets::balance(ASSET, pool()), 5000);
		ShieldedPool::do_try_state().unwrap();

		// Disallowing stops new deposits only: notes already shielded can still leave.
		assert_ok!(ShieldedPool::disallow_asset(RuntimeOrigin::root(), ASSET));
		let outputs = [wallet.note(10, 8, &sk), wallet.note(0, 8, &sk)];
		let more = wallet.transaction(&[], outputs, asset, 10, ext(None, None, 0));
		assert_noop!(ShieldedPool::transact(RuntimeOrigin::signed(account(ALICE)), more), Error::<Test>::AssetNotAllowed);
	});
}

/// An asset with shielded value cannot be destroyed (its id re-created would inherit
/// `TotalShielded` and the old notes); once nothing is shielded it can, and a re-created id is
/// a new asset that governance must allow again.
#[test]
fn a_destroyed_asset_is_not_confused_with_a_new_one() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(31);
		let sk = wallet.key();
		guard_and_allow(ASSET, ALICE);
		let owned = shield(&mut wallet, &sk, 300, Asset::Fungible(ASSET));
		assert!(Assets::start_destroy(RuntimeOrigin::root(), ASSET).is_err(), "destroyed with value shielded");

		// Everything leaves the pool: now it may go.
		let outputs = [wallet.note(0, 8, &sk), wallet.note(0, 8, &sk)];
		let out = wallet.transaction(&[owned], outputs, Asset::Fungible(ASSET), -300, ext(Some(BOB), None, 0));
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), out));
		assert_ok!(Assets::start_destroy(RuntimeOrigin::root(), ASSET));
		assert_ok!(Assets::destroy_accounts(RuntimeOrigin::signed(account(BOB)), ASSET));
		assert_ok!(Assets::destroy_approvals(RuntimeOrigin::signed(account(BOB)), ASSET));
		assert_ok!(Assets::finish_destroy(RuntimeOrigin::signed(account(BOB)), ASSET));
		assert!(!AllowedAssets::<Test>::contains_key(ASSET));

		// The id re-created is another asset: not shieldable until allowed again.
		assert_ok!(Assets::create(RuntimeOrigin::signed(account(BOB)), ASSET, account(BOB), 1));
		assert_ok!(Assets::mint(RuntimeOrigin::signed(account(BOB)), ASSET, account(BOB), 1000));
		let outputs = [wallet.note(100, 8, &sk), wallet.note(0, 8, &sk)];
		let tx = wallet.transaction(&[], outputs, Asset::Fungible(ASSET), 100, ext(None, None, 0));
		assert_noop!(ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), tx), Error::<Test>::AssetNotAllowed);
	});
}

/// The last withdrawal of an asset whose minimum balance is above the fee: paying the amount
/// first would leave the fee alone in the pool account, below the minimum, and fail. The pool
/// account is emptied exactly.
#[test]
fn the_last_withdrawal_with_a_fee_empties_the_pool() {
	new_test_ext(dev_keys()).execute_with(|| {
		let big_min: u32 = 9;
		assert_ok!(Assets::force_create(RuntimeOrigin::root(), big_min, account(ALICE), true, 100));
		assert_ok!(Assets::mint(RuntimeOrigin::signed(account(ALICE)), big_min, account(ALICE), 10_000));
		assert_ok!(Assets::mint(RuntimeOrigin::signed(account(ALICE)), big_min, account(RELAYER), 100));
		guard_and_allow(big_min, ALICE);
		let mut wallet = Wallet::new(32);
		let sk = wallet.key();
		let asset = Asset::Fungible(big_min);
		let owned = shield(&mut wallet, &sk, 1000, asset);
		let outputs = [wallet.note(0, 10, &sk), wallet.note(0, 10, &sk)];
		let tx = wallet.transaction(&[owned], outputs, asset, -990, ext(Some(BOB), Some(RELAYER), 10));
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(RELAYER)), tx));
		assert_eq!(Assets::balance(big_min, pool()), 0);
		assert_eq!(Assets::balance(big_min, account(BOB)), 990);
		assert_eq!(Assets::balance(big_min, account(RELAYER)), 110);
		ShieldedPool::do_try_state().unwrap();
	});
}

/// A chain at storage version 0 with value of an asset shielded keeps it usable: the
/// migration allows exactly the assets with shielded value, once.
#[test]
fn migration_to_v1_allows_the_assets_already_shielded() {
	use polkadot_sdk::frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext(dev_keys()).execute_with(|| {
		TotalShielded::<Test>::insert(Asset::Fungible(ASSET), 500);
		TotalShielded::<Test>::insert(Asset::Fungible(8), 0);
		TotalShielded::<Test>::insert(Asset::Native, 900);
		StorageVersion::new(0).put::<ShieldedPool>();
		crate::migrations::v1::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(ShieldedPool::on_chain_storage_version(), 1);
		assert!(AllowedAssets::<Test>::contains_key(ASSET));
		assert_eq!(AllowedAssets::<Test>::iter().count(), 1);
		// The version guard: a second run changes nothing.
		AllowedAssets::<Test>::remove(ASSET);
		crate::migrations::v1::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert!(!AllowedAssets::<Test>::contains_key(ASSET));
	});
}

/// A chain at storage version 1 holds keys without their prepared form: the migration derives
/// it for every key, once, and transactions verify against it.
#[test]
fn migration_to_v2_prepares_every_installed_key() {
	use polkadot_sdk::frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext(dev_keys()).execute_with(|| {
		let installed = PreparedKeys::<Test>::get(1).expect("genesis prepares its keys");
		PreparedKeys::<Test>::remove(1);
		StorageVersion::new(1).put::<ShieldedPool>();
		assert!(ShieldedPool::do_try_state().is_err(), "a key without its prepared form is caught");
		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(ShieldedPool::on_chain_storage_version(), 2);
		assert_eq!(PreparedKeys::<Test>::get(1), Some(installed));
		ShieldedPool::do_try_state().unwrap();
		// The version guard: a second run changes nothing.
		PreparedKeys::<Test>::remove(1);
		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert!(!PreparedKeys::<Test>::contains_key(1));
	});
}

/// A prepared key that does not match its key (a corrupted or hand-written entry) is caught by
/// `try_state`, and removing a key removes its prepared form.
#[test]
fn prepared_keys_follow_their_keys() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut bytes = PreparedKeys::<Test>::get(1).unwrap().into_inner();
		bytes[40] ^= 1;
		PreparedKeys::<Test>::insert(1, BoundedVec::try_from(bytes).unwrap());
		assert!(ShieldedPool::do_try_state().is_err());
		assert_ok!(ShieldedPool::remove_verifying_key(RuntimeOrigin::root(), 1));
		assert!(!PreparedKeys::<Test>::contains_key(1));
		ShieldedPool::do_try_state().unwrap();
	});
}

/// A chain at storage version 2 holds the binary tree: the migration rebuilds the 4-ary tree
/// from the stored notes (completing a 1024-leaf subtree on the way), restarts the root history
/// with the new root, and the runtime API's paths lead to it.
#[test]
fn migration_to_v3_rebuilds_the_tree_from_its_notes() {
	use crate::migrations::v3::{old, BinaryTreeState, MigrateV2ToV3};
	use polkadot_sdk::frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext(dev_keys()).execute_with(|| {
		let leaves: Vec<Scalar> = (0..1030u64).map(|i| Scalar::from(9000 + i)).collect();
		for (i, leaf) in leaves.iter().enumerate() {
			Leaves::<Test>::insert(i as u64, leaf.to_bytes());
		}
		// The version-2 state: a binary frontier (its bytes do not matter to the rebuild) and a
		// root of the binary tree in the history.
		let binary_root = [8u8; 32];
		old::Tree::<Test>::put(BinaryTreeState { next_index: 1030, filled: [[7; 32]; 32], root: binary_root });
		ShieldedPool::remember_root(binary_root);
		StorageVersion::new(2).put::<ShieldedPool>();

		crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(ShieldedPool::on_chain_storage_version(), 3);
		let mut tree = MerkleTree::new();
		for leaf in &leaves {
			tree.append(*leaf).unwrap();
		}
		let root = tree.root().to_bytes();
		assert_eq!(Tree::<Test>::get().root, root);
		assert_eq!(Tree::<Test>::get().next_index, 1030);
		assert_eq!(KnownRoots::<Test>::iter_keys().collect::<Vec<_>>(), vec![root]);
		assert_eq!(SubtreeRoots::<Test>::iter().count(), 1);
		for index in [0u64, 1023, 1024, 1029] {
			let path = ShieldedPool::merkle_path(index).unwrap();
			let expected: Vec<_> = tree.path(index).unwrap().iter().flatten().map(|s| s.to_bytes()).collect();
			assert_eq!((path.siblings, path.root), (expected, root), "leaf {index}");
		}
		ShieldedPool::do_try_state().unwrap();
		// The version guard: a second run changes nothing.
		Tree::<Test>::mutate(|t| t.next_index = 1029);
		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(Tree::<Test>::get().next_index, 1029);
	});
}
