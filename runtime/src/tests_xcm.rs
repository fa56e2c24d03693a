//! XCM through the real executor configuration: foreign assets in from their reserves (and
//! from nobody else), fees in the relay token, reserve transfers out, and the shielded pool's
//! unshield to a reserve.

use crate::{
	configs::{
		assets::{relay_token, ForeignAssetId},
		xcm_config::{XcmConfig, ASSET_HUB_PARA_ID},
		PotId,
	},
	tests::{development_state, ext_data, prove_bound},
	*,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::Inspect as _,
		fungibles::{Inspect as _, Mutate as _},
		Hooks,
	},
};
use pallet_shielded_pool::Asset as PoolAsset;
use polkadot_sdk::{
	sp_keyring::Sr25519Keyring,
	staging_xcm::{
		latest::{prelude::*, Assets as XcmAssets},
		VersionedLocation,
	},
	staging_xcm_executor::{traits::ConvertLocation, XcmExecutor},
};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sp_runtime::traits::AccountIdConversion;
use zk_verifier::{keys::SpendingKey, merkle::MerkleTree, note::Note, prover::SpendableNote, Scalar};

/// One relay token (12 decimals on rococo-local).
pub(crate) const ROC: u128 = 1_000_000_000_000;

pub(crate) fn execute(origin: impl Into<Location>, message: Vec<Instruction<RuntimeCall>>) -> Outcome {
	let mut id = [0u8; 32];
	XcmExecutor::<XcmConfig>::prepare_and_execute(origin, Xcm(message), &mut id, Weight::MAX, Weight::zero())
}

pub(crate) fn account_location(who: &AccountId) -> Location {
	AccountId32 { network: None, id: who.clone().into() }.into()
}

/// What a reserve sends to deposit `asset` to `beneficiary`, paying the fees with it.
pub(crate) fn reserve_deposit(asset: Asset, beneficiary: &AccountId) -> Vec<Instruction<RuntimeCall>> {
	vec![
		ReserveAssetDeposited(asset.clone().into()),
		ClearOrigin,
		BuyExecution { fees: asset, weight_limit: Unlimited },
		DepositAsset { assets: Wild(AllCounted(1)), beneficiary: account_location(beneficiary) },
	]
}

/// The relay chain's limits on upward messages, which a real block gets from its validation
/// data.
pub(crate) fn with_ump() {
	<ParachainSystem as cumulus_primitives_core::UpwardMessageSender>::ensure_successful_delivery();
}

/// The one upward message queued, as the relay chain will read it.
pub(crate) fn the_upward_message() -> Xcm<()> {
	use codec::Decode;
	let queued = cumulus_pallet_parachain_system::PendingUpwardMessages::<Runtime>::get();
	assert_eq!(queued.len(), 1, "one upward message");
	let versioned = polkadot_sdk::staging_xcm::VersionedXcm::<()>::decode(&mut &queued[0][..]).expect("a versioned XCM");
	versioned.try_into().expect("in the latest version")
}

/// What the relay chain does with our reserve withdrawal: take `amount` of its token from our
/// sovereign account (fees out of it) and deposit the rest to `beneficiary`.
pub(crate) fn assert_withdraws_to(message: &Xcm<()>, amount: Balance, beneficiary: &Location) {
	let withdrawn = message.0.iter().find_map(|i| match i {
		WithdrawAsset(assets) => Some(assets.clone()),
		_ => None,
	});
	assert_eq!(withdrawn, Some(XcmAssets::from(Asset::from((Here, amount)))), "{message:?}");
	assert!(
		message.0.iter().any(|i| matches!(i, DepositAsset { beneficiary: b, .. } if b == beneficiary)),
		"no deposit to {beneficiary:?} in {message:?}"
	);
}

pub(crate) fn relay_balance(who: &AccountId) -> Balance {
	ForeignAssets::balance(relay_token(), who)
}

