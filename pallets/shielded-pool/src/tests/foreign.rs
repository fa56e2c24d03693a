//! Foreign assets: governance registration, shielding and spending them like any asset, and
//! unshielding straight to the reserve chain — with the attacks on each.

use super::*;
use polkadot_sdk::frame_support::traits::fungibles::Inspect as _;

const RELAY: Asset<u32> = Asset::Foreign(0);
/// Bob's account on the reserve chain.
const BENEFICIARY: [u8; 32] = [0xbe; 32];

/// Create a foreign asset with the pool as owner, admin and freezer (as governance does).
fn create_guarded(id: ForeignAssetId) {
	assert_ok!(ForeignAssets::force_create(RuntimeOrigin::root(), id, pool(), true, 1));
}

fn allow_relay_token() {
	assert_ok!(ShieldedPool::allow_foreign_asset(RuntimeOrigin::root(), Box::new(RELAY_TOKEN)));
}

fn outbox(beneficiary: [u8; 32]) -> AccountId {
	ShieldedPool::reserve_outbox(&beneficiary).unwrap()
}

/// An unshield of `amount` (fee 10 to the relayer) of `owned` to `beneficiary` on the reserve,
/// the proof bound to `bound_to`.
fn to_reserve(wallet: &mut Wallet, owned: Owned, amount: u64, beneficiary: [u8; 32], bound_to: [u8; 32]) -> Transaction<Test> {
	let sk = owned.spending_key;
	let field = RELAY.field_value().unwrap();
	let change = owned.note.value - amount - 10;
	let outputs = [wallet.note(change, field, &sk), wallet.note(0, field, &sk)];
	let mut ext_data = ext(None, Some(RELAYER), 10);
	ext_data.recipient = Some(outbox(beneficiary));
	let hash = ext_data.hash_to_reserve(&ShieldedPool::chain_binding(), &bound_to);
	wallet.transaction_bound(&[owned], outputs, RELAY, -(amount as i128), ext_data, hash)
}

#[test]
fn the_asset_field_never_confuses_kinds() {
	assert_eq!(Asset::<u32>::Native.field_value(), Some(0));
	assert_eq!(Asset::Fungible(u32::MAX).field_value(), Some(1 << 32));
	assert_eq!(Asset::<u32>::Foreign(0).field_value(), Some(FOREIGN_ASSET_TAG));
	assert_eq!(Asset::<u32>::Foreign(u32::MAX).field_value(), Some(FOREIGN_ASSET_TAG | u64::from(u32::MAX)));
	// A local id as wide as the tag would collide with a foreign index: refused.
	assert_eq!(Asset::Fungible(FOREIGN_ASSET_TAG - 2).field_value(), Some(FOREIGN_ASSET_TAG - 1));
	assert_eq!(Asset::Fungible(FOREIGN_ASSET_TAG - 1).field_value(), None);
	assert_eq!(Asset::Fungible(u64::MAX).field_value(), None);
}

