//! Configuration of every pallet of the runtime.

pub mod assets;
pub mod native;
pub mod xcm_config;

use polkadot_sdk::{staging_parachain_info as parachain_info, staging_xcm as xcm, *};

use cumulus_pallet_parachain_system::RelayNumberMonotonicallyIncreases;
use cumulus_primitives_core::{AggregateMessageOrigin, ParaId};
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, EitherOfDiverse, TransformOrigin,
		VariantCountOf,
	},
	weights::{
		constants::{BlockExecutionWeight, ExtrinsicBaseWeight, RocksDbWeight},
		ConstantMultiplier, Weight,
	},
	PalletId,
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot,
};
use pallet_xcm::{EnsureXcm, IsVoiceOfBody};
use parachains_common::message_queue::{NarrowOriginToSibling, ParaIdToSibling};
use polkadot_runtime_common::{BlockHashCount, SlowAdjustingFeeUpdate};
use sp_runtime::Perbill;
use sp_version::RuntimeVersion;
use xcm::latest::prelude::BodyId;

use super::{
	AccountId, Aura, Balance, Balances, Block, BlockNumber, CollatorSelection, ConsensusHook, Hash, MessageQueue, Nonce,
	PalletInfo, ParachainSystem, PolkadotXcm, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason,
	RuntimeOrigin, RuntimeTask, Session, SessionKeys, System, WeightToFee, XcmpQueue, AVERAGE_ON_INITIALIZE_RATIO,
	EXISTENTIAL_DEPOSIT, HOURS, MAXIMUM_BLOCK_WEIGHT, MICRO_UNIT, MILLI_UNIT, NORMAL_DISPATCH_RATIO, SLOT_DURATION,
	UNIT, VERSION,
};
use xcm_config::{RelayLocation, XcmOriginToTransactDispatchOrigin};