pub(crate) fn pot() -> AccountId {
	PotId::get().into_account_truncating()
}

pub(crate) fn asset_hub() -> Location {
	Location::new(1, [Parachain(ASSET_HUB_PARA_ID)])
}

/// Asset Hub's USDT, as Asset Hub names it to other chains.
pub(crate) fn usdt() -> Location {
	Location::new(1, [Parachain(ASSET_HUB_PARA_ID), PalletInstance(50), GeneralIndex(1984)])
}

pub(crate) fn ferdie() -> AccountId {
	Sr25519Keyring::Ferdie.to_account_id()
}

/// Relay-token fees go to the collators' pot, so what was minted here is exactly what the
/// reserve received: every relay token here is backed.
#[test]
fn the_relay_token_arrives_as_a_foreign_asset_and_pays_its_own_fees() {
	development_state().execute_with(|| {
		let zks = (Balances::balance(&ferdie()), Balances::total_issuance());
		let amount = 10 * ROC;
		let outcome = execute(Parent, reserve_deposit((Parent, amount).into(), &ferdie()));
		assert!(outcome.clone().ensure_complete().is_ok(), "{outcome:?}");
		let fee = relay_balance(&pot());
		assert!(fee > 0 && fee < ROC / 1000, "fee {fee}");
		assert_eq!(relay_balance(&ferdie()), amount - fee);
		assert_eq!(ForeignAssets::total_issuance(relay_token()), amount);
		// The relay token never mints ZKS (the template transacted it onto `Balances`).
		assert_eq!((Balances::balance(&ferdie()), Balances::total_issuance()), zks);
	});
}

#[test]
fn nobody_but_its_reserve_deposits_the_relay_token() {
	development_state().execute_with(|| {
		for origin in [Location::new(1, [Parachain(2000)]), asset_hub(), Location::new(0, [Parachain(2000)])] {
			let outcome = execute(origin.clone(), reserve_deposit((Parent, 10 * ROC).into(), &ferdie()));
			assert!(outcome.clone().ensure_complete().is_err(), "{origin:?} deposited the relay token: {outcome:?}");
		}
		assert_eq!(ForeignAssets::total_issuance(relay_token()), 0);
	});
}

/// Asset Hub deposits its assets (here USDT, paying the fees in the relay token it holds here);
/// the relay chain cannot deposit them, and Asset Hub cannot deposit another chain's.
#[test]
fn asset_hub_is_the_reserve_of_its_own_assets_only() {
	development_state().execute_with(|| {
		#[allow(clippy::useless_conversion)]
		let usdt_id: ForeignAssetId = usdt().try_into().unwrap();
		let pool = ShieldedPool::account_id();
		assert_ok!(ForeignAssets::force_create(RuntimeOrigin::root(), usdt_id.clone(), pool.into(), true, 10_000));
		let sovereign = configs::xcm_config::LocationToAccountId::convert_location(&asset_hub()).unwrap();
		assert_ok!(ForeignAssets::mint_into(relay_token(), &sovereign, ROC));

		// As XCM v5's `InitiateTransfer` on Asset Hub writes it: the fees first, then the asset.
		let fees: Asset = (Parent, ROC / 100).into();
		let from_asset_hub = |asset: Location| {
			vec![
				WithdrawAsset(fees.clone().into()),
				PayFees { asset: fees.clone() },
				ReserveAssetDeposited((asset, 5_000_000u128).into()),
				ClearOrigin,
				DepositAsset { assets: Wild(AllCounted(2)), beneficiary: account_location(&ferdie()) },
			]
		};
		let outcome = execute(asset_hub(), from_asset_hub(usdt()));
		assert!(outcome.clone().ensure_complete().is_ok(), "{outcome:?}");
		assert_eq!(ForeignAssets::balance(usdt_id.clone(), ferdie()), 5_000_000);
		// Another chain's asset, from Asset Hub: refused, nothing minted.
		let other: Location = Location::new(1, [Parachain(2000), GeneralIndex(1)]);
		assert!(execute(asset_hub(), from_asset_hub(other)).ensure_complete().is_err());
		// USDT from the relay chain: refused.
		let outcome = execute(Parent, reserve_deposit((usdt(), 5_000_000u128).into(), &ferdie()));
		assert!(outcome.ensure_complete().is_err());
		assert_eq!(ForeignAssets::total_issuance(usdt_id), 5_000_000);
	});
}

