//! Genesis presets: `development` (one collator, Alice) and `local_testnet` (Alice and Bob
//! collating, for a relay-chain network). Both fund the well-known dev accounts, make Alice
//! sudo, and install the development verifying key of the shielded pool (from the public dev
//! setup: never for real value), and register the relay token as a foreign asset the pool
//! takes.

use crate::{
	configs::{
		assets::{relay_token, RELAY_TOKEN_METADATA, RELAY_TOKEN_MIN_BALANCE},
		ShieldedPoolPalletId,
	},
	AccountId, AuraId, AuthorityDiscoveryId, BalancesConfig, CollatorSelectionConfig, ForeignAssetsConfig,
	ParachainInfoConfig, PolkadotXcmConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys, SettlementConfig,
	ShieldedPoolConfig, SudoConfig, EXISTENTIAL_DEPOSIT, UNIT,
};
use sp_runtime::traits::AccountIdConversion;
use pallet_settlement::IsmSpec;
use alloc::{vec, vec::Vec};
use polkadot_sdk::{staging_xcm as xcm, *};

use cumulus_primitives_core::ParaId;
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_genesis_builder::PresetId;
use sp_keyring::Sr25519Keyring;

/// The para id of zkSettle's development and local networks. Not 1000: that is Asset Hub's
/// id on Polkadot and Kusama, and ids below 2000 are the system parachains'. A live network
/// uses the id its relay chain reserved for it.
pub const PARACHAIN_ID: u32 = 2042;

/// The Hyperlane domain of the development chain.
pub const DEV_DOMAIN: u32 = 1_000_001;
/// The Hyperlane domain of the local testnet.
pub const LOCAL_DOMAIN: u32 = 1_000_002;

/// Dev settlement validators: the first seven accounts of the public Anvil/Hardhat test
/// mnemonic ("test test ... junk"), whose secret keys every Ethereum developer has. A dev
/// validator or agent signs with them; never for real value. (A runtime test derives each
/// address from its published secret key.)
pub const DEV_VALIDATORS: [[u8; 20]; 7] = [
	eth_address("f39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
	eth_address("70997970c51812dc3a010c7d01b50e0d17dc79c8"),
	eth_address("3c44cdddb6a900fa2b585dd299e03d12fa4293bc"),
	eth_address("90f79bf6eb2c4f870365e785982e1f101e93b906"),
	eth_address("15d34aaf54267db7d7c367839aaf71a00a2c6a65"),
	eth_address("9965507d1a55bcc2695c58ba16fb37d819b0a4dc"),
	eth_address("976ea74026e726554db657fa54763abd0c3a0aa9"),
];

/// Security levels of the dev networks, by ISM id.
pub mod security_levels {
	/// Fast: message-id multisig, 2 of validators 0..3 (the default ISM).
	pub const FAST: u32 = 1;
	/// Strict: message-id multisig, 5 of validators 0..7.
	pub const STRICT: u32 = 2;
	/// Batched: merkle-root multisig, 2 of validators 3..6 (one signature set covers many
	/// messages).
	pub const MERKLE_ROOT: u32 = 3;
	/// Both FAST and MERKLE_ROOT must attest (aggregation, 2 of 2): two disjoint validator sets,
	/// so it asks more than either level alone (an aggregation of one set twice would only cost
	/// twice as much).
	pub const AGGREGATED: u32 = 4;
}

const fn eth_address(hex: &str) -> [u8; 20] {
	const fn nibble(c: u8) -> u8 {
		match c {
			b'0'..=b'9' => c - b'0',
			b'a'..=b'f' => c - b'a' + 10,
			_ => panic!("lowercase hex"),
		}
	}
	let bytes = hex.as_bytes();
	assert!(bytes.len() == 40, "20 bytes of hex");
	let mut out = [0u8; 20];
	let mut i = 0;
	while i < 20 {
		out[i] = nibble(bytes[2 * i]) << 4 | nibble(bytes[2 * i + 1]);
		i += 1;
	}
	out
}

/// Refund grace of the development chain: one 3 s block plus margin. Dev validators and relayers
/// run on the same machine, and the end-to-end tests wait for a refund.
pub const DEV_REFUND_GRACE: u64 = 6;
/// Refund grace of the local testnet: a few 6 s parachain blocks. A public network sets tens of
/// minutes (`set_refund_grace`), the time its slowest relayer needs.
pub const LOCAL_REFUND_GRACE: u64 = 30;

fn settlement_genesis(domain: u32, refund_grace: u64) -> SettlementConfig {
	use security_levels::*;
	let first = |n: usize| DEV_VALIDATORS.iter().take(n).copied().collect::<Vec<_>>();
	SettlementConfig {
		local_domain: domain,
		isms: vec![
			(FAST, IsmSpec::MessageIdMultisig { validators: first(3), threshold: 2 }),
			(STRICT, IsmSpec::MessageIdMultisig { validators: first(7), threshold: 5 }),
			(MERKLE_ROOT, IsmSpec::MerkleRootMultisig { validators: DEV_VALIDATORS[3..6].to_vec(), threshold: 2 }),
			(AGGREGATED, IsmSpec::Aggregation { modules: vec![FAST, MERKLE_ROOT], threshold: 2 }),
		],
		default_ism: Some(FAST),
		refund_grace,
		..Default::default()
	}
}

/// What each dev account starts with.
const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// A dev collator: its account and session keys, all from the keyring's sr25519 key (a real
/// collator generates its own: `author_rotateKeysWithOwner`, then `session.set_keys`).
fn dev_collator(key: Sr25519Keyring) -> (AccountId, SessionKeys) {
	let public = key.public();
	(key.to_account_id(), SessionKeys { aura: AuraId::from(public), authority_discovery: AuthorityDiscoveryId::from(public) })
}

fn testnet_genesis(
	invulnerables: Vec<(AccountId, SessionKeys)>,
	endowed: Vec<AccountId>,
	root: AccountId,
	id: ParaId,
	domain: u32,
	refund_grace: u64,
) -> Value {
	let pool: AccountId = ShieldedPoolPalletId::get().into_account_truncating();
	let (name, symbol, decimals) = RELAY_TOKEN_METADATA;
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: endowed.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>() },
		parachain_info: ParachainInfoConfig { parachain_id: id },
		collator_selection: CollatorSelectionConfig {
			invulnerables: invulnerables.iter().cloned().map(|(acc, _)| acc).collect::<Vec<_>>(),
			candidacy_bond: EXISTENTIAL_DEPOSIT * 16,
		},
		session: SessionConfig {
			keys: invulnerables.into_iter().map(|(acc, keys)| (acc.clone(), acc, keys)).collect::<Vec<_>>(),
		},
		polkadot_xcm: PolkadotXcmConfig { safe_xcm_version: Some(xcm::prelude::XCM_VERSION) },
		sudo: SudoConfig { key: Some(root) },
		// The relay token, owned, administered and frozen by the pool's keyless account, and
		// allowed into the pool.
		foreign_assets: ForeignAssetsConfig {
			assets: vec![(relay_token(), pool.clone(), true, RELAY_TOKEN_MIN_BALANCE)],
			metadata: vec![(relay_token(), name.to_vec(), symbol.to_vec(), decimals)],
		},
		shielded_pool: ShieldedPoolConfig {
			verifying_keys: vec![(1, zk_verifier::DEV_TRANSFER_VERIFYING_KEY.to_vec())],
			foreign_assets: vec![relay_token()],
		},
		settlement: settlement_genesis(domain, refund_grace),
	})
}

