//! Integration tests through the real runtime: genesis from the `development` preset, calls
//! dispatched as a user would make them.

use crate::*;
use frame_support::{
	assert_ok,
	traits::{fungible::Inspect, Hooks},
	BoundedVec,
};
use polkadot_sdk::{sp_io, sp_keyring::Sr25519Keyring};
use pallet_shielded_pool::{Asset, ExtData, Transaction};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sp_runtime::{traits::Dispatchable, AccountId32};
use zk_verifier::{
	keys::SpendingKey,
	merkle::MerkleTree,
	note::Note,
	prover::{build_witness, ProvingKey, SpendableNote},
	Scalar,
};

fn proving_key() -> &'static ProvingKey {
	zk_verifier::prover::dev_proving_key().expect("dev setup")
}

/// State built by the `development` preset, exactly as a dev chain starts.
pub(crate) fn development_state() -> sp_io::TestExternalities {
	let storage = genesis_config_presets::preset_storage(&sp_genesis_builder::DEV_RUNTIME_PRESET.into())
		.expect("the development preset builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

fn prove(
	tree: &MerkleTree,
	spends: &[SpendableNote],
	outputs: [Note; 2],
	ext_amount: i128,
	ext_data: ExtData<Runtime>,
	rng: &mut ChaCha20Rng,
) -> Transaction<Runtime> {
	let hash = ext_data.hash(&ShieldedPool::chain_binding());
	prove_bound(tree, spends, outputs, Asset::Native, ext_amount, ext_data, hash, rng)
}

/// A transaction of `asset` whose proof is bound to `ext_data_hash`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn prove_bound(
	tree: &MerkleTree,
	spends: &[SpendableNote],
	outputs: [Note; 2],
	asset: Asset<u32>,
	ext_amount: i128,
	ext_data: ExtData<Runtime>,
	ext_data_hash: Scalar,
	rng: &mut ChaCha20Rng,
) -> Transaction<Runtime> {
	let field = asset.field_value().expect("a representable asset");
	let witness = build_witness(tree, spends, outputs, field, ext_amount, ext_data.fee, ext_data_hash, rng).expect("valid");
	let proof = proving_key().prove_with_rng(&witness, rng).expect("proof");
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

pub(crate) fn ext_data(recipient: Option<AccountId>, relayer: Option<AccountId>, fee: Balance) -> ExtData<Runtime> {
	ExtData { recipient, relayer, fee, encrypted_notes: [BoundedVec::truncate_from(vec![1; 64]), BoundedVec::truncate_from(vec![2; 64])] }
}

#[test]
fn dev_preset_installs_the_dev_key_and_funds_accounts() {
	development_state().execute_with(|| {
		assert_eq!(ShieldedPool::latest_key_version(), Some(1));
		assert_eq!(Balances::balance(&Sr25519Keyring::Alice.to_account_id()), 1_000_000 * UNIT);
		assert_eq!(Balances::balance(&ShieldedPool::account_id()), EXISTENTIAL_DEPOSIT);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
		assert_eq!(ParachainInfo::parachain_id(), PARACHAIN_ID.into());
	});
}

#[test]
fn collators_are_discoverable_in_authoring_order() {
	use sp_authority_discovery::runtime_decl_for_authority_discovery_api::AuthorityDiscoveryApiV1;
	use sp_core::crypto::ByteArray;

	// The local testnet: Alice and Bob collate, each with one sr25519 key for both roles.
	let storage = genesis_config_presets::preset_storage(&sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET.into())
		.expect("the local preset builds");
	sp_io::TestExternalities::new(storage).execute_with(|| {
		let aura: Vec<Vec<u8>> = pallet_aura::Authorities::<Runtime>::get().iter().map(|k| k.to_raw_vec()).collect();
		let discovery: Vec<Vec<u8>> =
			<Runtime as AuthorityDiscoveryApiV1<Block>>::authorities().iter().map(|k| k.to_raw_vec()).collect();
		// Both collators, and the API in Aura's order.
		let mut sorted = aura.clone();
		sorted.sort();
		let mut expected: Vec<Vec<u8>> =
			[Sr25519Keyring::Alice, Sr25519Keyring::Bob].iter().map(|k| k.public().to_raw_vec()).collect();
		expected.sort();
		assert_eq!(sorted, expected);
		assert_eq!(discovery, aura);

		// At genesis that order is also sorted, so tell the orders apart with a session whose
		// authoring order is not sorted by key (Alice d435…, Dave 3067…, Bob 8eaf…) and with a
		// different next set: the API must follow the session, where the pallet's own
		// `authorities()` would sort and merge in the next session's keys.
		use frame_support::traits::OneSessionHandler;
		let id = |k: Sr25519Keyring| (k.to_account_id(), AuthorityDiscoveryId::from(k.public()));
		let current = [Sr25519Keyring::Alice, Sr25519Keyring::Dave, Sr25519Keyring::Bob].map(id);
		let next = [Sr25519Keyring::Eve].map(id);
		fn pairs(set: &[(AccountId, AuthorityDiscoveryId)]) -> Vec<(&AccountId, AuthorityDiscoveryId)> {
			set.iter().map(|(a, k)| (a, k.clone())).collect()
		}
		<AuthorityDiscovery as OneSessionHandler<AccountId>>::on_new_session(
			true,
			pairs(&current).into_iter(),
			pairs(&next).into_iter(),
		);
		let discovery: Vec<Vec<u8>> =
			<Runtime as AuthorityDiscoveryApiV1<Block>>::authorities().iter().map(|k| k.to_raw_vec()).collect();
		let authoring: Vec<Vec<u8>> = current.iter().map(|(_, k)| k.to_raw_vec()).collect();
		assert_eq!(discovery, authoring);
		let merged: Vec<Vec<u8>> = AuthorityDiscovery::authorities().iter().map(|k| k.to_raw_vec()).collect();
		assert_ne!(merged, authoring);
	});

	// The session keys a collator registers carry both key types, in this order.
	let keys = SessionKeys {
		aura: Sr25519Keyring::Charlie.public().into(),
		authority_discovery: Sr25519Keyring::Dave.public().into(),
	};
	let raw = SessionKeys::decode_into_raw_public_keys(&codec::Encode::encode(&keys)).expect("decodes");
	let types: Vec<_> = raw.iter().map(|(_, key_type)| *key_type).collect();
	assert_eq!(types, [sp_core::crypto::key_types::AURA, sp_core::crypto::key_types::AUTHORITY_DISCOVERY]);
	assert_eq!(raw[1].0, Sr25519Keyring::Dave.public().to_raw_vec());
}

#[test]
fn shield_private_transfer_unshield_through_the_runtime() {
	development_state().execute_with(|| {
		let mut rng = ChaCha20Rng::seed_from_u64(7);
		let mut tree = MerkleTree::new();
		let alice = Sr25519Keyring::Alice.to_account_id();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let alice_sk = SpendingKey::from_seed(b"alice");
		let bob_sk = SpendingKey::from_seed(b"bob");
		let note = |value: u64, sk: &SpendingKey, rng: &mut ChaCha20Rng| Note {
			value,
			asset: 0,
			owner: sk.owner(),
			blinding: <Scalar as ff::Field>::random(rng),
		};
		let amount = 100 * UNIT as u64;

		// Shield 100 ZKS from Alice's public balance.
		let outputs = [note(amount, &alice_sk, &mut rng), note(0, &alice_sk, &mut rng)];
		let tx = prove(&tree, &[], outputs, amount.into(), ext_data(None, None, 0), &mut rng);
		let before = Balances::balance(&alice);
		assert_ok!(RuntimeCall::ShieldedPool(pallet_shielded_pool::Call::transact { tx: tx.clone() })
			.dispatch(RuntimeOrigin::signed(alice.clone())));
		assert_eq!(Balances::balance(&alice), before - u128::from(amount));
		// The notes join the tree at the end of the block; proofs refer to the root then.
		ShieldedPool::on_finalize(1);
		System::set_block_number(2);
		let shielded = SpendableNote { note: outputs[0], spending_key: alice_sk, index: tree.append(outputs[0].commitment()).unwrap() };
		tree.append(outputs[1].commitment()).unwrap();

		// Private transfer of everything to Bob's shielded key, relayed by Charlie for a fee.
		let fee = MILLI_UNIT;
		let to_bob = note(amount - fee as u64, &bob_sk, &mut rng);
		let outputs = [to_bob, note(0, &alice_sk, &mut rng)];
		let tx = prove(&tree, &[shielded], outputs, 0, ext_data(None, Some(charlie.clone()), fee), &mut rng);
		let charlie_before = Balances::balance(&charlie);
		assert_ok!(RuntimeCall::ShieldedPool(pallet_shielded_pool::Call::transact { tx: tx.clone() })
			.dispatch(RuntimeOrigin::signed(charlie.clone())));
		assert_eq!(Balances::balance(&charlie), charlie_before + fee);
		ShieldedPool::on_finalize(2);
		let bob_note = SpendableNote { note: to_bob, spending_key: bob_sk, index: tree.append(to_bob.commitment()).unwrap() };
		tree.append(outputs[1].commitment()).unwrap();
		assert_eq!(pallet_shielded_pool::Tree::<Runtime>::get().root, tree.root().to_bytes());

		// Bob unshields to a brand-new account, unsigned: the block author takes the fee, or (no
		// author here) it is burned.
		System::set_block_number(3);
		let fresh = AccountId32::new([0x5a; 32]);
		let fee = 10 * MILLI_UNIT;
		let outputs = [note(0, &bob_sk, &mut rng), note(0, &bob_sk, &mut rng)];
		let unshield = i128::from(to_bob.value) - fee as i128;
		let tx = prove(&tree, &[bob_note], outputs, -unshield, ext_data(Some(fresh.clone()), None, fee), &mut rng);
		let issuance = Balances::total_issuance();
		assert_ok!(RuntimeCall::ShieldedPool(pallet_shielded_pool::Call::transact_unsigned { tx, stamp: 0 })
			.dispatch(RuntimeOrigin::none()));
		assert_eq!(Balances::balance(&fresh) as i128, unshield);
		assert_eq!(Balances::total_issuance(), issuance - fee);
		assert_eq!(pallet_shielded_pool::TotalShielded::<Runtime>::get(Asset::Native), 0);
		assert_eq!(Balances::balance(&ShieldedPool::account_id()), EXISTENTIAL_DEPOSIT);
		ShieldedPool::on_finalize(3);
		assert_eq!(pallet_shielded_pool::Tree::<Runtime>::get().next_index, 6);
	});
}

/// The published secret keys of the first seven Anvil/Hardhat test accounts.
const ANVIL_SECRETS: [&str; 7] = [
	"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
	"7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
	"47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
	"8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
	"92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
];

/// The heaviest call of each pallet fits in one block's normal-class extrinsic limit: a call
/// weighing more could never be included. (The figures themselves are in BENCHMARKS.md.)
#[test]
fn the_heaviest_calls_fit_in_a_block() {
	use frame_support::{dispatch::DispatchClass, traits::Get};
	use pallet_settlement::{WeightInfo as _, Work};
	use pallet_shielded_pool::WeightInfo as _;
	let limits = <Runtime as frame_system::Config>::BlockWeights::get();
	let max = limits.get(DispatchClass::Normal).max_extrinsic.expect("normal extrinsics have a limit");
	type PoolWeights = <Runtime as pallet_shielded_pool::Config>::WeightInfo;
	type SettlementWeights = <Runtime as pallet_settlement::Config>::WeightInfo;
	let batch = <Runtime as pallet_shielded_pool::Config>::MaxBatchSize::get();
	let body = <Runtime as pallet_settlement::Config>::MaxBodyLen::get();
	let validators = <Runtime as pallet_settlement::Config>::MaxValidators::get();
	for (call, weight) in [
		// The weights the calls declare (a transaction opening the block carries its insertion).
		("shielded_pool::transact", ShieldedPool::transact_weight(true)),
		(
			"shielded_pool::transact_to_reserve",
			ShieldedPool::transact_weight(true)
				.saturating_add(<configs::xcm_config::ToReserve as pallet_shielded_pool::ReserveTransfer<_, _, _>>::weight()),
		),
		(
			"shielded_pool::transact_batch(MaxBatchSize)",
			PoolWeights::transact_batch(batch).saturating_add(ShieldedPool::tree_weight(batch, true)),
		),
		("settlement::process (worst case)", Work::max_process::<Runtime>().process_weight::<Runtime>()),
		(
			"settlement::open_order (worst case)",
			SettlementWeights::open_order().saturating_add(Work::max_open_order::<Runtime>().weight::<Runtime>()),
		),
		(
			"settlement::force_refund (worst case)",
			SettlementWeights::force_refund().saturating_add(Work::max_refund::<Runtime>().weight::<Runtime>()),
		),
		("settlement::refund_order", SettlementWeights::refund_order()),
		("settlement::dispatch(MaxBodyLen)", SettlementWeights::dispatch(body)),
		("settlement::set_ism(MaxValidators)", SettlementWeights::set_ism(validators)),
	] {
		assert!(weight.all_lte(max), "{call} weighs {weight:?}, more than a block allows ({max:?})");
	}
	// A full batch is cheaper per transaction than single transactions: the point of batching.
	assert!(PoolWeights::transact_batch(batch).ref_time() < PoolWeights::transact().ref_time() * u64::from(batch));
}

fn anvil_key(i: usize) -> k256::ecdsa::SigningKey {
	let secret: Vec<u8> =
		(0..32).map(|j| u8::from_str_radix(&ANVIL_SECRETS[i][2 * j..2 * j + 2], 16).unwrap()).collect();
	k256::ecdsa::SigningKey::from_slice(&secret).unwrap()
}

/// Sign a checkpoint digest as a Hyperlane validator: `r ‖ s ‖ v`, low `s`, `v` 27/28.
fn validator_sign(i: usize, digest: &[u8; 32]) -> [u8; 65] {
	let (signature, recovery) = anvil_key(i).sign_prehash_recoverable(digest).unwrap();
	let mut out = [0u8; 65];
	out[..64].copy_from_slice(&signature.to_bytes());
	out[64] = 27 + recovery.to_byte();
	out
}

#[test]
fn dev_validators_are_the_anvil_accounts() {
	for (i, address) in genesis_config_presets::DEV_VALIDATORS.iter().enumerate() {
		let point = anvil_key(i).verifying_key().to_encoded_point(false);
		let hash = sp_io::hashing::keccak_256(&point.as_bytes()[1..]);
		assert_eq!(&hash[12..], address, "validator {i}");
	}
}

#[test]
fn open_fill_dispatch_process_settle_through_the_runtime() {
	use genesis_config_presets::{security_levels, DEV_DOMAIN};
	use pallet_settlement::{checkpoint::Checkpoint, message::Message, Event as SettlementEvent};

	development_state().execute_with(|| {
		let now_ms = 1_700_000_000_000u64;
		pallet_timestamp::Now::<Runtime>::put(now_ms);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let dave = Sr25519Keyring::Dave.to_account_id();
		assert_eq!(pallet_settlement::LocalDomain::<Runtime>::get(), DEV_DOMAIN);

		// Alice opens an order at the FAST level: 10 ZKS here for 9 ZKS to Charlie on the
		// destination, which is this same chain (one chain plays both ends of the route).
		let fee = Settlement::quote(security_levels::FAST, DEV_DOMAIN).unwrap();
		assert_eq!(fee, 3 * MILLI_UNIT + 2 * 2 * MILLI_UNIT);
		assert!(Settlement::quote(security_levels::STRICT, DEV_DOMAIN).unwrap() > fee);
		assert_ok!(RuntimeCall::Settlement(pallet_settlement::Call::open_order {
			input_amount: 10 * UNIT,
			destination: DEV_DOMAIN,
			destination_settler: Settlement::settler_address(),
			output_amount: 9 * UNIT,
			output_recipient: charlie.clone().into(),
			fill_deadline: now_ms / 1000 + 600,
			ism: security_levels::FAST,
			max_fee: fee,
		})
		.dispatch(RuntimeOrigin::signed(alice.clone())));
		let settlement_events = || {
			System::events().into_iter().filter_map(|r| match r.event {
				RuntimeEvent::Settlement(e) => Some(e),
				_ => None,
			})
		};
		let (order_id, order) = settlement_events()
			.find_map(|e| match e {
				SettlementEvent::OrderOpened { order_id, order, .. } => Some((order_id, order)),
				_ => None,
			})
			.unwrap();

		// Bob, a solver, fills it: Charlie is paid and the fill message is dispatched.
		let charlie_before = Balances::balance(&charlie);
		assert_ok!(RuntimeCall::Settlement(pallet_settlement::Call::fill_order { order, origin_solver: bob.clone().into() })
			.dispatch(RuntimeOrigin::signed(bob.clone())));
		assert_eq!(Balances::balance(&charlie), charlie_before + 9 * UNIT);
		let (bytes, root, index, id) = settlement_events()
			.find_map(|e| match e {
				SettlementEvent::Dispatched { message, root, leaf_index, id, .. } => Some((message, root, leaf_index, id)),
				_ => None,
			})
			.unwrap();
		assert_eq!(Message::from_bytes(&bytes).unwrap().id(), id);

		// Two dev validators sign the checkpoint; Dave relays it.
		let hook = Settlement::mailbox_address();
		let checkpoint = Checkpoint { origin: DEV_DOMAIN, merkle_tree_hook: hook, root, index, message_id: id };
		let mut metadata = Vec::new();
		metadata.extend_from_slice(&hook);
		metadata.extend_from_slice(&root);
		metadata.extend_from_slice(&index.to_be_bytes());
		metadata.extend(validator_sign(0, &checkpoint.digest()));
		metadata.extend(validator_sign(2, &checkpoint.digest()));
		let bob_before = Balances::balance(&bob);
		assert_ok!(RuntimeCall::Settlement(pallet_settlement::Call::process {
			metadata: metadata.clone().try_into().unwrap(),
			message: bytes.clone().try_into().unwrap(),
		})
		.dispatch(RuntimeOrigin::signed(dave.clone())));
		assert_eq!(Balances::balance(&bob), bob_before + 10 * UNIT);
		assert_eq!(
			pallet_settlement::ClosedOrders::<Runtime>::get(order_id),
			Some(pallet_settlement::OrderOutcome::Settled { message_id: id })
		);
		assert!(RuntimeCall::Settlement(pallet_settlement::Call::process {
			metadata: metadata.try_into().unwrap(),
			message: bytes.try_into().unwrap(),
		})
		.dispatch(RuntimeOrigin::signed(dave))
		.is_err());
		Settlement::do_try_state().unwrap();
	});
}

/// A chain from before foreign assets (`spec_version` < 8) gets the relay token's asset, owned
/// by the pool and allowed into it, from the upgrade; a chain that has it is left alone.
#[test]
fn the_upgrade_registers_the_relay_token_once() {
	use configs::assets::{relay_token, ForeignAssetsInstance, RELAY_TOKEN_MIN_BALANCE};
	use frame_support::traits::{
		fungibles::{metadata::Inspect as _, roles::Inspect as _, Inspect as _},
		GetStorageVersion, OnRuntimeUpgrade, PalletInfoAccess, StorageVersion,
	};
	development_state().execute_with(|| {
		// Genesis registered it already: the migration changes nothing.
		let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		migrations::RegisterRelayToken::on_runtime_upgrade();
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before);

		// The state of an old chain: no ForeignAssets storage, no pool registry.
		let prefix = sp_io::hashing::twox_128(<ForeignAssets as PalletInfoAccess>::name().as_bytes());
		let _ = frame_support::storage::unhashed::clear_prefix(&prefix, None, None);
		let _ = pallet_shielded_pool::ForeignAssetRegistry::<Runtime>::clear(u32::MAX, None);
		let _ = pallet_shielded_pool::ForeignAssetIndex::<Runtime>::clear(u32::MAX, None);
		pallet_shielded_pool::NextForeignAssetIndex::<Runtime>::kill();
		assert!(!ForeignAssets::asset_exists(relay_token()));
		assert_eq!(ForeignAssets::on_chain_storage_version(), StorageVersion::new(0));

		// The upgrade as the executive runs it: every pallet's `before_all_runtime_migrations`
		// first (which gives a pallet with no storage its in-code version), then `Migrations`.
		Executive::execute_on_runtime_upgrade();
		let pool = ShieldedPool::account_id();
		assert_eq!(ForeignAssets::owner(relay_token()), Some(pool.clone()));
		assert_eq!((ForeignAssets::admin(relay_token()), ForeignAssets::freezer(relay_token())), (Some(pool.clone()), Some(pool)));
		assert_eq!(ForeignAssets::minimum_balance(relay_token()), RELAY_TOKEN_MIN_BALANCE);
		assert_eq!(ForeignAssets::symbol(relay_token()), b"ROC".to_vec());
		assert_eq!(
			pallet_shielded_pool::ForeignAssetRegistry::<Runtime>::get(0).map(|info| (info.id, info.allowed)),
			Some((relay_token(), true))
		);
		assert_eq!(
			ForeignAssets::on_chain_storage_version(),
			pallet_assets::Pallet::<Runtime, ForeignAssetsInstance>::in_code_storage_version()
		);
	});
}

/// Governance destroyed the relay token's asset (nothing shielded in it). The next runtime
/// upgrade must not bring it back: the registration belongs to the upgrade that introduced
/// foreign assets, not to every upgrade.
#[test]
fn the_upgrade_does_not_recreate_a_relay_token_governance_destroyed() {
	use configs::assets::relay_token;
	use frame_support::traits::fungibles::Inspect as _;
	development_state().execute_with(|| {
		let bob = || RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id());
		assert_ok!(ForeignAssets::start_destroy(RuntimeOrigin::root(), relay_token()));
		assert_ok!(ForeignAssets::destroy_accounts(bob(), relay_token()));
		assert_ok!(ForeignAssets::destroy_approvals(bob(), relay_token()));
		assert_ok!(ForeignAssets::finish_destroy(bob(), relay_token()));
		assert!(pallet_shielded_pool::ForeignAssetIndex::<Runtime>::get(relay_token()).is_none());

		Executive::execute_on_runtime_upgrade();
		assert!(!ForeignAssets::asset_exists(relay_token()));
		assert!(pallet_shielded_pool::ForeignAssetIndex::<Runtime>::get(relay_token()).is_none());
	});
}