parameter_types! {
	pub const Version: RuntimeVersion = VERSION;
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |m| *m = NORMAL_DISPATCH_RATIO * *m)
		.build();
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
		.base_block(BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |weights| {
			weights.base_extrinsic = ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |weights| {
			weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.for_class(DispatchClass::Operational, |weights| {
			weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			weights.reserved = Some(MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.avg_block_initialization(AVERAGE_ON_INITIALIZE_RATIO)
		.build_or_panic();
	pub const SS58Prefix: u16 = 42;
}

#[derive_impl(frame_system::config_preludes::ParaChainDefaultConfig)]
impl frame_system::Config for Runtime {
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type Block = Block;
	type BlockHashCount = BlockHashCount;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type DbWeight = RocksDbWeight;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type SS58Prefix = SS58Prefix;
	type SystemWeightInfo = crate::weights::frame_system::WeightInfo<Runtime>;
	type OnSetCode = cumulus_pallet_parachain_system::ParachainSetCode<Self>;
	type MaxConsumers = ConstU32<16>;
	// While multi-block migrations run, no transaction is admitted (and the message queues
	// are paused: `PausedWhileMigrating`).
	type MultiBlockMigrator = super::MultiBlockMigrations;
}

impl cumulus_pallet_weight_reclaim::Config for Runtime {
	type WeightInfo = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<0>;
	type WeightInfo = crate::weights::pallet_timestamp::WeightInfo<Runtime>;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	type EventHandler = (CollatorSelection,);
}

parameter_types! {
	pub const ExistentialDeposit: Balance = EXISTENTIAL_DEPOSIT;
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = crate::weights::pallet_balances::WeightInfo<Runtime>;
	type Balance = Balance;
	type DustRemoval = ();
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub const TransactionByteFee: Balance = 10 * MICRO_UNIT;
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = pallet_transaction_payment::FungibleAdapter<Balances, ()>;
	type WeightToFee = WeightToFee;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = SlowAdjustingFeeUpdate<Self>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightInfo = ();
}

/// Deposit for `items` storage items taking `bytes` bytes.
pub const fn deposit(items: u32, bytes: u32) -> Balance {
	items as Balance * 20 * UNIT + (bytes as Balance) * 100 * MICRO_UNIT
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = crate::weights::pallet_sudo::WeightInfo<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = super::OriginCaller;
	type WeightInfo = crate::weights::pallet_utility::WeightInfo<Runtime>;
}

parameter_types! {
	pub const DepositBase: Balance = deposit(1, 88);
	pub const DepositFactor: Balance = deposit(0, 32);
}

impl pallet_multisig::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type DepositBase = DepositBase;
	type DepositFactor = DepositFactor;
	type MaxSignatories = ConstU32<100>;
	type WeightInfo = crate::weights::pallet_multisig::WeightInfo<Runtime>;
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const ReservedXcmpWeight: Weight = MAXIMUM_BLOCK_WEIGHT.saturating_div(4);
	pub const ReservedDmpWeight: Weight = MAXIMUM_BLOCK_WEIGHT.saturating_div(4);
	pub const RelayOrigin: AggregateMessageOrigin = AggregateMessageOrigin::Parent;
}

impl cumulus_pallet_parachain_system::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnSystemEvent = ();
	type SelfParaId = parachain_info::Pallet<Runtime>;
	type OutboundXcmpMessageSource = XcmpQueue;
	type DmpQueue = frame_support::traits::EnqueueWithOrigin<MessageQueue, RelayOrigin>;
	type ReservedDmpWeight = ReservedDmpWeight;
	type XcmpMessageHandler = XcmpQueue;
	type ReservedXcmpWeight = ReservedXcmpWeight;
	type CheckAssociatedRelayNumber = RelayNumberMonotonicallyIncreases;
	type WeightInfo = crate::weights::cumulus_pallet_parachain_system::WeightInfo<Runtime>;
	type ConsensusHook = ConsensusHook;
	type RelayParentOffset = ConstU32<0>;
	type SchedulingSignatureVerifier = ();
}

impl parachain_info::Config for Runtime {}

parameter_types! {
	pub MessageQueueServiceWeight: Weight = Perbill::from_percent(35) * RuntimeBlockWeights::get().max_block;
}

/// No inbound XCM is processed while multi-block migrations run: a `Transact` would reach the
/// pallets (a shielded transaction, a fill) while their storage is half migrated. Messages wait
/// in their queues and are processed once the migrations end.
pub struct PausedWhileMigrating;
impl frame_support::traits::QueuePausedQuery<AggregateMessageOrigin> for PausedWhileMigrating {
	fn is_paused(_: &AggregateMessageOrigin) -> bool {
		<super::MultiBlockMigrations as frame_support::migrations::MultiStepMigrator>::ongoing()
	}
}

/// The migrations that walk storage users can grow: run over as many blocks as they need,
/// each step within [`MbmServiceWeight`], transactions and XCM suspended meanwhile.
pub type MultiBlockMigrationsOf<R> = (
	pallet_settlement::migrations::v3::LazyMigrateV2ToV3<R>,
	pallet_shielded_pool::migrations::v3::LazyMigrateV2ToV3<R>,
);

parameter_types! {
	/// What a block gives multi-block migrations: 80 % of it, the rest to the inherents.
	pub MbmServiceWeight: Weight = Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_migrations::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	#[cfg(not(feature = "runtime-benchmarks"))]
	type Migrations = MultiBlockMigrationsOf<Runtime>;
	// `pallet-migrations` measures itself with migrations it controls.
	#[cfg(feature = "runtime-benchmarks")]
	type Migrations = pallet_migrations::mock_helpers::MockedMigrations;
	// The note tree's cursor is 1.6 kB.
	type CursorMaxLen = ConstU32<65_536>;
	type IdentifierMaxLen = ConstU32<256>;
	type MigrationStatusHandler = ();
	// A failed migration leaves storage it cannot vouch for: stop, for governance to act.
	type FailedMigrationHandler = frame_support::migrations::FreezeChainOnFailedMigration;
	type MaxServiceWeight = MbmServiceWeight;
	type WeightInfo = crate::weights::pallet_migrations::WeightInfo<Runtime>;
}

impl pallet_message_queue::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = crate::weights::pallet_message_queue::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type MessageProcessor = pallet_message_queue::mock_helpers::NoopMessageProcessor<AggregateMessageOrigin>;
	#[cfg(not(feature = "runtime-benchmarks"))]
	type MessageProcessor = staging_xcm_builder::ProcessXcmMessage<
		AggregateMessageOrigin,
		staging_xcm_executor::XcmExecutor<xcm_config::XcmConfig>,
		RuntimeCall,
	>;
	type Size = u32;
	type QueueChangeHandler = NarrowOriginToSibling<XcmpQueue>;
	type QueuePausedQuery = (NarrowOriginToSibling<XcmpQueue>, PausedWhileMigrating);
	type HeapSize = ConstU32<{ 103 * 1024 }>;
	type MaxStale = ConstU32<8>;
	type ServiceWeight = MessageQueueServiceWeight;
	type IdleMaxServiceWeight = ();
}

impl cumulus_pallet_aura_ext::Config for Runtime {}

impl cumulus_pallet_xcmp_queue::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ChannelInfo = ParachainSystem;
	type VersionWrapper = PolkadotXcm;
	type XcmpQueue = TransformOrigin<MessageQueue, AggregateMessageOrigin, ParaId, ParaIdToSibling>;
	type MaxInboundSuspended = ConstU32<1_000>;
	type MaxActiveOutboundChannels = ConstU32<128>;
	type MaxPageSize = ConstU32<{ 1 << 16 }>;
	type ControllerOrigin = EnsureRoot<AccountId>;
	type ControllerOriginConverter = XcmOriginToTransactDispatchOrigin;
	type WeightInfo = crate::weights::cumulus_pallet_xcmp_queue::WeightInfo<Runtime>;
	type PriceForSiblingDelivery = xcm_config::PriceForSiblingDelivery;
}

parameter_types! {
	pub const Period: u32 = 6 * HOURS;
	pub const Offset: u32 = 0;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = pallet_collator_selection::IdentityCollator;
	type ShouldEndSession = pallet_session::PeriodicSessions<Period, Offset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<Period, Offset>;
	type SessionManager = CollatorSelection;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = crate::weights::pallet_session::WeightInfo<Runtime>;
	type Currency = Balances;
	type KeyDeposit = ();
}

/// Upper bound of the collator set, for the pallets that store it (Aura, authority discovery).
/// The set itself is `pallet-collator-selection`'s invulnerables and candidates, far fewer.
pub type MaxAuthorities = ConstU32<100_000>;

impl pallet_aura::Config for Runtime {
	type AuthorityId = super::AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = MaxAuthorities;
	type AllowMultipleBlocksPerSlot = ConstBool<true>;
	type SlotDuration = ConstU64<SLOT_DURATION>;
}

/// The collators' authority-discovery keys, set by `pallet-session` each session from their
/// session keys. The node reads them through `AuthorityDiscoveryApi` (see `apis.rs`).
impl pallet_authority_discovery::Config for Runtime {
	type MaxAuthorities = MaxAuthorities;
}

parameter_types! {
	pub const PotId: PalletId = PalletId(*b"PotStake");
	pub const SessionLength: BlockNumber = 6 * HOURS;
	pub const StakingAdminBodyId: BodyId = BodyId::Defense;
}

/// Root, or the relay chain's staking admins.
pub type CollatorSelectionUpdateOrigin =
	EitherOfDiverse<EnsureRoot<AccountId>, EnsureXcm<IsVoiceOfBody<RelayLocation, StakingAdminBodyId>>>;

impl pallet_collator_selection::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type UpdateOrigin = CollatorSelectionUpdateOrigin;
	type PotId = PotId;
	type MaxCandidates = ConstU32<100>;
	type MinEligibleCollators = ConstU32<4>;
	type MaxInvulnerables = ConstU32<20>;
	type KickThreshold = Period;
	type ValidatorId = AccountId;
	type ValidatorIdOf = pallet_collator_selection::IdentityCollator;
	type ValidatorRegistration = Session;
	type WeightInfo = crate::weights::pallet_collator_selection::WeightInfo<Runtime>;
}