fn local_testnet_genesis() -> Value {
	testnet_genesis(
		vec![dev_collator(Sr25519Keyring::Alice), dev_collator(Sr25519Keyring::Bob)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		PARACHAIN_ID.into(),
		LOCAL_DOMAIN,
		LOCAL_REFUND_GRACE,
	)
}

fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![dev_collator(Sr25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		PARACHAIN_ID.into(),
		DEV_DOMAIN,
		DEV_REFUND_GRACE,
	)
}

/// The JSON patch of a preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_str() {
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		_ => return None,
	};
	Some(serde_json::to_string(&patch).ok()?.into_bytes())
}

/// The presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET), PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)]
}

/// The genesis storage a node builds for preset `id`: the preset's patch merged onto the default
/// config (the merge of `sc-chain-spec`'s `json_patch`), then `build_state`. The node does this by
/// executing the wasm; natively the same code gives the same storage, without a wasm executor in
/// the tests. `:code` is not included: the chain spec adds it.
#[cfg(feature = "std")]
pub fn preset_storage(id: &PresetId) -> Result<sp_core::storage::Storage, alloc::string::String> {
	use alloc::format;
	use sp_runtime::BuildStorage;

	let patch = get_preset(id).ok_or_else(|| format!("no preset named {id:?}"))?;
	let patch: Value = serde_json::from_slice(&patch).map_err(|e| format!("preset {id:?} is not JSON: {e}"))?;
	let mut config =
		serde_json::to_value(RuntimeGenesisConfig::default()).map_err(|e| format!("default config: {e}"))?;
	merge_json(&mut config, patch);
	let config: RuntimeGenesisConfig =
		serde_json::from_value(config).map_err(|e| format!("preset {id:?} does not fit the config: {e}"))?;
	config.build_storage()
}

/// Merge `patch` into `base`: objects key by key, anything else replaced (the merge the node's
/// chain-spec builder applies to a preset).
#[cfg(feature = "std")]
pub fn merge_json(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) =>
			for (key, value) in patch {
				merge_json(base.entry(key).or_insert(Value::Null), value);
			},
		(base, patch) => *base = patch,
	}
}
