//! Runtime-level migrations: state that no single pallet's storage version covers.

use alloc::boxed::Box;
#[cfg(feature = "try-runtime")]
use alloc::vec::Vec;
use polkadot_sdk::*;

use frame_support::{
	traits::{fungibles, GetStorageVersion, OnRuntimeUpgrade},
	weights::Weight,
};
use sp_runtime::traits::AccountIdConversion;

use crate::{
	configs::{
		assets::{relay_token, ForeignAssetsInstance, RELAY_TOKEN_METADATA, RELAY_TOKEN_MIN_BALANCE},
		ShieldedPoolPalletId,
	},
	AccountId, Runtime,
};

type ForeignAssets = pallet_assets::Pallet<Runtime, ForeignAssetsInstance>;
type ShieldedPool = pallet_shielded_pool::Pallet<Runtime>;

/// On a chain that predates foreign assets (`spec_version` < 8): create the relay token's
/// foreign asset as the genesis of a new chain does (owner, admin and freezer the pool's
/// keyless account, sufficient, with its metadata) and allow it into the pool. Without it the
/// relay token sent to an upgraded chain would find no asset and be trapped.
///
/// * **Once.** It runs only on a chain whose pool has never registered a foreign asset
///   (`NextForeignAssetIndex` is 0: indices are never reused) and that has no relay-token asset:
///   the upgrade that brings foreign assets in. A relay token governance destroyed later stays
///   destroyed through every later upgrade (its index was taken), and a chain started at
///   `spec_version` 8 or later registered it at genesis. (Not the ForeignAssets instance's
///   storage version: the executive gives a pallet with no storage its version in
///   `before_all_runtime_migrations`, before any migration runs, so that guard never let it run.)
/// * **All or nothing.** The creation, its metadata and the pool's registration run in one
///   storage transaction: if any step fails, none is kept (no asset half set up, no orphaned
///   registration), the failure is logged, and governance registers the token by hand (or the
///   next upgrade tries again).
pub struct RegisterRelayToken;

impl OnRuntimeUpgrade for RegisterRelayToken {
	fn on_runtime_upgrade() -> Weight {
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		if !brings_foreign_assets_in() {
			return db.reads(2);
		}
		// The instance is new with this upgrade: its storage starts at the code's version (the
		// executive has set it already; this keeps the migration whole when run on its own).
		if ForeignAssets::on_chain_storage_version() == 0 {
			ForeignAssets::in_code_storage_version().put::<ForeignAssets>();
		}
		if let Err(error) = frame_support::storage::with_storage_layer(register_relay_token) {
			log::error!(target: "runtime::migrations", "registering the relay token failed, nothing kept: {error:?}");
		}
		// Storage version, asset, metadata, the pool's registry (index, entry, counter).
		db.reads_writes(5, 7)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
		use codec::Encode;
		// Whether this upgrade brings foreign assets in (and so must register the token).
		Ok(brings_foreign_assets_in().encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		use codec::Decode;
		use frame_support::ensure;
		ensure!(ForeignAssets::on_chain_storage_version() != 0, "the ForeignAssets instance has no storage version");
		if !bool::decode(&mut &state[..]).map_err(|_| "pre_upgrade state")? {
			// Not this upgrade's to register: governance may have destroyed the token since.
			return Ok(());
		}
		ensure!(
			<ForeignAssets as fungibles::Inspect<AccountId>>::asset_exists(relay_token()),
			"the relay token's foreign asset is missing"
		);
		let index = pallet_shielded_pool::ForeignAssetIndex::<Runtime>::get(relay_token())
			.ok_or("the relay token is not registered with the pool")?;
		ensure!(
			pallet_shielded_pool::ForeignAssetRegistry::<Runtime>::get(index).is_some(),
			"the relay token's registry entry is missing"
		);
		Ok(())
	}
}

/// Whether the chain has never had a foreign asset in its pool nor the relay token's asset.
fn brings_foreign_assets_in() -> bool {
	pallet_shielded_pool::NextForeignAssetIndex::<Runtime>::get() == 0 &&
		!<ForeignAssets as fungibles::Inspect<AccountId>>::asset_exists(relay_token())
}

/// Create the relay token's asset with the pool in every role, its metadata, and allow it into
/// the pool.
fn register_relay_token() -> sp_runtime::DispatchResult {
	let pool: AccountId = ShieldedPoolPalletId::get().into_account_truncating();
	let (name, symbol, decimals) = RELAY_TOKEN_METADATA;
	let root = || crate::RuntimeOrigin::root();
	// `Create` is `force_create` without an origin: no deposit, every role the pool's.
	<ForeignAssets as fungibles::Create<AccountId>>::create(relay_token(), pool, true, RELAY_TOKEN_MIN_BALANCE)?;
	ForeignAssets::force_set_metadata(root(), relay_token(), name.to_vec(), symbol.to_vec(), decimals, false)?;
	ShieldedPool::allow_foreign_asset(root(), Box::new(relay_token()))
}