/// The registration is all or nothing: when its last step fails (here the pool's index names
/// the relay token with no registry entry behind it, so `allow_foreign_asset` refuses), the
/// asset it created and its metadata are not kept either.
#[test]
fn a_failed_relay_token_registration_leaves_nothing_half_done() {
	use configs::assets::relay_token;
	use frame_support::traits::{fungibles::Inspect as _, PalletInfoAccess};
	development_state().execute_with(|| {
		let prefix = sp_io::hashing::twox_128(<ForeignAssets as PalletInfoAccess>::name().as_bytes());
		let _ = frame_support::storage::unhashed::clear_prefix(&prefix, None, None);
		let _ = pallet_shielded_pool::ForeignAssetRegistry::<Runtime>::clear(u32::MAX, None);
		let _ = pallet_shielded_pool::ForeignAssetIndex::<Runtime>::clear(u32::MAX, None);
		pallet_shielded_pool::NextForeignAssetIndex::<Runtime>::kill();
		pallet_shielded_pool::ForeignAssetIndex::<Runtime>::insert(relay_token(), 5);

		Executive::execute_on_runtime_upgrade();
		assert!(!ForeignAssets::asset_exists(relay_token()));
		assert!(pallet_assets::Metadata::<Runtime, configs::assets::ForeignAssetsInstance>::get(relay_token()).symbol.is_empty());
		assert_eq!(pallet_shielded_pool::ForeignAssetIndex::<Runtime>::get(relay_token()), Some(5));
		assert!(pallet_shielded_pool::ForeignAssetRegistry::<Runtime>::get(0).is_none());
		assert_eq!(pallet_shielded_pool::NextForeignAssetIndex::<Runtime>::get(), 0, "nothing registered: the next upgrade tries again");
	});
}