#[test]
fn governance_registers_foreign_assets_under_indices_never_reused() {
	new_test_ext(dev_keys()).execute_with(|| {
		let alice = RuntimeOrigin::signed(account(ALICE));
		assert_noop!(ShieldedPool::allow_foreign_asset(alice, Box::new(RELAY_TOKEN)), DispatchError::BadOrigin);
		assert_noop!(
			ShieldedPool::allow_foreign_asset(RuntimeOrigin::root(), Box::new(999)),
			Error::<Test>::UnknownAsset
		);
		// An asset whose owner could burn or freeze the pool's holdings is refused.
		assert_ok!(ForeignAssets::force_create(RuntimeOrigin::root(), 200, account(ALICE), true, 1));
		assert_noop!(
			ShieldedPool::allow_foreign_asset(RuntimeOrigin::root(), Box::new(200)),
			Error::<Test>::AssetNotGuarded
		);

		// An issuer other than the pool could mint the asset unbacked and take it to the reserve.
		create_guarded(300);
		let p = pool();
		assert_ok!(ForeignAssets::force_asset_status(
			RuntimeOrigin::root(),
			300,
			p.clone(),
			account(ALICE),
			p.clone(),
			p,
			1,
			true,
			false
		));
		assert_noop!(
			ShieldedPool::allow_foreign_asset(RuntimeOrigin::root(), Box::new(300)),
			Error::<Test>::AssetNotGuarded
		);

		allow_relay_token();
		assert_eq!(last_event(), Event::ForeignAssetAllowed { index: 0, asset: RELAY_TOKEN }.into());
		assert_eq!(ForeignAssetIndex::<Test>::get(RELAY_TOKEN), Some(0));
		assert_noop!(
			ShieldedPool::allow_foreign_asset(RuntimeOrigin::root(), Box::new(RELAY_TOKEN)),
			Error::<Test>::ForeignAssetRegistered
		);
		// Disallowed and allowed again: the same index, so its notes stay its notes.
		assert_ok!(ShieldedPool::disallow_foreign_asset(RuntimeOrigin::root(), Box::new(RELAY_TOKEN)));
		assert_noop!(
			ShieldedPool::disallow_foreign_asset(RuntimeOrigin::root(), Box::new(RELAY_TOKEN)),
			Error::<Test>::AssetNotAllowed
		);
		allow_relay_token();
		assert_eq!(ForeignAssetRegistry::<Test>::get(0), Some(ForeignAssetInfo { id: RELAY_TOKEN, allowed: true }));

		// Bounded: MaxForeignAssets is 3 in the mock.
		for id in [101, 102, 103] {
			create_guarded(id);
		}
		assert_ok!(ShieldedPool::allow_foreign_asset(RuntimeOrigin::root(), Box::new(101)));
		assert_ok!(ShieldedPool::allow_foreign_asset(RuntimeOrigin::root(), Box::new(102)));
		assert_noop!(
			ShieldedPool::allow_foreign_asset(RuntimeOrigin::root(), Box::new(103)),
			Error::<Test>::TooManyForeignAssets
		);

		// A destroyed asset's index is retired: created and allowed again, it is a new asset
		// for notes (here: no index left at all).
		assert_ok!(ForeignAssets::freeze_asset(RuntimeOrigin::signed(pool()), 102));
		assert_ok!(ForeignAssets::start_destroy(RuntimeOrigin::root(), 102));
		assert_ok!(ForeignAssets::destroy_accounts(RuntimeOrigin::signed(account(BOB)), 102));
		assert_ok!(ForeignAssets::destroy_approvals(RuntimeOrigin::signed(account(BOB)), 102));
		assert_ok!(ForeignAssets::finish_destroy(RuntimeOrigin::signed(account(BOB)), 102));
		System::assert_has_event(Event::ForeignAssetForgotten { index: 2, asset: 102 }.into());
		assert_eq!((ForeignAssetRegistry::<Test>::get(2), ForeignAssetIndex::<Test>::get(102)), (None, None));
		create_guarded(102);
		assert_noop!(
			ShieldedPool::allow_foreign_asset(RuntimeOrigin::root(), Box::new(102)),
			Error::<Test>::TooManyForeignAssets
		);
		ShieldedPool::do_try_state().unwrap();
	});
}