parameter_types! {
	pub const ShieldedPoolPalletId: PalletId = PalletId(*b"zks/pool");
}

/// The author of the current block (fee recipient of unsigned shielded transactions).
pub struct BlockAuthor;
impl pallet_shielded_pool::BlockAuthor<AccountId> for BlockAuthor {
	fn block_author() -> Option<AccountId> {
		pallet_authorship::Pallet::<Runtime>::author()
	}
}

/// Pool priority per `MinUnsignedFee` an unsigned spend pays: the priority a signed `transact`
/// gets for tipping the same amount. `ChargeTransactionPayment` multiplies a tip by the number of
/// such calls that fit in a block, so this is derived from the measured weights (a constant
/// written for one set of weights was eight times off the next); neither kind jumps the
/// other's queue.
pub struct UnsignedPriorityPerMinFee;
impl frame_support::traits::Get<u64> for UnsignedPriorityPerMinFee {
	fn get() -> u64 {
		let per_block = RuntimeBlockWeights::get()
			.max_block
			.checked_div_per_component(&crate::ShieldedPool::transact_weight(true).max(Weight::from_parts(1, 1)))
			.unwrap_or(1)
			.max(1);
		let min_fee = <<Runtime as pallet_shielded_pool::Config>::MinUnsignedFee as frame_support::traits::Get<Balance>>::get();
		per_block.saturating_mul(u64::try_from(min_fee).unwrap_or(u64::MAX))
	}
}

