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
	hash::owner_key,
	merkle::MerkleTree,
	note::Note,
	prover::{build_witness, ProvingKey, SpendableNote},
	Scalar,
};

fn proving_key() -> &'static ProvingKey {
	zk_verifier::prover::dev_proving_key().expect("dev setup")
}

/// Merge a preset's JSON patch into the default config, as the node's chain-spec builder does.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// State built by the `development` preset, exactly as a dev chain starts.
fn development_state() -> sp_io::TestExternalities {
	let preset = genesis_config_presets::get_preset(&sp_genesis_builder::DEV_RUNTIME_PRESET.into()).expect("preset");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("default config");
	merge(&mut config, serde_json::from_slice(&preset).expect("preset is JSON"));
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		let full = serde_json::to_vec(&config).expect("serialises");
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(full).expect("genesis builds");
		System::set_block_number(1);
	});
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
	let witness = build_witness(tree, spends, outputs, 0, ext_amount, ext_data.fee, ext_data.hash(), rng).expect("valid");
	let proof = proving_key().prove_with_rng(&witness, rng).expect("proof");
	Transaction {
		proof: proof.to_bytes(),
		key_version: 1,
		root: witness.public.root.to_bytes(),
		nullifiers: witness.public.nullifiers.map(|n| n.to_bytes()),
		commitments: witness.public.commitments.map(|c| c.to_bytes()),
		asset: Asset::Native,
		ext_amount,
		ext_data,
	}
}

fn ext_data(recipient: Option<AccountId>, relayer: Option<AccountId>, fee: Balance) -> ExtData<Runtime> {
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
fn shield_private_transfer_unshield_through_the_runtime() {
	development_state().execute_with(|| {
		let mut rng = ChaCha20Rng::seed_from_u64(7);
		let mut tree = MerkleTree::new();
		let alice = Sr25519Keyring::Alice.to_account_id();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let alice_sk = Scalar::from(11u64);
		let bob_sk = Scalar::from(22u64);
		let note = |value: u64, sk: &Scalar, rng: &mut ChaCha20Rng| Note {
			value,
			asset: 0,
			owner: owner_key(sk),
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
		let bob_note = SpendableNote { note: to_bob, spending_key: bob_sk, index: tree.append(to_bob.commitment()).unwrap() };
		tree.append(outputs[1].commitment()).unwrap();
		assert_eq!(pallet_shielded_pool::Tree::<Runtime>::get().root, tree.root().to_bytes());

		// Bob unshields to a brand-new account, unsigned: the block author takes the fee.
		System::set_block_number(2);
		let fresh = AccountId32::new([0x5a; 32]);
		let fee = 10 * MILLI_UNIT;
		let outputs = [note(0, &bob_sk, &mut rng), note(0, &bob_sk, &mut rng)];
		let unshield = i128::from(to_bob.value) - fee as i128;
		let tx = prove(&tree, &[bob_note], outputs, -unshield, ext_data(Some(fresh.clone()), Some(alice.clone()), fee), &mut rng);
		assert_ok!(RuntimeCall::ShieldedPool(pallet_shielded_pool::Call::transact_unsigned { tx })
			.dispatch(RuntimeOrigin::none()));
		assert_eq!(Balances::balance(&fresh) as i128, unshield);
		assert_eq!(pallet_shielded_pool::TotalShielded::<Runtime>::get(Asset::Native), 0);
		assert_eq!(Balances::balance(&ShieldedPool::account_id()), EXISTENTIAL_DEPOSIT);
		ShieldedPool::on_finalize(2);
	});
}
