//! A test runtime: System, Balances, Assets and the pool, with `AccountId32` and `u128`
//! balances like the real runtime (the benchmark fixtures depend on both).

use crate as pallet_shielded_pool;
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{AsEnsureOriginWithArg, ConstU128, ConstU32, ConstU64},
		PalletId,
	},
	frame_system::{self, EnsureRoot, EnsureSigned},
	pallet_assets, pallet_balances,
	sp_runtime::{AccountId32, BuildStorage},
};

pub type AccountId = AccountId32;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

#[polkadot_sdk::frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(RuntimeCall, RuntimeEvent, RuntimeError, RuntimeOrigin, RuntimeFreezeReason, RuntimeHoldReason, RuntimeSlashReason, RuntimeLockId, RuntimeTask, RuntimeViewFunction)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Assets = pallet_assets;
	#[runtime::pallet_index(3)]
	pub type ShieldedPool = pallet_shielded_pool;
	#[runtime::pallet_index(4)]
	pub type ForeignAssets = pallet_assets<Instance2>;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = polkadot_sdk::sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

pub const ED: Balance = 10;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
}

#[derive_impl(pallet_assets::config_preludes::TestDefaultConfig)]
impl pallet_assets::Config for Test {
	type Balance = Balance;
	type AssetId = u32;
	type AssetIdParameter = u32;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type Freezer = pallet_shielded_pool::AssetGuard<Test>;
	type Holder = ();
	type CallbackHandle = pallet_shielded_pool::AssetGuard<Test>;
}

/// Foreign assets as the runtime has them, but keyed by a number instead of a location.
#[derive_impl(pallet_assets::config_preludes::TestDefaultConfig)]
impl pallet_assets::Config<pallet_assets::Instance2> for Test {
	type Balance = Balance;
	type AssetId = ForeignAssetId;
	type AssetIdParameter = ForeignAssetId;
	type Currency = Balances;
	type CreateOrigin = polkadot_sdk::frame_support::traits::NeverEnsureOrigin<AccountId>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type Freezer = pallet_shielded_pool::ForeignAssetGuard<Test>;
	type Holder = ();
	type CallbackHandle = pallet_shielded_pool::ForeignAssetGuard<Test>;
}

pub type ForeignAssetId = u64;

parameter_types! {
	/// What [`TestReserve`] sent: `(asset, amount, beneficiary)`.
	pub static SentToReserve: Vec<(ForeignAssetId, Balance, [u8; 32])> = Vec::new();
	/// Whether the reserve chain is unreachable.
	pub static ReserveDown: bool = false;
}

/// The least the test reserve keeps (its existential deposit and fee).
pub const RESERVE_MINIMUM: Balance = 100;
/// What the test reserve's message costs to deliver, burned from the payer's native balance.
pub const DELIVERY_FEE: Balance = 7;
/// A beneficiary the test reserve cannot map to an account.
pub const UNMAPPABLE: [u8; 32] = [0; 32];

/// A reserve transfer as the XCM executor does it: the amount leaves the sender's account here
/// (burned: the reserve releases it there), and a message goes out.
pub struct TestReserve;
impl crate::ReserveTransfer<AccountId, ForeignAssetId, Balance> for TestReserve {
	type Beneficiary = [u8; 32];

	fn ensure_deliverable(_: &ForeignAssetId, amount: Balance, beneficiary: &[u8; 32]) -> Result<(), crate::Undeliverable> {
		if amount < RESERVE_MINIMUM {
			return Err(crate::Undeliverable::BelowMinimum);
		}
		if *beneficiary == UNMAPPABLE {
			return Err(crate::Undeliverable::UnmappableBeneficiary);
		}
		Ok(())
	}