/// Ferdie sends the relay token home with `pallet-xcm`: it is burned here and an upward message
/// asks the relay chain to release it from our sovereign account.
#[test]
fn the_relay_token_goes_home_by_reserve_withdrawal() {
	development_state().execute_with(|| {
		assert!(execute(Parent, reserve_deposit((Parent, 10 * ROC).into(), &ferdie())).ensure_complete().is_ok());
		with_ump();
		let issuance = ForeignAssets::total_issuance(relay_token());
		let before = relay_balance(&ferdie());
		let beneficiary: VersionedLocation = account_location(&ferdie()).into();
		assert_ok!(PolkadotXcm::limited_reserve_transfer_assets(
			RuntimeOrigin::signed(ferdie()),
			Box::new(Location::parent().into()),
			Box::new(beneficiary),
			Box::new(XcmAssets::from(Asset::from((Parent, 4 * ROC))).into()),
			0,
			Unlimited,
		));
		assert_eq!(relay_balance(&ferdie()), before - 4 * ROC);
		assert_eq!(ForeignAssets::total_issuance(relay_token()), issuance - 4 * ROC);
		assert_withdraws_to(&the_upward_message(), 4 * ROC, &account_location(&ferdie()));
		// ZKS has no reserve elsewhere: it cannot be "reserve-transferred" to the relay chain.
		assert!(PolkadotXcm::limited_reserve_transfer_assets(
			RuntimeOrigin::signed(ferdie()),
			Box::new(Location::parent().into()),
			Box::new(account_location(&ferdie()).into()),
			Box::new(XcmAssets::from(Asset::from((Here, UNIT))).into()),
			0,
			Unlimited,
		)
		.is_err());
	});
}

