//! Tests with real proofs made by the prover, against the mock runtime.

use crate::{mock::*, *};
use ff::Field;
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{fungible::Inspect as _, Hooks},
		BoundedVec,
	},
	sp_runtime::{
		traits::ValidateUnsigned,
		transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
		DigestItem, DispatchError,
	},
};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use zk_verifier::{
	keys::SpendingKey,
	merkle::{self, MerkleTree},
	note::Note,
	prover::{build_witness, ProvingKey, SpendableNote},
	Scalar,
};

fn proving_key() -> &'static ProvingKey {
	zk_verifier::prover::dev_proving_key().expect("dev setup")
}

fn dev_keys() -> Vec<(u32, Vec<u8>)> {
	vec![(1, proving_key().verifying_key_bytes())]
}

/// A wallet for tests: spending keys, the notes it owns, and a mirror of the chain's tree.
struct Wallet {
	rng: ChaCha20Rng,
	tree: MerkleTree,
}

/// A note the wallet can spend.
type Owned = SpendableNote;

impl Wallet {
	fn new(seed: u64) -> Self {
		Wallet { rng: ChaCha20Rng::seed_from_u64(seed), tree: MerkleTree::new() }
	}

	fn key(&mut self) -> SpendingKey {
		SpendingKey::random(&mut self.rng)
	}

	fn note(&mut self, value: u64, asset: u64, owner_sk: &SpendingKey) -> Note {
		Note { value, asset, owner: owner_sk.owner(), blinding: Scalar::random(&mut self.rng) }
	}

	/// Build and prove a transaction spending `spend` (padded with dummies) into `outputs`.
	fn transaction(
		&mut self,
		spend: &[Owned],
		outputs: [Note; 2],
		asset: Asset<u32>,
		ext_amount: i128,
		ext_data: ExtData<Test>,
	) -> Transaction<Test> {
		let hash = ext_data.hash(&ShieldedPool::chain_binding());
		self.transaction_bound(spend, outputs, asset, ext_amount, ext_data, hash)
	}

	/// [`Self::transaction`] with the proof bound to `ext_data_hash`.
	fn transaction_bound(
		&mut self,
		spend: &[Owned],
		outputs: [Note; 2],
		asset: Asset<u32>,
		ext_amount: i128,
		ext_data: ExtData<Test>,
		ext_data_hash: Scalar,
	) -> Transaction<Test> {
		let witness = build_witness(
			&self.tree,
			spend,
			outputs,
			asset.field_value().unwrap(),
			ext_amount,
			ext_data.fee,
			ext_data_hash,
			&mut self.rng,
		)
		.unwrap();
		let proof = proving_key().prove_with_rng(&witness, &mut self.rng).unwrap();
		Transaction {
			proof: proof.to_uncompressed_bytes(),
			key_version: 1,
			root: witness.public.root.to_bytes(),
			nullifiers: witness.public.nullifiers.map(|n| n.to_bytes()),
			commitments: witness.public.commitments.map(|c| c.to_bytes()),
			asset,
			ext_amount,
			ext_data,
		}
	}

	/// Mirror a transaction the chain applied, once its block ended (the block ends here);
	/// returns the leaf indices of its two notes.
	fn applied(&mut self, tx: &Transaction<Test>) -> [u64; 2] {
		end_block();
		tx.commitments.map(|c| self.tree.append(Scalar::from_bytes(&c).unwrap()).unwrap())
	}
}

/// Finish the current block (the tree takes in its notes) and start the next.
fn end_block() {
	let now = System::block_number();
	ShieldedPool::on_finalize(now);
	System::set_block_number(now + 1);
	ShieldedPool::on_initialize(now + 1);
}

fn ext(recipient: Option<u8>, relayer: Option<u8>, fee: u128) -> ExtData<Test> {
	ExtData {
		recipient: recipient.map(account),
		relayer: relayer.map(account),
		fee,
		encrypted_notes: [BoundedVec::truncate_from(vec![0xaa; 80]), BoundedVec::truncate_from(vec![0xbb; 80])],
	}
}

/// Shield `value` of `asset` from Alice into a note for `sk`; returns the owned note.
fn shield(wallet: &mut Wallet, sk: &SpendingKey, value: u64, asset: Asset<u32>) -> Owned {
	let field = asset.field_value().unwrap();
	let outputs = [wallet.note(value, field, sk), wallet.note(0, field, sk)];
	let tx = wallet.transaction(&[], outputs, asset, value as i128, ext(None, None, 0));
	assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(ALICE)), tx.clone()));
	let [index, _] = wallet.applied(&tx);
	Owned { note: outputs[0], spending_key: *sk, index }
}