impl pallet_shielded_pool::Config for Runtime {
	type NativeCurrency = Balances;
	type AssetId = u32;
	type Assets = super::Assets;
	type PalletId = ShieldedPoolPalletId;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	// The roots of the last 100 blocks that added notes (the root advances once per block):
	// at least ten minutes at 6 s blocks, however busy; proving takes seconds, not minutes.
	type RootHistorySize = ConstU32<100>;
	type MaxEncryptedNoteLen = ConstU32<256>;
	// A full batch (about 0.6 s of weight at the measured per-transfer cost) fits in one block
	// with room to spare; `the_heaviest_calls_fit_in_a_block` checks it against the weights.
	type MaxBatchSize = ConstU32<64>;
	type MaxVerifyingKeyLen = ConstU32<4096>;
	type MinUnsignedFee = ConstU128<{ 10 * MILLI_UNIT }>;
	type UnsignedPriority = UnsignedPriorityPerMinFee;
	type UnsignedLongevity = ConstU64<64>;
	// 2^22 hashes: 0.69 s on one core of the reference machine (6.1 million hashes a second),
	// about a third of what proving takes there, against the 12 ms a node spends refusing a junk
	// proof. BENCHMARKS.md ("Work stamps") has the figures and what a GPU changes.
	type UnsignedStampBits = ConstU32<22>;
	type BlockAuthor = BlockAuthor;
	type ForeignAssetId = assets::ForeignAssetId;
	type ForeignAssets = super::ForeignAssets;
	// The relay token and a handful of Asset Hub assets; room to spare, and each entry a few
	// hundred bytes.
	type MaxForeignAssets = ConstU32<64>;
	type ReserveTransfer = xcm_config::ToReserve;
	type WeightInfo = pallet_shielded_pool::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const SettlementPalletId: PalletId = PalletId(*b"zks/setl");
}

/// Benchmarks set the wall clock through the timestamp pallet.
#[cfg(feature = "runtime-benchmarks")]
pub struct SettlementBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_settlement::BenchmarkHelper for SettlementBenchmarkHelper {
	fn set_time(seconds: u64) {
		pallet_timestamp::Now::<Runtime>::put(seconds.saturating_mul(1_000));
	}
}

/// This chain's para id: it salts the settlement pallet's mailbox and settler addresses, so
/// that they are this chain's own even beside a chain that shares its domain by mistake.
pub struct ParaIdSalt;
impl frame_support::traits::Get<u32> for ParaIdSalt {
	fn get() -> u32 {
		parachain_info::Pallet::<Runtime>::parachain_id().into()
	}
}

impl pallet_settlement::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UnixTime = super::Timestamp;
	type PalletId = SettlementPalletId;
	type ChainSalt = ParaIdSalt;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	// No other pallet receives messages yet; fills go to the built-in settler.
	type Recipients = ();
	type MaxBodyLen = ConstU32<2048>;
	type MaxMessageLen = ConstU32<{ 2048 + 77 }>;
	// Merkle-root metadata (1096 bytes) with 32 signatures is 3176 bytes.
	type MaxMetadataLen = ConstU32<4096>;
	type MaxValidators = ConstU32<32>;
	type MaxModules = ConstU32<8>;
	type MaxSignatureChecks = ConstU32<64>;
	// The deepest sensible level — routing to an aggregation of multisigs — reads 1 + 1 + 8;
	// 16 leaves room and bounds every registry walk's weight and proof size.
	type MaxIsmReads = ConstU32<16>;
	// `set_ism` reads the whole registry (independent aggregation modules): 64 ISMs is many
	// security levels and routes, and 64 reads of at most 660 bytes bound its proof.
	type MaxIsms = ConstU32<64>;
	type MaxFillWindow = ConstU64<{ 7 * 24 * 3600 }>;
	type FeePerValidator = ConstU128<MILLI_UNIT>;
	type FeePerSignature = ConstU128<{ 2 * MILLI_UNIT }>;
	// `s3://bucket/region/folder`, `gs://…` and `file:///…` locations are well under 256 bytes;
	// a validator moves its storage rarely. The fee pays once for bytes kept for good.
	type MaxLocationLen = ConstU32<256>;
	type MaxLocationsPerValidator = ConstU32<16>;
	type AnnouncementFee = ConstU128<{ 10 * MILLI_UNIT }>;
	type AnnouncementByteFee = ConstU128<{ MILLI_UNIT / 10 }>;
	// Messages are kept for good: 0.1 milli-unit a byte, as announcements; the largest message
	// (2 125 bytes) pays 0.21 units, an empty one 7.7 milli-units.
	type MessageByteFee = ConstU128<{ MILLI_UNIT / 10 }>;
	// An order pins its security level and leaves records for good: at least 100 times the
	// existential deposit.
	type MinOrderInput = ConstU128<{ 100 * EXISTENTIAL_DEPOSIT }>;
	type NativeTransport = native::NativeXcm;
	type NativeOrigin = native::EnsureSiblingParachain;
	type WeightInfo = pallet_settlement::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SettlementBenchmarkHelper;
}

#[allow(unused_imports)]
use {PalletInfo as _, RuntimeTask as _, Session as _, System as _};