/// An unsigned spend paying `MinUnsignedFee` and a signed `transact` tipping as much get the same
/// pool priority (`ChargeTransactionPayment` scales a tip by how many such calls fit in a block):
/// neither kind jumps the other's queue, whatever the weights measure.
#[test]
fn unsigned_and_signed_spends_paying_alike_get_alike_priorities() {
	use frame_support::{
		dispatch::{DispatchClass, DispatchInfo, Pays},
		traits::Get,
	};
	let info = DispatchInfo {
		call_weight: ShieldedPool::transact_weight(true),
		extension_weight: Weight::zero(),
		class: DispatchClass::Normal,
		pays_fee: Pays::Yes,
	};
	let min_fee: Balance = <Runtime as pallet_shielded_pool::Config>::MinUnsignedFee::get();
	// A transaction is about 1.2 KB: the weight, not the length, limits how many fit.
	let signed = pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::get_priority(&info, 1200, min_fee, 0);
	let unsigned: u64 = <Runtime as pallet_shielded_pool::Config>::UnsignedPriority::get();
	let ratio = unsigned as f64 / signed as f64;
	assert!((0.95..=1.05).contains(&ratio), "unsigned {unsigned} vs signed {signed}: {ratio:.2}");
}

/// The pool's weights are measured over everything a block can ask of them, never extrapolated:
/// `transact_batch` up to `MaxBatchSize` (the fixture file holds that many proofs) and
/// `advance_tree` up to more notes than the cheapest way of adding them (full batches, or
/// single transactions) fits in a block's normal weight.
#[test]
fn the_pool_benchmarks_cover_a_full_block() {
	use frame_support::{dispatch::DispatchClass, traits::Get};
	use pallet_shielded_pool::{WeightInfo, MAX_BATCH_BENCHMARKED, MAX_LEAVES_BENCHMARKED};
	type Weights = <Runtime as pallet_shielded_pool::Config>::WeightInfo;
	let batch = <Runtime as pallet_shielded_pool::Config>::MaxBatchSize::get();
	assert!(MAX_BATCH_BENCHMARKED >= batch, "transact_batch is benchmarked up to {MAX_BATCH_BENCHMARKED}, the runtime allows {batch}");
	let normal = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = normal.get(DispatchClass::Normal).max_total.unwrap_or(normal.max_block).ref_time();
	let per_leaf_batched = Weights::transact_batch(batch).ref_time() / u64::from(2 * batch);
	let per_leaf_single = Weights::transact().ref_time() / 2;
	let most = normal / per_leaf_batched.min(per_leaf_single).max(1);
	assert!(
		most <= u64::from(MAX_LEAVES_BENCHMARKED),
		"a block can add {most} notes, advance_tree is benchmarked up to {MAX_LEAVES_BENCHMARKED}"
	);
	// From one leaf short of a subtree, two completions take one subtree and a leaf.
	assert!(u64::from(MAX_LEAVES_BENCHMARKED) > zk_verifier::merkle::leaves_below(pallet_shielded_pool::SUBTREE_HEIGHT));
}