/// Make `asset` guarded by the pool (owner, admin and freezer the keyless pool account) and
/// allowed by governance.
fn guard_and_allow(asset: u32, owner: u8) {
	let owner = RuntimeOrigin::signed(account(owner));
	assert_ok!(Assets::set_team(owner.clone(), asset, account(ALICE), pool(), pool()));
	assert_ok!(Assets::transfer_ownership(owner, asset, pool()));
	assert_ok!(ShieldedPool::allow_asset(RuntimeOrigin::root(), asset));
}

/// The work stamp a wallet would search for `tx` at the mock's `UnsignedStampBits`.
fn stamp(tx: &Transaction<Test>) -> u64 {
	let bits = <<Test as Config>::UnsignedStampBits as polkadot_sdk::frame_support::traits::Get<u32>>::get();
	zk_verifier::stamp::mint(&tx.using_encoded(zk_verifier::stamp::seed), bits, 1).unwrap()
}

/// `tx` as an unsigned call, stamped.
fn stamped(tx: &Transaction<Test>) -> Call<Test> {
	Call::<Test>::transact_unsigned { tx: tx.clone(), stamp: stamp(tx) }
}

fn pool() -> AccountId {
	ShieldedPool::account_id()
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

#[test]
fn shield_transfer_unshield_cycle_conserves_value() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(1);
		let alice_sk = wallet.key();
		let bob_sk = wallet.key();
		let pool_before = Balances::balance(&pool());

		// Shield 1000.
		let alice_note = shield(&mut wallet, &alice_sk, 1000, Asset::Native);
		assert_eq!(Balances::balance(&account(ALICE)), 1_000_000 - 1000);
		assert_eq!(Balances::balance(&pool()), pool_before + 1000);
		assert_eq!(TotalShielded::<Test>::get(Asset::Native), 1000);
		assert_eq!(Tree::<Test>::get().next_index, 2);

		// Private transfer: 600 to Bob, 400 change to Alice. Submitted by Bob: nobody learns more.
		let to_bob = wallet.note(600, 0, &bob_sk);
		let change = wallet.note(400, 0, &alice_sk);
		let tx = wallet.transaction(&[alice_note], [to_bob, change], Asset::Native, 0, ext(None, None, 0));
		let balances_before = (Balances::balance(&account(BOB)), Balances::balance(&pool()));
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), tx.clone()));
		assert_eq!((Balances::balance(&account(BOB)), Balances::balance(&pool())), balances_before);
		assert!(ShieldedPool::is_spent(&tx.nullifiers[0]));
		assert_eq!(
			last_event(),
			RuntimeEvent::ShieldedPool(Event::Transacted {
				nullifiers: tx.nullifiers,
				anchor: tx.root,
				asset: Asset::Native,
				ext_amount: 0,
				fee: 0,
				fee_recipient: None,
				recipient: None,
			})
		);
		let [bob_index, _] = wallet.applied(&tx);
		assert_eq!(Tree::<Test>::get().root, wallet.tree.root().to_bytes());
		assert_eq!(
			last_event(),
			RuntimeEvent::ShieldedPool(Event::TreeAdvanced { root: wallet.tree.root().to_bytes(), next_index: 4 })
		);

		// Bob unshields everything to a fresh account through a relayer who takes 10.
		let bob_note = Owned { note: to_bob, spending_key: bob_sk, index: bob_index };
		let fresh = 42u8;
		assert_eq!(Balances::balance(&account(fresh)), 0);
		let outputs = [wallet.note(0, 0, &bob_sk), wallet.note(0, 0, &bob_sk)];
		let tx = wallet.transaction(&[bob_note], outputs, Asset::Native, -590, ext(Some(fresh), Some(RELAYER), 10));
		let relayer_before = Balances::balance(&account(RELAYER));
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(RELAYER)), tx.clone()));
		wallet.applied(&tx);
		assert_eq!(Balances::balance(&account(fresh)), 590);
		assert_eq!(Balances::balance(&account(RELAYER)), relayer_before + 10);
		assert_eq!(TotalShielded::<Test>::get(Asset::Native), 400);
		assert_eq!(Balances::balance(&pool()), pool_before + 400);
		assert_eq!(Tree::<Test>::get().next_index, 6);
		ShieldedPool::do_try_state().unwrap();

		// The same note cannot be spent again (double spend across blocks).
		System::set_block_number(2);
		let outputs = [wallet.note(0, 0, &bob_sk), wallet.note(0, 0, &bob_sk)];
		let again = wallet.transaction(&[bob_note], outputs, Asset::Native, -590, ext(Some(fresh), Some(RELAYER), 10));
		assert_noop!(
			ShieldedPool::transact(RuntimeOrigin::signed(account(RELAYER)), again),
			Error::<Test>::NullifierAlreadySpent
		);
	});
}