	fn transfer(
		payer: &AccountId,
		from: &AccountId,
		asset: &ForeignAssetId,
		amount: Balance,
		beneficiary: &[u8; 32],
	) -> polkadot_sdk::sp_runtime::DispatchResult {
		use polkadot_sdk::frame_support::traits::{
			fungible, fungibles,
			tokens::{Fortitude, Precision, Preservation},
		};
		if ReserveDown::get() {
			return Err(polkadot_sdk::sp_runtime::DispatchError::Other("unroutable"));
		}
		<Balances as fungible::Mutate<_>>::burn_from(
			payer,
			DELIVERY_FEE,
			Preservation::Preserve,
			Precision::Exact,
			Fortitude::Polite,
		)?;
		<ForeignAssets as fungibles::Mutate<_>>::burn_from(
			*asset,
			from,
			amount,
			Preservation::Expendable,
			Precision::Exact,
			Fortitude::Polite,
		)?;
		SentToReserve::mutate(|sent| sent.push((*asset, amount, *beneficiary)));
		Ok(())
	}

	fn weight() -> polkadot_sdk::frame_support::weights::Weight {
		polkadot_sdk::frame_support::weights::Weight::from_parts(1_000_000, 1_000)
	}
}

parameter_types! {
	pub const PoolPalletId: PalletId = PalletId(*b"zk/pool_");
	pub static Author: Option<AccountId> = None;
}

pub struct TestAuthor;
impl crate::BlockAuthor<AccountId> for TestAuthor {
	fn block_author() -> Option<AccountId> {
		Author::get()
	}
}

impl pallet_shielded_pool::Config for Test {
	type NativeCurrency = Balances;
	type AssetId = u32;
	type Assets = Assets;
	type PalletId = PoolPalletId;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type RootHistorySize = ConstU32<30>;
	type MaxEncryptedNoteLen = ConstU32<256>;
	type MaxBatchSize = ConstU32<16>;
	type MaxVerifyingKeyLen = ConstU32<2048>;
	type MinUnsignedFee = ConstU128<10>;
	type UnsignedPriority = ConstU64<100>;
	type UnsignedLongevity = ConstU64<64>;
	type UnsignedStampBits = ConstU32<8>;
	type BlockAuthor = TestAuthor;
	type ForeignAssetId = ForeignAssetId;
	type ForeignAssets = ForeignAssets;
	type MaxForeignAssets = ConstU32<3>;
	type ReserveTransfer = TestReserve;
	type WeightInfo = ();
}

pub fn account(byte: u8) -> AccountId {
	AccountId32::new([byte; 32])
}

pub const ALICE: u8 = 1;
pub const BOB: u8 = 2;
pub const RELAYER: u8 = 3;
pub const ASSET: u32 = 7;
/// A foreign asset (the relay token, say), guarded by the pool from genesis but not registered.
pub const RELAY_TOKEN: ForeignAssetId = 100;

/// Alice and Bob funded with 1 000 000 native and 1 000 000 of asset 7, Alice with 1 000 000
/// of [`RELAY_TOKEN`] (min balance 5, owned by the pool); the dev key installed
/// as version 1 (when `with_key`).
pub fn new_test_ext(verifying_keys: Vec<(u32, Vec<u8>)>) -> polkadot_sdk::sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(account(ALICE), 1_000_000), (account(BOB), 1_000_000), (account(RELAYER), 1_000)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_assets::GenesisConfig::<Test> {
		assets: vec![(ASSET, account(ALICE), true, 1)],
		metadata: vec![],
		accounts: vec![(ASSET, account(ALICE), 1_000_000), (ASSET, account(BOB), 1_000_000)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let pool = pallet_shielded_pool::Pallet::<Test>::account_id();
	pallet_assets::GenesisConfig::<Test, pallet_assets::Instance2> {
		assets: vec![(RELAY_TOKEN, pool, true, 5)],
		metadata: vec![],
		accounts: vec![(RELAY_TOKEN, account(ALICE), 1_000_000)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_shielded_pool::GenesisConfig::<Test> { verifying_keys, foreign_assets: vec![], _phantom: Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = polkadot_sdk::sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
