//! The wallet against a real development node, started by this test.
//!
//! The node is found by `zksettle_client::devnode::binary`. The test is `#[ignore]`d, so that a run without a
//! node says it was skipped: `./scripts/test.sh` runs it with `--ignored` when a node is built,
//! and `./scripts/e2e-dev.sh shielded` builds the node and runs the same flow through the CLI.

use zksettle_wallet::{
	builder::{self, Anchor, AssetArg, Plan},
	keys::{Keys, Network},
	wallet::{signer, Fee, Wallet},
	WalletError,
};

mod common;
use common::{Setup, ALICE_WORDS, BOB_WORDS};

const UNIT: u64 = 1_000_000_000_000;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built zksettle-node: ./scripts/test.sh runs it when there is one, or \
            ZKSETTLE_NODE=<path> cargo test -p zksettle-wallet --test dev_node -- --ignored"]
async fn shield_send_scan_unshield_and_refuse_a_double_spend() {
	let Setup { node, chain, dir, params } = Setup::start().await;
	let mut alice = Wallet::create(&dir.path().join("alice"), Keys::from_phrase(ALICE_WORDS).unwrap(), "pw", 10, 0, Some(Network::Dev)).unwrap();
	let mut bob = Wallet::create(&dir.path().join("bob"), Keys::from_phrase(BOB_WORDS).unwrap(), "pw", 10, 0, Some(Network::Dev)).unwrap();
	let bob_address = bob.keys().address();
	let mut watcher =
		Wallet::create(&dir.path().join("watch"), Keys::from_viewing_key(&bob.keys().export_viewing_key()).unwrap(), "pw", 10, 0, Some(Network::Dev))
			.unwrap();
	let fee = chain.min_unsigned_fee().await.unwrap();

	// Shield 100 from the dev account //Alice into Alice's wallet.
	let payer = signer("//Alice").unwrap();
	alice.shield(&chain, &params, AssetArg::Native, 100 * UNIT, &payer).await.unwrap();
	assert_eq!(alice.state.balances().get(&0), Some(&u128::from(100 * UNIT)));

	// Too much is refused before anything is proven or sent.
	let err = alice.send(&chain, &params, AssetArg::Native, 200 * UNIT, bob_address, Fee::unsigned(fee)).await.unwrap_err();
	assert!(matches!(err, WalletError::InsufficientShieldedBalance { .. }), "{err}");

	// Alice pays Bob 40 privately; Bob finds the note by trial decryption.
	alice.send(&chain, &params, AssetArg::Native, 40 * UNIT, bob_address, Fee::unsigned(fee)).await.unwrap();
	assert_eq!(alice.state.balances().get(&0), Some(&(u128::from(60 * UNIT) - fee)));
	let report = bob.sync(&chain, |_, _| {}).await.unwrap();
	assert_eq!(report.received, 1);
	assert_eq!(bob.state.balances().get(&0), Some(&u128::from(40 * UNIT)));

	// Bob restored with a birthday: at the block of his note it is found; one block later the
	// scan starts after it and finds nothing, without reading a block before the birthday.
	let received_at = bob.state.notes[0].block;
	for (birthday, found) in [(received_at, 1), (received_at + 1, 0)] {
		let path = dir.path().join(format!("bob-from-{birthday}"));
		let mut restored = Wallet::create(&path, Keys::from_phrase(BOB_WORDS).unwrap(), "pw", 10, birthday, Some(Network::Dev)).unwrap();
		let report = restored.sync(&chain, |_, _| {}).await.unwrap();
		assert_eq!((report.from, report.received), (birthday, found), "birthday {birthday}");
	}

	// A watch-only wallet sees the same, and cannot spend.
	watcher.sync(&chain, |_, _| {}).await.unwrap();
	assert_eq!(watcher.state.balances(), bob.state.balances());
	let err = watcher.send(&chain, &params, AssetArg::Native, UNIT, bob_address, Fee::unsigned(fee)).await.unwrap_err();
	assert!(matches!(err, WalletError::ViewOnly), "{err}");

	// Bob unshields 30 to a brand-new account that never held anything.
	let fresh = signer(&Keys::generate_phrase().unwrap()).unwrap().public_key().to_account_id();
	assert_eq!(chain.free_balance(&fresh).await.unwrap(), 0);
	let before_unshield = bob.state.clone();
	bob.unshield(&chain, &params, AssetArg::Native, 30 * UNIT, &fresh, Fee::unsigned(fee)).await.unwrap();
	assert_eq!(chain.free_balance(&fresh).await.unwrap(), u128::from(30 * UNIT));
	assert_eq!(bob.state.balances().get(&0), Some(&(u128::from(10 * UNIT) - fee)));

	// The watcher sees the spend too: its balance follows Bob's.
	watcher.sync(&chain, |_, _| {}).await.unwrap();
	assert_eq!(watcher.state.balances(), bob.state.balances());

	// A double spend: Bob's state from before the unshield (a restored backup, say) proves the
	// same unshield again. Fresh proof randomness makes it a different transaction with a valid
	// proof and a known root, so only the nullifier check can refuse it; it pays nothing.
	let plan = Plan {
		asset: AssetArg::Native,
		ext_amount: -i128::from(30 * UNIT),
		fee,
		recipient: Some(fresh.0),
		relayer: None,
		payment: None,
		reserve: None,
	};
	let spends = before_unshield.select(0, u128::from(30 * UNIT) + fee).unwrap();
	let (root, paths) = before_unshield.anchor(&spends).unwrap();
	let (known, key_version, _) = chain.proving_context(&root).await.unwrap();
	assert!(known, "a recent root");
	let again = builder::prove(bob.keys(), &plan, &spends, &Anchor { root, paths, key_version, genesis: chain.genesis_hash() }, &params).unwrap();
	// No work stamp (nonce 0): the pool checks the nullifiers before the stamp.
	let args = [codec::Encode::encode(&again), 0u64.to_le_bytes().to_vec()].concat();
	let err = chain.submit("transact_unsigned", &args, None).await.unwrap_err();
	assert!(matches!(err, WalletError::NoteAlreadySpent), "{err}");
	assert_eq!(chain.free_balance(&fresh).await.unwrap(), u128::from(30 * UNIT));

	// The wallets reopen from disk where they were.
	let reopened = Wallet::open(&dir.path().join("bob"), "pw").unwrap();
	assert_eq!(reopened.state, bob.state);
	assert!(matches!(Wallet::open(&dir.path().join("bob"), "wrong"), Err(WalletError::WrongPassword)));
	drop(node);
}