#[test]
fn assets_are_shielded_and_unshielded_separately() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(2);
		let sk = wallet.key();
		let asset = Asset::Fungible(ASSET);
		guard_and_allow(ASSET, ALICE);
		let owned = shield(&mut wallet, &sk, 5000, asset);
		assert_eq!(Assets::balance(ASSET, pool()), 5000);
		assert_eq!(TotalShielded::<Test>::get(asset), 5000);
		assert_eq!(TotalShielded::<Test>::get(Asset::Native), 0);

		// Unshield all of it: the pool's asset account is emptied exactly.
		let outputs = [wallet.note(0, 8, &sk), wallet.note(0, 8, &sk)];
		let tx = wallet.transaction(&[owned], outputs, asset, -5000, ext(Some(BOB), None, 0));
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), tx));
		assert_eq!(Assets::balance(ASSET, account(BOB)), 1_000_000 + 5000);
		assert_eq!(Assets::balance(ASSET, pool()), 0);
		assert_eq!(TotalShielded::<Test>::get(asset), 0);
		ShieldedPool::do_try_state().unwrap();
	});
}

#[test]
fn attacks_fail_with_typed_errors_and_no_state_change() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(3);
		let sk = wallet.key();
		let owned = shield(&mut wallet, &sk, 1000, Asset::Native);
		let outputs = [wallet.note(0, 0, &sk), wallet.note(0, 0, &sk)];
		let good = wallet.transaction(&[owned], outputs, Asset::Native, -1000, ext(Some(BOB), None, 0));
		let origin = || RuntimeOrigin::signed(account(BOB));

		// Recipient swapped after proving (a front-runner redirecting the withdrawal).
		let mut tx = good.clone();
		tx.ext_data.recipient = Some(account(RELAYER));
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::InvalidProof);
		// Fee raised after proving (a relayer paying itself more), keeping the public amount.
		let mut tx = good.clone();
		tx.ext_data.fee = 5;
		tx.ext_amount = -995;
		tx.ext_data.relayer = Some(account(RELAYER));
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::InvalidProof);
		// Encrypted notes swapped.
		let mut tx = good.clone();
		tx.ext_data.encrypted_notes.swap(0, 1);
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::InvalidProof);
		// A proof for other public inputs: another commitment.
		let mut tx = good.clone();
		tx.commitments[0] = Scalar::one().to_bytes();
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::InvalidProof);
		// Withdrawing more than the proof allows.
		let mut tx = good.clone();
		tx.ext_amount = -1001;
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::InvalidProof);
		// Unknown root.
		let mut tx = good.clone();
		tx.root = Scalar::from(12345u64).to_bytes();
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::UnknownRoot);
		// Same nullifier twice in one transaction.
		let mut tx = good.clone();
		tx.nullifiers[1] = tx.nullifiers[0];
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::DuplicateNullifier);
		// A non-canonical encoding of a nullifier (value + r would be a second storage key).
		let mut tx = good.clone();
		tx.nullifiers[0] = [0xff; 32];
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::NonCanonicalFieldElement);
		// Wrong verifying key version.
		let mut tx = good.clone();
		tx.key_version = 2;
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::UnknownVerifyingKey);
		// Malformed proof bytes: A is not a curve point encoding.
		let mut tx = good.clone();
		tx.proof[..48].fill(0xff);
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::MalformedProof);
		// Uncompressed points are checked to be on the curve: A with its y coordinate changed.
		let mut tx = good.clone();
		tx.proof[95] ^= 1;
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::MalformedProof);
		// The same for B (the last byte of its y coordinate).
		let mut tx = good.clone();
		tx.proof[287] ^= 1;
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::MalformedProof);
		// Amount outside the circuit's range.
		let mut tx = good.clone();
		tx.ext_amount = -(1i128 << 70);
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::AmountOutOfRange);
		// An unshield without a recipient.
		let mut tx = good.clone();
		tx.ext_data.recipient = None;
		assert_noop!(ShieldedPool::transact(origin(), tx), Error::<Test>::RecipientMismatch);

		// Pool accounting that would go negative (simulated: the pool's record is short).
		TotalShielded::<Test>::insert(Asset::Native, 999);
		assert_noop!(ShieldedPool::transact(origin(), good.clone()), Error::<Test>::PoolBalanceInsufficient);
		TotalShielded::<Test>::insert(Asset::Native, 1000);

		// The honest transaction still goes through after all that.
		assert_ok!(ShieldedPool::transact(origin(), good));
	});
}

