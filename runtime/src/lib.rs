//! # zkSettle runtime
//!
//! A Cumulus parachain runtime (async backing, Aura collators) composing the standard FRAME
//! pallets with zkSettle's shielded pool. Block time 6 s; token ZKS with 12 decimals.

#![cfg_attr(not(feature = "std"), no_std)]
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod migrations;
pub mod weights;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_xcm;
#[cfg(test)]
mod tests_delivery;
#[cfg(test)]
mod tests_migrations;
#[cfg(test)]
mod tests_native;

extern crate alloc;

use alloc::vec::Vec;

use polkadot_sdk::{staging_parachain_info as parachain_info, *};
use smallvec::smallvec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiSignature,
};

use frame_support::weights::{
	constants::WEIGHT_REF_TIME_PER_SECOND, Weight, WeightToFeeCoefficient, WeightToFeeCoefficients,
	WeightToFeePolynomial,
};
pub use genesis_config_presets::PARACHAIN_ID;
pub use sp_consensus_aura::sr25519::AuthorityId as AuraId;
/// A collator's authority-discovery key (sr25519).
pub use sp_authority_discovery::AuthorityId as AuthorityDiscoveryId;
pub use sp_runtime::{MultiAddress, Perbill, Permill};
use sp_version::RuntimeVersion;

/// Signatures: sr25519, ed25519 or ecdsa (what Polkadot.js and hardware wallets produce).
pub type Signature = MultiSignature;
/// 32-byte account ids derived from the signer's public key.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balances: 12 decimals.
pub type Balance = u128;
/// Transaction nonces.
pub type Nonce = u32;
/// Block hashes.
pub type Hash = sp_core::H256;
/// Block numbers (u32, as the omni node expects).
pub type BlockNumber = u32;
/// The address format of extrinsics.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A signed block with a justification.
pub type SignedBlock = generic::SignedBlock<Block>;
/// Block id.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions, wrapped in storage-weight reclaim. `CheckMetadataHash` lets
/// wallets that verify the metadata (Ledger, Polkadot Vault) sign; Polkadot.js uses its
/// disabled mode.
pub type TxExtension = cumulus_pallet_weight_reclaim::StorageWeightReclaim<
	Runtime,
	(
		frame_system::CheckNonZeroSender<Runtime>,
		frame_system::CheckSpecVersion<Runtime>,
		frame_system::CheckTxVersion<Runtime>,
		frame_system::CheckGenesis<Runtime>,
		frame_system::CheckEra<Runtime>,
		frame_system::CheckNonce<Runtime>,
		frame_system::CheckWeight<Runtime>,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
		frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	),
>;

/// Extrinsics as they appear in blocks.
pub type UncheckedExtrinsic = generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// Storage migrations run in the upgrade's block. Each is versioned: it runs only while the
/// pallet's on-chain storage version is the one it migrates from (a new chain starts at the
/// current versions, so they do nothing there). Migrations that walk storage whose size users
/// decide run over several blocks instead ([`configs::MultiBlockMigrationsOf`]), registered by
/// `MultiBlockMigrations`' own upgrade hook and started in the next block.
type Migrations = (
	pallet_settlement::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_settlement::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_shielded_pool::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_shielded_pool::migrations::v2::MigrateV1ToV2<Runtime>,
	migrations::RegisterRelayToken,
);

/// Dispatches calls to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// Fees: one base extrinsic costs one milli-ZKS / 10 (a polynomial of degree 1 in the weight).
pub struct WeightToFee;
impl WeightToFeePolynomial for WeightToFee {
	type Balance = Balance;
	fn polynomial() -> WeightToFeeCoefficients<Self::Balance> {
		let p = MILLI_UNIT / 10;
		let q = 100 * Balance::from(frame_support::weights::constants::ExtrinsicBaseWeight::get().ref_time());
		smallvec![WeightToFeeCoefficient {
			degree: 1,
			negative: false,
			coeff_frac: Perbill::from_rational(p % q, q),
			coeff_integer: p / q,
		}]
	}
}

/// Opaque types for the node, which does not know the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;
	/// Opaque block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash.
	pub type Hash = <BlakeTwo256 as sp_runtime::traits::Hash>::Output;
}