/// Every SDK pallet that runs work here is charged weights measured in this runtime: none is
/// left at `()` (zero: the message and XCMP queues, session keys, collator selection and the
/// timestamp inherent were free before), and each is this runtime's file, not the crate's
/// reference weights measured with another runtime's queue and page sizes.
#[test]
fn the_sdk_pallets_are_weighed_in_this_runtime() {
	use core::any::TypeId;
	fn ours<W: 'static, Ours: 'static>(name: &str) {
		assert_eq!(TypeId::of::<W>(), TypeId::of::<Ours>(), "{name} does not use runtime/src/weights/");
	}
	ours::<<Runtime as frame_system::Config>::SystemWeightInfo, weights::frame_system::WeightInfo<Runtime>>("frame_system");
	ours::<
		<Runtime as cumulus_pallet_parachain_system::Config>::WeightInfo,
		weights::cumulus_pallet_parachain_system::WeightInfo<Runtime>,
	>("parachain_system");
	ours::<<Runtime as pallet_timestamp::Config>::WeightInfo, weights::pallet_timestamp::WeightInfo<Runtime>>("timestamp");
	ours::<<Runtime as pallet_balances::Config>::WeightInfo, weights::pallet_balances::WeightInfo<Runtime>>("balances");
	ours::<
		<Runtime as pallet_assets::Config>::WeightInfo,
		weights::pallet_assets_assets::WeightInfo<Runtime>,
	>("assets");
	ours::<
		<Runtime as pallet_assets::Config<configs::assets::ForeignAssetsInstance>>::WeightInfo,
		weights::pallet_assets_foreign_assets::WeightInfo<Runtime>,
	>("foreign assets");
	ours::<<Runtime as pallet_sudo::Config>::WeightInfo, weights::pallet_sudo::WeightInfo<Runtime>>("sudo");
	ours::<<Runtime as pallet_utility::Config>::WeightInfo, weights::pallet_utility::WeightInfo<Runtime>>("utility");
	ours::<<Runtime as pallet_multisig::Config>::WeightInfo, weights::pallet_multisig::WeightInfo<Runtime>>("multisig");
	ours::<
		<Runtime as pallet_collator_selection::Config>::WeightInfo,
		weights::pallet_collator_selection::WeightInfo<Runtime>,
	>("collator selection");
	ours::<<Runtime as pallet_message_queue::Config>::WeightInfo, weights::pallet_message_queue::WeightInfo<Runtime>>(
		"message queue",
	);
	ours::<<Runtime as cumulus_pallet_xcmp_queue::Config>::WeightInfo, weights::cumulus_pallet_xcmp_queue::WeightInfo<Runtime>>(
		"xcmp queue",
	);
	ours::<<Runtime as pallet_migrations::Config>::WeightInfo, weights::pallet_migrations::WeightInfo<Runtime>>("migrations");
	ours::<<Runtime as pallet_session::Config>::WeightInfo, weights::pallet_session::WeightInfo<Runtime>>("session");
	ours::<<Runtime as pallet_xcm::Config>::WeightInfo, weights::pallet_xcm::WeightInfo<Runtime>>("xcm");

	// And what they charge is not zero where work is done.
	use cumulus_pallet_xcmp_queue::WeightInfo as _;
	use pallet_message_queue::WeightInfo as _;
	use pallet_session::WeightInfo as _;
	assert!(<Runtime as pallet_message_queue::Config>::WeightInfo::service_page_item().ref_time() > 0);
	assert!(<Runtime as cumulus_pallet_xcmp_queue::Config>::WeightInfo::enqueue_n_bytes_xcmp_message(100).ref_time() > 0);
	assert!(<Runtime as pallet_session::Config>::WeightInfo::set_keys().ref_time() > 0);
}