#[test]
fn shielding_more_than_owned_fails() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(4);
		let sk = wallet.key();
		let outputs = [wallet.note(2_000_000, 0, &sk), wallet.note(0, 0, &sk)];
		let tx = wallet.transaction(&[], outputs, Asset::Native, 2_000_000, ext(None, None, 0));
		assert_noop!(ShieldedPool::transact(RuntimeOrigin::signed(account(ALICE)), tx), Error::<Test>::InsufficientFunds);
	});
}

#[test]
fn a_full_tree_rejects_new_notes() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(5);
		let sk = wallet.key();
		let outputs = [wallet.note(10, 0, &sk), wallet.note(0, 0, &sk)];
		let tx = wallet.transaction(&[], outputs, Asset::Native, 10, ext(None, None, 0));
		Tree::<Test>::mutate(|t| t.next_index = zk_verifier::merkle::CAPACITY - 1);
		assert_noop!(ShieldedPool::transact(RuntimeOrigin::signed(account(ALICE)), tx), Error::<Test>::TreeFull);
	});
}

#[test]
fn unsigned_unshield_pays_the_block_author() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(6);
		let sk = wallet.key();
		let owned = shield(&mut wallet, &sk, 1000, Asset::Native);
		let outputs = [wallet.note(0, 0, &sk), wallet.note(0, 0, &sk)];
		let tx = wallet.transaction(&[owned], outputs, Asset::Native, -980, ext(Some(77), None, 20));
		let call = stamped(&tx);

		let valid = ShieldedPool::validate_unsigned(TransactionSource::External, &call).unwrap();
		assert_eq!(valid.provides, vec![
			("ShieldedPool", tx.nullifiers[0]).encode(),
			("ShieldedPool", tx.nullifiers[1]).encode(),
		]);

		// Too small a fee is refused by the pool's policy check, before any proof work.
		let mut cheap = tx.clone();
		cheap.ext_data.fee = 1;
		assert_eq!(
			ShieldedPool::validate_unsigned(TransactionSource::External, &stamped(&cheap)),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(0)))
		);
		// A tampered proof is refused before it can spread.
		let mut bad = tx.clone();
		bad.ext_data.recipient = Some(account(78));
		assert_eq!(
			ShieldedPool::validate_unsigned(TransactionSource::External, &stamped(&bad)),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(3)))
		);

		Author::set(Some(account(99)));
		assert_ok!(ShieldedPool::transact_unsigned(RuntimeOrigin::none(), tx.clone(), 0));
		assert_eq!(Balances::balance(&account(77)), 980);
		assert_eq!(Balances::balance(&account(99)), 20);
		// Once included, the same nullifiers make it invalid in the pool.
		assert_eq!(
			ShieldedPool::validate_unsigned(TransactionSource::External, &call),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(2)))
		);
		// Signed origins cannot use the unsigned call.
		assert_noop!(
			ShieldedPool::transact_unsigned(RuntimeOrigin::signed(account(ALICE)), tx, 0),
			DispatchError::BadOrigin
		);
	});
}

/// Shield a note of each of `values` for `sk`, and prove an unshield of each, in full, to Bob.
fn unshields_to_bob(wallet: &mut Wallet, sk: &SpendingKey, values: core::ops::Range<u64>) -> Vec<Transaction<Test>> {
	let notes: Vec<Owned> = values.map(|value| shield(wallet, sk, value, Asset::Native)).collect();
	notes
		.iter()
		.map(|n| {
			let outputs = [wallet.note(0, 0, sk), wallet.note(0, 0, sk)];
			wallet.transaction(&[*n], outputs, Asset::Native, -(n.note.value as i128), ext(Some(BOB), None, 0))
		})
		.collect()
}

