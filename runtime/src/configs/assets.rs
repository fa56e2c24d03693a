//! Assets besides ZKS: local assets (`Assets`, `pallet-assets` keyed by a number, created by
//! anyone for a deposit) and foreign assets (`ForeignAssets`, keyed by their XCM location, as
//! Asset Hub and the system parachains key theirs).
//!
//! A foreign asset is the derivative here of an asset whose reserve is another chain: the relay
//! chain's token, or an Asset Hub asset (USDT, USDC). XCM mints it when its reserve sends it
//! (`ReserveAssetDeposited`) and burns it when it goes back (`InitiateReserveWithdraw`), so its
//! issuance here always equals what our sovereign account holds there. Only governance creates
//! one (`force_create`), with the shielded pool's keyless account as owner, admin and freezer:
//! nobody can mint it outside XCM, nor burn or freeze what users and the pool hold.

use polkadot_sdk::{staging_xcm as xcm, *};

use frame_support::{
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU32, NeverEnsureOrigin},
};
use frame_system::{EnsureRoot, EnsureSigned};

use super::deposit;
use crate::{AccountId, Balance, Balances, Runtime, RuntimeEvent, EXISTENTIAL_DEPOSIT, UNIT};

/// A foreign asset's id: its location as XCM v5 writes it. Pinned to v5 rather than
/// `latest`, so that a newer XCM version does not change the storage keys.
pub type ForeignAssetId = xcm::v5::Location;

/// The relay chain's token as a foreign asset: `(1, Here)`.
pub fn relay_token() -> ForeignAssetId {
	ForeignAssetId::parent()
}

/// What the genesis (or the upgrade to foreign assets, [`crate::migrations`]) registers for the
/// relay token: ROC of the rococo-local relay chain, 12 decimals. The minimum balance is a
/// millionth of a token, below what any XCM fee costs, so that whatever arrives can be held;
/// the asset is sufficient, so that an account needs no ZKS to hold it (a user who brings DOT
/// need not buy ZKS first, and the pool's reserve outboxes hold nothing else).
pub const RELAY_TOKEN_MIN_BALANCE: Balance = 1_000_000;
/// The relay token's name, symbol and decimals.
pub const RELAY_TOKEN_METADATA: (&[u8], &[u8], u8) = (b"Rococo", b"ROC", 12);

parameter_types! {
	pub const AssetDeposit: Balance = 10 * UNIT;
	pub const AssetAccountDeposit: Balance = deposit(1, 16);
	pub const ApprovalDeposit: Balance = EXISTENTIAL_DEPOSIT;
	pub const MetadataDepositBase: Balance = deposit(1, 68);
	pub const MetadataDepositPerByte: Balance = deposit(0, 1);
}

/// Local assets: anyone may create one, for a deposit.
impl pallet_assets::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type RemoveItemsLimit = ConstU32<1000>;
	type AssetId = u32;
	type AssetIdParameter = codec::Compact<u32>;
	type Currency = Balances;
	type ReserveData = ();
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type AssetDeposit = AssetDeposit;
	type AssetAccountDeposit = AssetAccountDeposit;
	type MetadataDepositBase = MetadataDepositBase;
	type MetadataDepositPerByte = MetadataDepositPerByte;
	type ApprovalDeposit = ApprovalDeposit;
	type StringLimit = ConstU32<50>;
	// The shielded pool refuses the destruction of an asset with shielded value and forgets a
	// destroyed one (see `pallet_shielded_pool::AssetGuard`).
	type Freezer = pallet_shielded_pool::AssetGuard<Runtime>;
	type Holder = ();
	type Extra = ();
	type CallbackHandle = pallet_shielded_pool::AssetGuard<Runtime>;
	type AssetIdAllocator = ();
	type WeightInfo = crate::weights::pallet_assets_assets::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// The foreign-assets instance.
pub type ForeignAssetsInstance = pallet_assets::Instance1;

impl pallet_assets::Config<ForeignAssetsInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type RemoveItemsLimit = ConstU32<1000>;
	type AssetId = ForeignAssetId;
	type AssetIdParameter = ForeignAssetId;
	type Currency = Balances;
	type ReserveData = ();
	// Never by a signed account: a foreign asset is created by governance (`force_create`).
	type CreateOrigin = AsEnsureOriginWithArg<NeverEnsureOrigin<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type AssetDeposit = AssetDeposit;
	type AssetAccountDeposit = AssetAccountDeposit;
	type MetadataDepositBase = MetadataDepositBase;
	type MetadataDepositPerByte = MetadataDepositPerByte;
	type ApprovalDeposit = ApprovalDeposit;
	type StringLimit = ConstU32<50>;
	// As for local assets: the pool refuses the destruction of a foreign asset with shielded
	// value and retires a destroyed one's index.
	type Freezer = pallet_shielded_pool::ForeignAssetGuard<Runtime>;
	type Holder = ();
	type Extra = ();
	type CallbackHandle = pallet_shielded_pool::ForeignAssetGuard<Runtime>;
	type AssetIdAllocator = ();
	type WeightInfo = crate::weights::pallet_assets_foreign_assets::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = LocationBenchmarkHelper;
}

/// Foreign-asset ids for `pallet-assets` benchmarks: `(1, [Parachain(id)])`.
#[cfg(feature = "runtime-benchmarks")]
pub struct LocationBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_assets::BenchmarkHelper<ForeignAssetId, ()> for LocationBenchmarkHelper {
	fn create_asset_id_parameter(id: u32) -> ForeignAssetId {
		ForeignAssetId::new(1, [xcm::v5::Junction::Parachain(id)])
	}
	fn create_reserve_id_parameter(_: u32) {}
}
