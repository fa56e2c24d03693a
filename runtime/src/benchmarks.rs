//! The benchmarks the runtime exposes (`benchmark pallet` of the node).

use alloc::{string::String, vec::Vec};
use polkadot_sdk::*;

use frame_benchmarking::{BenchmarkBatch, BenchmarkConfig, BenchmarkError, BenchmarkList};
use frame_support::traits::{StorageInfo, StorageInfoTrait, WhitelistedStorageKeys};

use super::*;

type SystemBench = frame_system_benchmarking::Pallet<Runtime>;
type SessionBench = cumulus_pallet_session_benchmarking::Pallet<Runtime>;
type XcmBench = pallet_xcm::benchmarking::Pallet<Runtime>;

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench]
	[cumulus_pallet_parachain_system, ParachainSystem]
	[pallet_timestamp, Timestamp]
	[pallet_balances, Balances]
	[pallet_assets, Assets]
	[pallet_assets, ForeignAssets]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[pallet_multisig, Multisig]
	[pallet_collator_selection, CollatorSelection]
	[pallet_session, SessionBench]
	[pallet_message_queue, MessageQueue]
	[cumulus_pallet_xcmp_queue, XcmpQueue]
	[pallet_xcm, XcmBench]
	[pallet_migrations, MultiBlockMigrations]
	[pallet_shielded_pool, ShieldedPool]
	[pallet_settlement, Settlement]
);

impl frame_system_benchmarking::Config for Runtime {
	fn setup_set_code_requirements(code: &Vec<u8>) -> Result<(), BenchmarkError> {
		ParachainSystem::initialize_for_set_code_benchmark(code.len() as u32);
		Ok(())
	}

	fn verify_set_code() {
		System::assert_last_event(cumulus_pallet_parachain_system::Event::<Runtime>::ValidationFunctionStored.into());
	}
}

impl cumulus_pallet_session_benchmarking::Config for Runtime {
	fn generate_session_keys_and_proof(owner: AccountId) -> (SessionKeys, Vec<u8>) {
		use codec::Encode;
		let generated = SessionKeys::generate(&owner.encode(), None);
		(generated.keys, generated.proof.encode())
	}
}

mod xcm {
	//! `pallet-xcm` measured with this runtime's routes: reserve transfers of the relay token to
	//! the relay chain (its reserve), delivery priced in ZKS, trapped assets of every kind.
	use super::*;
	use crate::configs::{
		assets::{relay_token, ForeignAssetId},
		xcm_config::{
			LocationToAccountId, PriceForParentDelivery, PriceForSiblingDelivery, RelayTokenReserveMinimum, XcmConfig,
			ASSET_HUB_PARA_ID,
		},
		ExistentialDeposit,
	};
	use alloc::{boxed::Box, vec};
	use frame_support::{
		parameter_types,
		traits::{
			fungible,
			fungibles::{Inspect as _, Mutate as _},
		},
	};
	use polkadot_sdk::staging_xcm::latest::{prelude::*, Assets};
	use polkadot_sdk::staging_xcm_executor::traits::ConvertLocation;

	parameter_types! {
		pub ExistentialDepositAsset: Option<Asset> = Some((Here, ExistentialDeposit::get()).into());
		pub const AssetHubParaId: cumulus_primitives_core::ParaId = cumulus_primitives_core::ParaId::new(ASSET_HUB_PARA_ID);
	}

	/// Some relay token in `who`'s account (and the ZKS existential deposit, so that it exists).
	fn give_relay_token(who: &AccountId, amount: Balance) -> Option<()> {
		<Balances as fungible::Mutate<_>>::mint_into(who, ExistentialDeposit::get()).ok()?;
		ForeignAssets::mint_into(relay_token(), who, amount).ok().map(|_| ())
	}

	impl pallet_xcm::benchmarking::Config for Runtime {
		type DeliveryHelper = (
			cumulus_primitives_utility::ToParentDeliveryHelper<XcmConfig, ExistentialDepositAsset, PriceForParentDelivery>,
			polkadot_runtime_common::xcm_sender::ToParachainDeliveryHelper<
				XcmConfig,
				ExistentialDepositAsset,
				PriceForSiblingDelivery,
				AssetHubParaId,
				ParachainSystem,
			>,
		);

		fn reachable_dest() -> Option<Location> {
			Some(Parent.into())
		}

		/// Nothing is teleported (`XcmTeleportFilter` is `Nothing`): the call weighs `MAX`.
		fn teleportable_asset_and_dest() -> Option<(Asset, Location)> {
			None
		}

		/// The relay token home. `pallet-xcm`'s benchmark then looks for the amount in the
		/// destination's sovereign account, where a local-reserve transfer leaves it; a reserve
		/// withdrawal burns it here instead, so that account is given the amount up front for
		/// the check (the measured call does not touch it).
		fn reserve_transferable_asset_and_dest() -> Option<(Asset, Location)> {
			let amount = RelayTokenReserveMinimum::get().saturating_mul(10);
			let sovereign = LocationToAccountId::convert_location(&Parent.into())?;
			give_relay_token(&sovereign, amount)?;
			Some(((Parent, amount).into(), Parent.into()))
		}

		/// `transfer_assets` of the relay token home, paying the reserve's fees with it.
		fn set_up_complex_asset_transfer() -> Option<(Assets, u32, Location, Box<dyn FnOnce()>)> {
			let amount = RelayTokenReserveMinimum::get().saturating_mul(10);
			let caller: AccountId = frame_benchmarking::whitelisted_caller();
			give_relay_token(&caller, amount)?;
			// The benchmark sets delivery up for `Here`, not the caller: the caller pays it in ZKS.
			<Balances as fungible::Mutate<_>>::mint_into(&caller, crate::UNIT).ok()?;
			let verify = Box::new(move || {
				assert_eq!(ForeignAssets::balance(relay_token(), &frame_benchmarking::whitelisted_caller::<AccountId>()), 0);
			});
			Some((Asset::from((Parent, amount)).into(), 0, Parent.into(), verify))
		}

		fn get_asset() -> Asset {
			(Here, ExistentialDeposit::get()).into()
		}

		/// `n` distinct assets, as many foreign assets as needed besides ZKS: claiming trapped
		/// assets costs a deposit of each kind.
		fn get_assets(n: u32) -> Assets {
			let mut assets = vec![Self::get_asset()];
			for i in 1..n {
				let location = Location::new(1, [Parachain(ASSET_HUB_PARA_ID), PalletInstance(50), GeneralIndex(i.into())]);
				#[allow(clippy::useless_conversion)]
				let id: ForeignAssetId = location.clone().into();
				if !ForeignAssets::asset_exists(id.clone()) {
					// A failure shows as the benchmark's failure to deposit the asset.
					let pool = ShieldedPool::account_id();
					let _ = ForeignAssets::force_create(RuntimeOrigin::root(), id, pool.into(), true, 1);
				}
				assets.push((location, 1_000_000u128).into());
			}
			assets.into()
		}

		fn batch_call(calls: Vec<RuntimeCall>) -> Option<RuntimeCall> {
			Some(RuntimeCall::Utility(pallet_utility::Call::batch_all { calls }))
		}
	}
}

pub fn metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	(list, AllPalletsWithSystem::storage_info())
}

pub fn dispatch(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, String> {
	let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}