#[test]
fn batches_verify_together_and_apply_all_or_nothing() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(7);
		let sk = wallet.key();
		let txs = unshields_to_bob(&mut wallet, &sk, 100..103);

		// The third transaction spends the first's note again: the whole batch fails.
		let mut conflicting = txs.clone();
		conflicting[2] = conflicting[0].clone();
		assert_noop!(
			ShieldedPool::transact_batch(RuntimeOrigin::signed(account(BOB)), conflicting.try_into().unwrap()),
			Error::<Test>::NullifierAlreadySpent
		);
		// One bad proof anywhere fails the batch.
		let mut tampered = txs.clone();
		tampered[1].ext_data.recipient = Some(account(ALICE));
		assert_noop!(
			ShieldedPool::transact_batch(RuntimeOrigin::signed(account(BOB)), tampered.try_into().unwrap()),
			Error::<Test>::InvalidProof
		);
		assert_noop!(
			ShieldedPool::transact_batch(RuntimeOrigin::signed(account(BOB)), Default::default()),
			Error::<Test>::EmptyBatch
		);

		let bob_before = Balances::balance(&account(BOB));
		assert_ok!(ShieldedPool::transact_batch(RuntimeOrigin::signed(account(BOB)), txs.try_into().unwrap()));
		assert_eq!(Balances::balance(&account(BOB)), bob_before + 100 + 101 + 102);
		assert_eq!(TotalShielded::<Test>::get(Asset::Native), 0);
		ShieldedPool::do_try_state().unwrap();
	});
}

#[test]
fn governance_manages_verifying_keys() {
	new_test_ext(vec![]).execute_with(|| {
		let key = proving_key().verifying_key_bytes();
		assert_noop!(
			ShieldedPool::set_verifying_key(RuntimeOrigin::signed(account(ALICE)), 1, key.clone()),
			DispatchError::BadOrigin
		);
		let mut malformed = key.clone();
		malformed[10] ^= 1;
		assert_noop!(
			ShieldedPool::set_verifying_key(RuntimeOrigin::root(), 1, malformed),
			Error::<Test>::MalformedVerifyingKey
		);
		// A valid key for another statement shape (one public input) is refused.
		let mut one_input = zk_verifier::VerifyingKey::from_bytes(&key).unwrap();
		one_input.ic.truncate(2);
		assert_noop!(
			ShieldedPool::set_verifying_key(RuntimeOrigin::root(), 1, one_input.to_bytes()),
			Error::<Test>::WrongVerifyingKeyShape
		);
		assert_ok!(ShieldedPool::set_verifying_key(RuntimeOrigin::root(), 1, key.clone()));
		assert_eq!(ShieldedPool::latest_key_version(), Some(1));
		assert_noop!(ShieldedPool::set_verifying_key(RuntimeOrigin::root(), 1, key), Error::<Test>::VerifyingKeyExists);

		// With the key removed, proofs for it are refused.
		let mut wallet = Wallet::new(8);
		let sk = wallet.key();
		let outputs = [wallet.note(10, 0, &sk), wallet.note(0, 0, &sk)];
		let tx = wallet.transaction(&[], outputs, Asset::Native, 10, ext(None, None, 0));
		assert_ok!(ShieldedPool::remove_verifying_key(RuntimeOrigin::root(), 1));
		assert_noop!(ShieldedPool::transact(RuntimeOrigin::signed(account(ALICE)), tx), Error::<Test>::UnknownVerifyingKey);
		assert_noop!(ShieldedPool::remove_verifying_key(RuntimeOrigin::root(), 1), Error::<Test>::UnknownVerifyingKey);
	});
}