/// A foreign asset that had value shielded, all of it unshielded since, may be destroyed by
/// governance (nothing is shielded): the pool's books must then forget it too, or `try_state`
/// reports "value shielded in an unregistered foreign asset" for ever after.
#[test]
fn a_destroyed_foreign_asset_leaves_no_books_behind() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(12);
		let sk = wallet.key();
		let field = RELAY.field_value().unwrap();
		allow_relay_token();
		let owned = shield(&mut wallet, &sk, 5000, RELAY);
		let outputs = [wallet.note(0, field, &sk), wallet.note(0, field, &sk)];
		let out = wallet.transaction(&[owned], outputs, RELAY, -5000, ext(Some(BOB), None, 0));
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), out));
		assert_eq!(TotalShielded::<Test>::get(RELAY), 0);

		assert_ok!(ForeignAssets::start_destroy(RuntimeOrigin::root(), RELAY_TOKEN));
		assert_ok!(ForeignAssets::destroy_accounts(RuntimeOrigin::signed(account(BOB)), RELAY_TOKEN));
		assert_ok!(ForeignAssets::destroy_approvals(RuntimeOrigin::signed(account(BOB)), RELAY_TOKEN));
		assert_ok!(ForeignAssets::finish_destroy(RuntimeOrigin::signed(account(BOB)), RELAY_TOKEN));
		assert!(!TotalShielded::<Test>::contains_key(RELAY));
		ShieldedPool::do_try_state().unwrap();
	});
}

#[test]
fn foreign_assets_are_shielded_spent_and_unshielded_like_any_other() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(11);
		let (sk, bob_sk) = (wallet.key(), wallet.key());
		let field = RELAY.field_value().unwrap();

		// Before governance registers it, the relay token cannot enter.
		let outputs = [wallet.note(5000, field, &sk), wallet.note(0, field, &sk)];
		let early = wallet.transaction(&[], outputs, RELAY, 5000, ext(None, None, 0));
		assert_noop!(ShieldedPool::transact(RuntimeOrigin::signed(account(ALICE)), early), Error::<Test>::UnknownAsset);

		allow_relay_token();
		let owned = shield(&mut wallet, &sk, 5000, RELAY);
		assert_eq!(ForeignAssets::balance(RELAY_TOKEN, pool()), 5000);
		assert_eq!(TotalShielded::<Test>::get(RELAY), 5000);

		// A note of the relay token cannot be spent as another asset: the asset is a public
		// input, so the proof fails.
		let outputs = [wallet.note(4000, field, &bob_sk), wallet.note(1000, field, &sk)];
		let mut as_local = wallet.transaction(&[owned], outputs, RELAY, 0, ext(None, None, 0));
		as_local.asset = Asset::Fungible(ASSET);
		assert_noop!(ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), as_local), Error::<Test>::InvalidProof);

		// Private transfer to Bob; then governance stops deposits, and Bob's note still leaves.
		let outputs = [wallet.note(4000, field, &bob_sk), wallet.note(1000, field, &sk)];
		let send = wallet.transaction(&[owned], outputs, RELAY, 0, ext(None, None, 0));
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), send.clone()));
		let [bob_index, _] = wallet.applied(&send);
		let bob_note = Owned { note: outputs[0], spending_key: bob_sk, index: bob_index };
		assert_ok!(ShieldedPool::disallow_foreign_asset(RuntimeOrigin::root(), Box::new(RELAY_TOKEN)));
		let outputs = [wallet.note(0, field, &sk), wallet.note(0, field, &sk)];
		let deposit = [wallet.note(10, field, &sk), outputs[1]];
		let more = wallet.transaction(&[], deposit, RELAY, 10, ext(None, None, 0));
		assert_noop!(ShieldedPool::transact(RuntimeOrigin::signed(account(ALICE)), more), Error::<Test>::AssetNotAllowed);
		let out = wallet.transaction(&[bob_note], outputs, RELAY, -3990, ext(Some(BOB), Some(RELAYER), 10));
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(RELAYER)), out));
		assert_eq!(ForeignAssets::balance(RELAY_TOKEN, account(BOB)), 3990);
		assert_eq!(ForeignAssets::balance(RELAY_TOKEN, account(RELAYER)), 10);
		assert_eq!(ForeignAssets::balance(RELAY_TOKEN, pool()), 1000);
		assert_eq!(TotalShielded::<Test>::get(RELAY), 1000);

		// Shielded value keeps the asset alive: even a forced destruction is refused.
		assert_ok!(ForeignAssets::freeze_asset(RuntimeOrigin::signed(pool()), RELAY_TOKEN));
		assert!(ForeignAssets::start_destroy(RuntimeOrigin::root(), RELAY_TOKEN).is_err());
		ShieldedPool::do_try_state().unwrap();
	});
}