/// The whole private path of a relay token through the real runtime: reserve-transferred in,
/// shielded, unshielded straight to an account on the relay chain. The beneficiary cannot be
/// swapped by the relayer, and what leaves is burned here as the upward message goes out.
#[test]
fn the_relay_token_is_shielded_and_unshielded_to_the_relay_chain() {
	development_state().execute_with(|| {
		with_ump();
		let mut rng = ChaCha20Rng::seed_from_u64(17);
		let mut tree = MerkleTree::new();
		assert!(execute(Parent, reserve_deposit((Parent, 10 * ROC).into(), &ferdie())).ensure_complete().is_ok());
		let index = pallet_shielded_pool::ForeignAssetIndex::<Runtime>::get(relay_token()).expect("registered at genesis");
		let asset = PoolAsset::Foreign(index);
		let field = asset.field_value().unwrap();
		let sk = SpendingKey::from_seed(b"ferdie");
		let note = |value: u64, rng: &mut ChaCha20Rng| Note {
			value,
			asset: field,
			owner: sk.owner(),
			blinding: <Scalar as ff::Field>::random(rng),
		};
		let amount = 5 * ROC as u64;
		let outputs = [note(amount, &mut rng), note(0, &mut rng)];
		let data = ext_data(None, None, 0);
		let hash = data.hash(&ShieldedPool::chain_binding());
		let tx = prove_bound(&tree, &[], outputs, asset, amount.into(), data, hash, &mut rng);
		assert_ok!(ShieldedPool::transact(RuntimeOrigin::signed(ferdie()), tx));
		assert_eq!(relay_balance(&ShieldedPool::account_id()), u128::from(amount));
		ShieldedPool::on_finalize(1);
		System::set_block_number(2);
		let shielded = SpendableNote { note: outputs[0], spending_key: sk, index: tree.append(outputs[0].commitment()).unwrap() };
		tree.append(outputs[1].commitment()).unwrap();

		// Out to Dave's account on the relay chain, relayed by Charlie for a fee in the asset.
		let dave_there = account_location(&Sr25519Keyring::Dave.to_account_id());
		let dave: VersionedLocation = dave_there.clone().into();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let outbox = ShieldedPool::reserve_outbox(&dave).unwrap();
		let (out, fee) = (4 * ROC, ROC / 100);
		let mut data = ext_data(Some(outbox.clone()), Some(charlie.clone()), fee);
		data.recipient = Some(outbox.clone());
		let hash = data.hash_to_reserve(&ShieldedPool::chain_binding(), &dave);
		let change = [note(amount - (out + fee) as u64, &mut rng), note(0, &mut rng)];
		let tx = prove_bound(&tree, &[shielded], change, asset, -(out as i128), data, hash, &mut rng);
		let thief: VersionedLocation = account_location(&charlie).into();
		assert_noop!(
			ShieldedPool::transact_to_reserve(RuntimeOrigin::signed(charlie.clone()), tx.clone(), Box::new(thief)),
			pallet_shielded_pool::Error::<Runtime>::OutboxMismatch
		);
		let issuance = ForeignAssets::total_issuance(relay_token());
		// Charlie pays the message's delivery in ZKS (to the collators' pot), no more than
		// quoted; the outbox keeps no ZKS.
		let quote = configs::xcm_config::delivery_fee_to_reserve(&Location::parent(), &Location::parent(), out, &dave).unwrap();
		let (zks_before, pot_before) = (Balances::balance(&charlie), Balances::balance(&pot()));
		assert_ok!(ShieldedPool::transact_to_reserve(RuntimeOrigin::signed(charlie.clone()), tx, Box::new(dave)));
		let delivery = zks_before - Balances::balance(&charlie);
		assert!(delivery > 0 && delivery <= quote, "delivery {delivery}, quoted {quote}");
		assert_eq!(Balances::balance(&pot()) - pot_before, delivery);
		assert_eq!(Balances::total_balance(&outbox), 0);
		assert_eq!(ForeignAssets::total_issuance(relay_token()), issuance - out);
		assert_eq!(relay_balance(&outbox), 0);
		assert_eq!(relay_balance(&charlie), fee);
		assert_withdraws_to(&the_upward_message(), out, &dave_there);
		assert_eq!(pallet_shielded_pool::TotalShielded::<Runtime>::get(asset), u128::from(amount) - out - fee);
	});
}

/// Wallets and other chains quote XCM fees through `XcmPaymentApi`: both fee assets are
/// listed, and the relay-token quote is the trader's price.
#[test]
fn fees_are_quoted_in_zks_and_the_relay_token() {
	use configs::xcm_config::{RELAY_TOKEN_PER_MB, RELAY_TOKEN_PER_SECOND};
	use polkadot_sdk::staging_xcm::VersionedAssetId;
	use xcm_runtime_apis::fees::runtime_decl_for_xcm_payment_api::XcmPaymentApiV2;
	development_state().execute_with(|| {
		let listed = Runtime::query_acceptable_payment_assets(XCM_VERSION).unwrap();
		for asset in [AssetId(Here.into()), AssetId(Parent.into())] {
			assert!(listed.contains(&VersionedAssetId::from(asset.clone())), "{asset:?} is not listed");
		}
		let weight = Weight::from_parts(4_000_000_000, 256 * 1024);
		let quote = Runtime::query_weight_to_asset_fee(weight, AssetId(Parent.into()).into()).unwrap();
		assert_eq!(quote, RELAY_TOKEN_PER_SECOND * 4 / 1000 + RELAY_TOKEN_PER_MB / 4);
		// A foreign asset the trader does not take is not quoted.
		assert!(Runtime::query_weight_to_asset_fee(weight, AssetId(usdt()).into()).is_err());
	});
}