#[test]
fn merkle_paths_from_storage_match_the_wallet() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(9);
		// Fill past two subtrees (2 * 1024 leaves) through the insertion path the calls use, in
		// blocks of 1 to 13 transactions.
		let notes: [BoundedVec<u8, _>; 2] = Default::default();
		let (mut blocks, mut in_block) = (0u64, 0u64);
		for i in 0..1100u64 {
			let c = [Scalar::from(2 * i + 1).to_bytes(), Scalar::from(2 * i + 2).to_bytes()];
			let first_of_block = PendingLeaves::<Test>::get().is_none();
			assert_eq!(ShieldedPool::record_notes(&c, &notes), Ok(first_of_block));
			for x in c {
				wallet.tree.append(Scalar::from_bytes(&x).unwrap()).unwrap();
			}
			in_block += 1;
			if in_block == 1 + blocks % 13 {
				end_block();
				assert_eq!(Tree::<Test>::get().root, wallet.tree.root().to_bytes());
				(blocks, in_block) = (blocks + 1, 0);
			}
		}
		end_block();
		assert_eq!(Tree::<Test>::get().root, wallet.tree.root().to_bytes());
		assert_eq!(SubtreeRoots::<Test>::iter().count(), 2);
		for index in [0u64, 1023, 1024, 2047, 2048, 2199] {
			let path = ShieldedPool::merkle_path(index).unwrap();
			let expected: Vec<Hash32> = wallet.tree.path(index).unwrap().iter().flatten().map(|s| s.to_bytes()).collect();
			assert_eq!(path.siblings, expected, "leaf {index}");
			assert_eq!(path.root, wallet.tree.root().to_bytes());
		}
		assert_eq!(ShieldedPool::merkle_path(2200), None);
		// Old roots are remembered up to the history size, then forgotten.
		assert_eq!(KnownRoots::<Test>::iter().count(), 30);
		ShieldedPool::do_try_state().unwrap();
	});
}

/// The root advances once per block: transactions of one block all prove against roots of
/// earlier blocks, get their leaf indices at once, and the tree takes their notes in at the end
/// of the block. However many transactions a block holds, the roots of the last
/// `RootHistorySize` blocks stay valid. The first call that adds notes in a block pays for the
/// fixed part of the insertion; the others get it back.
#[test]
fn the_root_advances_once_per_block() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(11);
		let sk = wallet.key();
		let owned: Vec<Owned> = (0..3).map(|i| shield(&mut wallet, &sk, 100 + i, Asset::Native)).collect();
		let root = Tree::<Test>::get().root;
		let known = KnownRoots::<Test>::iter().count();
		let spends: Vec<Transaction<Test>> = owned
			.iter()
			.map(|n| {
				let outputs = [wallet.note(n.note.value, 0, &sk), wallet.note(0, 0, &sk)];
				wallet.transaction(&[*n], outputs, Asset::Native, 0, ext(None, None, 0))
			})
			.collect();

		let full = ShieldedPool::transact_weight(true);
		let mut charged = Vec::new();
		for (i, tx) in spends.iter().enumerate() {
			let info = ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), tx.clone()).unwrap();
			charged.push(info.actual_weight.unwrap());
			// Indices are known at once; the root and the ring wait for the end of the block.
			assert!(System::events().iter().any(|e| e.event ==
				RuntimeEvent::ShieldedPool(Event::NoteCommitted {
					leaf_index: 6 + 2 * i as u64,
					commitment: tx.commitments[0],
					encrypted_note: tx.ext_data.encrypted_notes[0].clone(),
				})));
			assert_eq!(Tree::<Test>::get().root, root);
			assert_eq!(KnownRoots::<Test>::iter().count(), known);
		}
		assert_eq!(ShieldedPool::next_leaf_index(), 12);
		assert_eq!(Tree::<Test>::get().next_index, 6);
		assert_eq!(charged[0], full);
		assert_eq!(charged[1], full - <Test as Config>::WeightInfo::advance_tree(0));
		assert_eq!(charged[2], charged[1]);
		ShieldedPool::do_try_state().unwrap();

		// The root with this block's notes is not valid before the block ends.
		for tx in &spends {
			wallet.tree.append(Scalar::from_bytes(&tx.commitments[0]).unwrap()).unwrap();
			wallet.tree.append(Scalar::from_bytes(&tx.commitments[1]).unwrap()).unwrap();
		}
		let early_root = wallet.tree.root().to_bytes();
		assert!(!ShieldedPool::is_known_root(&early_root));
		end_block();
		assert_eq!(Tree::<Test>::get().root, early_root);
		assert_eq!(Tree::<Test>::get().next_index, 12);
		assert_eq!(PendingLeaves::<Test>::get(), None);
		assert!(ShieldedPool::is_known_root(&root), "the previous block's root stays valid");
		ShieldedPool::do_try_state().unwrap();
	});
}