#[test]
fn an_unshield_to_the_reserve_reaches_the_beneficiary_there_and_nobody_else() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(12);
		let sk = wallet.key();
		allow_relay_token();
		let owned = shield(&mut wallet, &sk, 5000, RELAY);
		let issuance = ForeignAssets::total_issuance(RELAY_TOKEN);
		let relayer = RuntimeOrigin::signed(account(RELAYER));
		let tx = to_reserve(&mut wallet, owned, 4000, BENEFICIARY, BENEFICIARY);

		// A front-runner names itself as the beneficiary: the proof binds the beneficiary.
		let thief = [0x7f; 32];
		assert_noop!(
			ShieldedPool::transact_to_reserve(relayer.clone(), tx.clone(), Box::new(thief)),
			Error::<Test>::OutboxMismatch
		);
		let mut redirected = tx.clone();
		redirected.ext_data.recipient = Some(outbox(thief));
		assert_noop!(
			ShieldedPool::transact_to_reserve(relayer.clone(), redirected, Box::new(thief)),
			Error::<Test>::InvalidProof
		);
		// Applied as a plain unshield, the funds would be stranded in the keyless outbox: the
		// proof does not verify as one.
		assert_noop!(ShieldedPool::transact(relayer.clone(), tx.clone()), Error::<Test>::InvalidProof);
		// The reserve cannot be reached: nothing happens, the notes stay unspent.
		ReserveDown::set(true);
		assert_noop!(
			ShieldedPool::transact_to_reserve(relayer.clone(), tx.clone(), Box::new(BENEFICIARY)),
			Error::<Test>::ReserveTransferFailed
		);
		ReserveDown::set(false);
		// The signer pays the message's delivery: one that cannot is refused, nothing spent.
		let broke = RuntimeOrigin::signed(account(0x5b));
		assert_noop!(
			ShieldedPool::transact_to_reserve(broke, tx.clone(), Box::new(BENEFICIARY)),
			Error::<Test>::ReserveTransferFailed
		);

		let native = Balances::balance(&account(RELAYER));
		assert_ok!(ShieldedPool::transact_to_reserve(relayer.clone(), tx.clone(), Box::new(BENEFICIARY)));
		assert_eq!(Balances::balance(&account(RELAYER)), native - DELIVERY_FEE);
		assert_eq!(SentToReserve::get(), vec![(RELAY_TOKEN, 4000, BENEFICIARY)]);
		assert_eq!(
			last_event(),
			Event::SentToReserve { asset: RELAY_TOKEN, amount: 4000, beneficiary: BENEFICIARY }.into()
		);
		// Nothing rests here: the outbox is empty, what left is burned here (the reserve
		// releases it there), the relayer has its fee, the pool the change.
		assert_eq!(ForeignAssets::balance(RELAY_TOKEN, outbox(BENEFICIARY)), 0);
		assert_eq!(ForeignAssets::total_issuance(RELAY_TOKEN), issuance - 4000);
		assert_eq!(ForeignAssets::balance(RELAY_TOKEN, account(RELAYER)), 10);
		assert_eq!(ForeignAssets::balance(RELAY_TOKEN, pool()), 990);
		assert_eq!(TotalShielded::<Test>::get(RELAY), 990);
		// Replayed: the nullifier is spent.
		assert_noop!(
			ShieldedPool::transact_to_reserve(relayer, tx, Box::new(BENEFICIARY)),
			Error::<Test>::NullifierAlreadySpent
		);
		ShieldedPool::do_try_state().unwrap();
	});
}