/// The wallet builds the beneficiary and its outbox itself (`zksettle_wallet::builder::
/// Beneficiary`, tested against the same vector): an account on the reserve chain as a
/// `VersionedLocation` V5, and the pool's outbox of it.
#[test]
fn the_wallets_outbox_is_the_pools() {
	use codec::Encode;
	let beneficiary: VersionedLocation = Location::new(0, [AccountId32 { network: None, id: [7; 32] }]).into();
	let mut expected = vec![5, 0, 1, 1, 0];
	expected.extend([7u8; 32]);
	assert_eq!(beneficiary.encode(), expected);
	let outbox: [u8; 32] = ShieldedPool::reserve_outbox(&beneficiary).unwrap().into();
	let hex: String = outbox.iter().map(|b| format!("{b:02x}")).collect();
	assert_eq!(hex, "da7764212fb02d1d6359b88c9fb5a152c1e7f26fc2885f7de0bae8932c1e07d9");
}

/// Any signed account could `send` an arbitrary message to the relay chain for a transaction
/// fee, with no delivery price: the upward queue grows with every call. Users need reserve
/// transfers (which `pallet-xcm` builds and this runtime filters), never a raw `send`: only
/// governance sends.
#[test]
fn a_signed_account_cannot_send_raw_xcm() {
	development_state().execute_with(|| {
		with_ump();
		let message = Box::new(polkadot_sdk::staging_xcm::VersionedXcm::from(Xcm::<()>(vec![ClearOrigin])));
		let relay = Box::new(VersionedLocation::from(Location::parent()));
		assert_noop!(
			PolkadotXcm::send(RuntimeOrigin::signed(ferdie()), relay.clone(), message.clone()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert!(cumulus_pallet_parachain_system::PendingUpwardMessages::<Runtime>::get().is_empty());
		assert_ok!(PolkadotXcm::send(RuntimeOrigin::root(), relay, message));
		assert_eq!(cumulus_pallet_parachain_system::PendingUpwardMessages::<Runtime>::get().len(), 1);
	});
}

/// What the relay chain cannot deposit is refused before any note is spent: less than its
/// existential deposit and fee, or a beneficiary it cannot map to an account (another chain,
/// an account under a network it does not alias); an asset with no reserve we trust too.
#[test]
fn unshields_the_reserve_would_trap_are_refused() {
	use crate::configs::xcm_config::{RelayTokenReserveMinimum, ToReserve};
	use pallet_shielded_pool::{ReserveTransfer, Undeliverable};
	development_state().execute_with(|| {
		let dave: VersionedLocation = account_location(&Sr25519Keyring::Dave.to_account_id()).into();
		let minimum = RelayTokenReserveMinimum::get();
		assert_eq!(ToReserve::ensure_deliverable(&relay_token(), minimum, &dave), Ok(()));
		assert_eq!(ToReserve::ensure_deliverable(&relay_token(), minimum - 1, &dave), Err(Undeliverable::BelowMinimum));
		let elsewhere: VersionedLocation = Location::new(0, [Parachain(2000)]).into();
		assert_eq!(ToReserve::ensure_deliverable(&relay_token(), ROC, &elsewhere), Err(Undeliverable::UnmappableBeneficiary));
		let networked: VersionedLocation =
			Location::new(0, [AccountId32 { network: Some(NetworkId::Kusama), id: [4; 32] }]).into();
		assert_eq!(ToReserve::ensure_deliverable(&relay_token(), ROC, &networked), Err(Undeliverable::UnmappableBeneficiary));
		let sibling_token = Location::new(1, [Parachain(2000), GeneralIndex(1)]);
		assert_eq!(ToReserve::ensure_deliverable(&sibling_token, ROC, &dave), Err(Undeliverable::NoReserve));
	});
}
