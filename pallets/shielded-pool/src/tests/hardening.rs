//! Attacks from the adversarial review, each performed through the public calls: the attack
//! ends in a typed error (or a refusal by the transaction pool), changes no state, and gets no
//! block weight for free.

use super::*;
use polkadot_sdk::sp_runtime::transaction_validity::{TransactionValidityError, ValidTransaction};

fn refused(code: u8) -> Result<(), TransactionValidityError> {
	Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(code)))
}

fn validate(tx: &Transaction<Test>) -> Result<ValidTransaction, TransactionValidityError> {
	ShieldedPool::validate_unsigned(TransactionSource::External, &Call::<Test>::transact_unsigned { tx: tx.clone() })
}

fn pre_dispatch(tx: &Transaction<Test>) -> Result<(), TransactionValidityError> {
	ShieldedPool::pre_dispatch(&Call::<Test>::transact_unsigned { tx: tx.clone() })
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
		assert_noop!(ShieldedPool::transact_unsigned(RuntimeOrigin::none(), tx), Error::<Test>::PayoutFailed);
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
		assert_noop!(ShieldedPool::transact_unsigned(RuntimeOrigin::none(), tx), Error::<Test>::UnsignedRelayer);
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
		assert_ok!(ShieldedPool::transact_unsigned(RuntimeOrigin::none(), tx.clone()));
		wallet.applied(&tx);
		assert_eq!(Balances::balance(&account(55)), 500);
		assert_eq!(Balances::total_issuance(), issuance - 100);
		assert_eq!(
			last_event(),
			RuntimeEvent::ShieldedPool(Event::Transacted {
				nullifiers: tx.nullifiers,
				root: Tree::<Test>::get().root,
				asset: Asset::Native,
				ext_amount: -500,
				fee: 100,
				fee_recipient: None,
				recipient: Some(account(55)),
			})
		);
		ShieldedPool::do_try_state().unwrap();

		Author::set(Some(account(99)));
		let tx = unsigned_unshield(&mut wallet, -500, 56, None, 100);
		assert_ok!(ShieldedPool::transact_unsigned(RuntimeOrigin::none(), tx));
		assert_eq!(Balances::balance(&account(99)), 100);
		ShieldedPool::do_try_state().unwrap();
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
		let notes: Vec<Owned> = (0..2).map(|i| shield(&mut wallet, &sk, 100 + i, Asset::Native)).collect();
		let mut txs: Vec<Transaction<Test>> = notes
			.iter()
			.map(|n| {
				let outputs = [wallet.note(0, 0, &sk), wallet.note(0, 0, &sk)];
				wallet.transaction(&[*n], outputs, Asset::Native, -(n.note.value as i128), ext(Some(BOB), None, 0))
			})
			.collect();
		txs[1].key_version = 2;
		assert_noop!(
			ShieldedPool::transact_batch(RuntimeOrigin::signed(account(BOB)), txs.clone().try_into().unwrap()),
			Error::<Test>::MixedKeyVersions
		);
		txs[1].key_version = 1;
		assert_ok!(ShieldedPool::transact_batch(RuntimeOrigin::signed(account(BOB)), txs.try_into().unwrap()));
	});
}