/// An unshield to the reserve that the reserve cannot deposit (less than its existential
/// deposit and fee, or a beneficiary it cannot map to an account) would spend the notes here
/// and trap the funds there: refused before anything is spent.
#[test]
fn an_unshield_the_reserve_would_trap_is_refused() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(13);
		let sk = wallet.key();
		allow_relay_token();
		let owned = shield(&mut wallet, &sk, 5000, RELAY);
		let relayer = RuntimeOrigin::signed(account(RELAYER));

		let dust = to_reserve(&mut wallet, owned, (RESERVE_MINIMUM - 1) as u64, BENEFICIARY, BENEFICIARY);
		assert_noop!(
			ShieldedPool::transact_to_reserve(relayer.clone(), dust, Box::new(BENEFICIARY)),
			Error::<Test>::BelowReserveMinimum
		);
		let nobody = to_reserve(&mut wallet, owned, 4000, UNMAPPABLE, UNMAPPABLE);
		assert_noop!(
			ShieldedPool::transact_to_reserve(relayer.clone(), nobody, Box::new(UNMAPPABLE)),
			Error::<Test>::UnmappableBeneficiary
		);
		// Nothing was spent (`assert_noop!`): the smallest amount the reserve keeps goes.
		let least = to_reserve(&mut wallet, owned, RESERVE_MINIMUM as u64, BENEFICIARY, BENEFICIARY);
		assert_ok!(ShieldedPool::transact_to_reserve(relayer, least, Box::new(BENEFICIARY)));
		assert_eq!(SentToReserve::get(), vec![(RELAY_TOKEN, RESERVE_MINIMUM, BENEFICIARY)]);
	});
}

#[test]
fn only_unshields_of_foreign_assets_go_to_a_reserve() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(13);
		let sk = wallet.key();
		allow_relay_token();
		let relayer = RuntimeOrigin::signed(account(RELAYER));
		// A shield is not an unshield.
		let field = RELAY.field_value().unwrap();
		let mut ext_data = ext(None, None, 0);
		ext_data.recipient = Some(outbox(BENEFICIARY));
		let hash = ext_data.hash_to_reserve(&ShieldedPool::chain_binding(), &BENEFICIARY);
		let outputs = [wallet.note(100, field, &sk), wallet.note(0, field, &sk)];
		let shield_tx = wallet.transaction_bound(&[], outputs, RELAY, 100, ext_data, hash);
		assert_noop!(
			ShieldedPool::transact_to_reserve(relayer.clone(), shield_tx, Box::new(BENEFICIARY)),
			Error::<Test>::NotAForeignUnshield
		);
		// The native token has no reserve elsewhere.
		let owned = shield(&mut wallet, &sk, 500, Asset::Native);
		let mut ext_data = ext(None, None, 0);
		ext_data.recipient = Some(outbox(BENEFICIARY));
		let hash = ext_data.hash_to_reserve(&ShieldedPool::chain_binding(), &BENEFICIARY);
		let outputs = [wallet.note(0, 0, &sk), wallet.note(0, 0, &sk)];
		let native = wallet.transaction_bound(&[owned], outputs, Asset::Native, -500, ext_data, hash);
		assert_noop!(
			ShieldedPool::transact_to_reserve(relayer, native, Box::new(BENEFICIARY)),
			Error::<Test>::NotAForeignUnshield
		);
	});
}

/// Governance can still hand a registered asset's roles away with `force_asset_status` (the
/// pool cannot refuse another pallet's call); `try_state` reports it, so the mistake shows in
/// every try-runtime check of the chain.
#[test]
fn try_state_reports_a_registered_asset_whose_roles_left_the_pool() {
	new_test_ext(dev_keys()).execute_with(|| {
		allow_relay_token();
		ShieldedPool::do_try_state().unwrap();
		let p = pool();
		assert_ok!(ForeignAssets::force_asset_status(
			RuntimeOrigin::root(),
			RELAY_TOKEN,
			p.clone(),
			account(ALICE),
			p.clone(),
			p,
			5,
			true,
			false
		));
		assert!(ShieldedPool::do_try_state().is_err());
	});
}