impl_opaque_keys! {
	/// Session keys of a collator: `aura` authors blocks; `authority_discovery` signs the
	/// collator's address record in the parachain DHT, from which the collators find each other
	/// and keep direct connections (the collator mesh of `cumulus-client-collator-discovery`), so
	/// that a new block reaches the next author in one hop.
	pub struct SessionKeys {
		pub aura: Aura,
		pub authority_discovery: AuthorityDiscovery,
	}
}

/// The runtime version.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("zksettle"),
	impl_name: alloc::borrow::Cow::Borrowed("zksettle"),
	authoring_version: 1,
	spec_version: 12,
	impl_version: 0,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 3,
	system_version: 1,
};

/// Target block time. Changing it after launch breaks Aura.
pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
/// Aura slot duration.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
/// Blocks per minute.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// One ZKS.
pub const UNIT: Balance = 1_000_000_000_000;
/// 10^-3 ZKS.
pub const MILLI_UNIT: Balance = 1_000_000_000;
/// 10^-6 ZKS.
pub const MICRO_UNIT: Balance = 1_000_000;
/// Token symbol (also in the metadata hash and the chain specs).
pub const TOKEN_SYMBOL: &str = "ZKS";
/// Token decimals.
pub const TOKEN_DECIMALS: u8 = 12;
/// The smallest balance an account may hold.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Share of the block weight `on_initialize` may take.
const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(5);
/// Share of the block for normal (user) transactions.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// 2 s of compute per block (async backing), PoV up to the relay chain's limit.
const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(
	WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2),
	cumulus_primitives_core::relay_chain::MAX_POV_SIZE as u64,
);

/// Async backing: unincluded blocks a collator may build ahead.
pub(crate) const UNINCLUDED_SEGMENT_CAPACITY: u32 = 3;
/// Async backing: parachain blocks per relay block.
pub(crate) const BLOCK_PROCESSING_VELOCITY: u32 = 1;
/// Relay chain slot duration (the omni node's dev mode assumes 6 s too).
pub(crate) const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = 6000;

type ConsensusHook = cumulus_pallet_aura_ext::FixedVelocityConsensusHook<
	Runtime,
	RELAY_CHAIN_SLOT_DURATION_MILLIS,
	BLOCK_PROCESSING_VELOCITY,
	UNINCLUDED_SEGMENT_CAPACITY,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type ParachainSystem = cumulus_pallet_parachain_system;
	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(3)]
	pub type ParachainInfo = parachain_info;
	#[runtime::pallet_index(4)]
	pub type WeightReclaim = cumulus_pallet_weight_reclaim;
	#[runtime::pallet_index(5)]
	pub type MultiBlockMigrations = pallet_migrations;

	#[runtime::pallet_index(10)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(11)]
	pub type TransactionPayment = pallet_transaction_payment;
	#[runtime::pallet_index(12)]
	pub type Assets = pallet_assets;
	#[runtime::pallet_index(13)]
	pub type ForeignAssets = pallet_assets<Instance1>;

	#[runtime::pallet_index(15)]
	pub type Sudo = pallet_sudo;
	#[runtime::pallet_index(16)]
	pub type Utility = pallet_utility;
	#[runtime::pallet_index(17)]
	pub type Multisig = pallet_multisig;

	// Collator support. The order matters: session keys before Aura.
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship;
	#[runtime::pallet_index(21)]
	pub type CollatorSelection = pallet_collator_selection;
	#[runtime::pallet_index(22)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(23)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(24)]
	pub type AuraExt = cumulus_pallet_aura_ext;
	#[runtime::pallet_index(25)]
	pub type AuthorityDiscovery = pallet_authority_discovery;

	// XCM.
	#[runtime::pallet_index(30)]
	pub type XcmpQueue = cumulus_pallet_xcmp_queue;
	#[runtime::pallet_index(31)]
	pub type PolkadotXcm = pallet_xcm;
	#[runtime::pallet_index(32)]
	pub type CumulusXcm = cumulus_pallet_xcm;
	#[runtime::pallet_index(33)]
	pub type MessageQueue = pallet_message_queue;

	// zkSettle.
	#[runtime::pallet_index(50)]
	pub type ShieldedPool = pallet_shielded_pool;
	#[runtime::pallet_index(51)]
	pub type Settlement = pallet_settlement;
}

cumulus_pallet_parachain_system::register_validate_block! {
	Runtime = Runtime,
	BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}