#[test]
fn recent_roots_are_accepted() {
	new_test_ext(dev_keys()).execute_with(|| {
		let mut wallet = Wallet::new(10);
		let sk = wallet.key();
		let owned = shield(&mut wallet, &sk, 500, Asset::Native);
		// Prove against the current root, then let the tree move on before submitting.
		let outputs = [wallet.note(0, 0, &sk), wallet.note(0, 0, &sk)];
		let tx = wallet.transaction(&[owned], outputs, Asset::Native, -500, ext(Some(BOB), None, 0));
		shield(&mut wallet, &sk, 7, Asset::Native);
		assert_ne!(Tree::<Test>::get().root, tx.root);
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(account(BOB)), tx));
	});
}

mod foreign;
mod hardening;
mod migrations;

/// The notes digests in the current block's header so far.
fn notes_digests() -> Vec<NotesDigest> {
	System::digest().logs.iter().filter_map(NotesDigest::from_digest_item).collect()
}

/// Each block that adds notes says so in its header (leaf range and root after it), blocks
/// without notes say nothing, and the leaves and subtree roots the runtime API serves rebuild the
/// tree: all a wallet needs to follow the tree without historical state.
#[test]
fn headers_and_leaf_queries_let_a_wallet_follow_the_tree() {
	new_test_ext(dev_keys()).execute_with(|| {
		let leaf = |i: u64| Scalar::from(5 + 3 * i).to_bytes();
		let no_notes = [BoundedVec::truncate_from(vec![1u8]), BoundedVec::truncate_from(vec![2u8])];
		end_block();
		assert_eq!(notes_digests(), []);
		// Two transactions' notes in one block, then 1026 more over the next block.
		for i in (0..4).step_by(2) {
			assert_ok!(ShieldedPool::record_notes(&[leaf(i), leaf(i + 1)], &no_notes));
		}
		end_block();
		let root = Tree::<Test>::get().root;
		assert_eq!(notes_digests(), [NotesDigest { first: 0, end: 4, root }]);
		let total = 2 * 2100u64;
		for i in (4..total).step_by(2) {
			assert_ok!(ShieldedPool::record_notes(&[leaf(i), leaf(i + 1)], &no_notes));
		}
		end_block();
		let root = Tree::<Test>::get().root;
		assert_eq!(notes_digests().last(), Some(&NotesDigest { first: 4, end: total, root }));

		// The digest's bytes: tag, first, end, root; other items are not taken for one.
		let item = NotesDigest { first: 4, end: total, root }.to_digest_item();
		let DigestItem::Other(bytes) = &item else { panic!("an Other item") };
		assert_eq!(bytes.len(), 4 + 8 + 8 + 32);
		assert_eq!((&bytes[..4], &bytes[4..12]), (&b"zkpn"[..], &4u64.to_le_bytes()[..]));
		assert_eq!(NotesDigest::from_digest_item(&DigestItem::Other(bytes[..51].to_vec())), None);
		assert_eq!(NotesDigest::from_digest_item(&DigestItem::Other(b"zkpm".repeat(13))), None);

		// Leaves: as far as the tree goes, at most MAX_LEAVES_PER_QUERY at once.
		assert_eq!(ShieldedPool::leaves(2, 3), vec![leaf(2), leaf(3), leaf(4)]);
		assert_eq!(ShieldedPool::leaves(total - 1, 10), vec![leaf(total - 1)]);
		assert_eq!(ShieldedPool::leaves(total, 10), Vec::<Hash32>::new());
		assert_eq!(ShieldedPool::leaves(0, u32::MAX).len(), MAX_LEAVES_PER_QUERY as usize);
		// Subtree roots: the complete subtrees only.
		let roots = ShieldedPool::subtree_roots(0, 100);
		assert_eq!(roots.len(), 4);
		assert_eq!(ShieldedPool::subtree_roots(3, 100), roots[3..].to_vec());

		// A wallet born after the fourth subtree: its roots and the leaves of the partial one
		// give the chain's frontier, byte for byte.
		let scalars = |hashes: &[Hash32]| -> Vec<Scalar> { hashes.iter().map(|h| Scalar::from_bytes(h).unwrap()).collect() };
		let partial = ShieldedPool::leaves(4096, 1024);
		let frontier = merkle::Frontier::from_subtrees(&scalars(&roots), SUBTREE_HEIGHT, &scalars(&partial)).unwrap();
		assert_eq!(TreeState::from(&frontier), Tree::<Test>::get());
	});
}
