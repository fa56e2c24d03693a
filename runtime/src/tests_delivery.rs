//! Outgoing XCM is paid for: every message a user makes this chain send (to the relay chain or
//! to a sibling) costs its sender a delivery fee in ZKS, which grows exponentially while the
//! route is congested. Before, delivery was free: anyone could fill the relay chain's upward
//! queue from this chain for a transaction fee per message.

use crate::{
	configs::{
		assets::{relay_token, ForeignAssetId},
		xcm_config::{BaseDeliveryFee, ASSET_HUB_PARA_ID},
	},
	tests::development_state,
	tests_xcm::{account_location, asset_hub, execute, ferdie, pot, reserve_deposit, usdt, with_ump, ROC},
	*,
};
use frame_support::{
	assert_ok,
	traits::{fungible::Inspect as _, fungibles::Mutate as _},
};
use polkadot_sdk::{
	sp_keyring::Sr25519Keyring,
	staging_xcm::{
		latest::{prelude::*, Assets as XcmAssets},
		VersionedLocation,
	},
};

fn zks(who: &AccountId) -> Balance {
	Balances::balance(who)
}

fn upward_queue() -> usize {
	cumulus_pallet_parachain_system::PendingUpwardMessages::<Runtime>::get().len()
}

/// `who` sends `amount` of the relay token home: one upward message.
fn send_home(who: &AccountId, amount: Balance) -> sp_runtime::DispatchResult {
	let beneficiary: VersionedLocation = account_location(who).into();
	PolkadotXcm::limited_reserve_transfer_assets(
		RuntimeOrigin::signed(who.clone()),
		Box::new(Location::parent().into()),
		Box::new(beneficiary),
		Box::new(XcmAssets::from(Asset::from((Parent, amount))).into()),
		0,
		Unlimited,
	)
}

/// The attack: one account queues upward message after upward message. Each costs it at least
/// the base delivery fee, paid to the collators' pot; once the queue holds more than half of
/// what the relay chain accepts, every further message raises the price (the upward fee factor),
/// so a flood costs exponentially more the longer it lasts. An account without ZKS to pay queues
/// nothing.
#[test]
fn flooding_the_upward_queue_costs_more_with_every_message() {
	development_state().execute_with(|| {
		with_ump();
		// A relay chain accepting 4 KiB of upward messages: congested after 2 KiB.
		cumulus_pallet_parachain_system::HostConfiguration::<Runtime>::mutate(|config| {
			config.as_mut().expect("set by with_ump").max_upward_queue_size = 4096;
		});
		assert!(execute(Parent, reserve_deposit((Parent, 100 * ROC).into(), &ferdie())).ensure_complete().is_ok());

		let mut fees = Vec::new();
		for _ in 0..40 {
			let (before, pot_before) = (zks(&ferdie()), zks(&pot()));
			assert_ok!(send_home(&ferdie(), ROC));
			let fee = before - zks(&ferdie());
			assert_eq!(zks(&pot()) - pot_before, fee, "the delivery fee goes to the collators' pot");
			fees.push(fee);
		}
		assert_eq!(upward_queue(), 40);
		println!("delivery fees of 40 upward messages (planck): {fees:?}");
		assert!(fees[0] >= BaseDeliveryFee::get(), "the first message pays at least the base fee: {fees:?}");
		assert!(fees.windows(2).all(|w| w[1] >= w[0]), "the price never falls during the flood: {fees:?}");
		let (first, last) = (fees[0], fees[fees.len() - 1]);
		assert!(last > first + first / 2, "congestion raised the price by half at least: {first} → {last}");
		assert!(cumulus_pallet_parachain_system::UpwardDeliveryFeeFactor::<Runtime>::get() > 1.into());

		// Charlie holds the relay token but no ZKS to pay delivery with: nothing is queued, he
		// keeps his relay token.
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let all_zks = zks(&charlie);
		assert_ok!(Balances::transfer_all(RuntimeOrigin::signed(charlie.clone()), ferdie().into(), false));
		assert!(all_zks > 0 && zks(&charlie) == 0);
		assert!(execute(Parent, reserve_deposit((Parent, 10 * ROC).into(), &charlie)).ensure_complete().is_ok());
		let held = ForeignAssets::balance(relay_token(), &charlie);
		assert!(send_home(&charlie, ROC).is_err());
		assert_eq!(upward_queue(), 40);
		assert_eq!(ForeignAssets::balance(relay_token(), &charlie), held);
	});
}

/// The same price on the way to a sibling: a reserve transfer of USDT back to Asset Hub pays its
/// delivery over the XCMP channel in ZKS.
#[test]
fn a_message_to_a_sibling_pays_its_delivery() {
	development_state().execute_with(|| {
		ParachainSystem::open_outbound_hrmp_channel_for_benchmarks_or_tests(ASSET_HUB_PARA_ID.into());
		#[allow(clippy::useless_conversion)]
		let usdt_id: ForeignAssetId = usdt().try_into().unwrap();
		assert_ok!(ForeignAssets::force_create(RuntimeOrigin::root(), usdt_id.clone(), ShieldedPool::account_id().into(), true, 10_000));
		assert_ok!(ForeignAssets::mint_into(usdt_id.clone(), &ferdie(), 5_000_000));

		let (before, pot_before) = (zks(&ferdie()), zks(&pot()));
		let beneficiary: VersionedLocation = account_location(&ferdie()).into();
		assert_ok!(PolkadotXcm::limited_reserve_transfer_assets(
			RuntimeOrigin::signed(ferdie()),
			Box::new(asset_hub().into()),
			Box::new(beneficiary),
			Box::new(XcmAssets::from(Asset::from((usdt(), 1_000_000u128))).into()),
			0,
			Unlimited,
		));
		let fee = before - zks(&ferdie());
		assert!(fee >= BaseDeliveryFee::get(), "delivery to a sibling is priced: {fee}");
		assert_eq!(zks(&pot()) - pot_before, fee);
		assert_eq!(ForeignAssets::balance(usdt_id, ferdie()), 4_000_000);
	});
}

/// Nothing leaves by teleport: no chain this one reaches trusts it as a teleporter, so a teleport
/// would burn ZKS here for a message the destination refuses.
#[test]
fn nothing_is_teleported() {
	development_state().execute_with(|| {
		with_ump();
		let before = zks(&ferdie());
		assert!(PolkadotXcm::limited_teleport_assets(
			RuntimeOrigin::signed(ferdie()),
			Box::new(Location::parent().into()),
			Box::new(VersionedLocation::from(account_location(&ferdie()))),
			Box::new(XcmAssets::from(Asset::from((Here, UNIT))).into()),
			0,
			Unlimited,
		)
		.is_err());
		assert_eq!(zks(&ferdie()), before);
		assert_eq!(upward_queue(), 0);
	});
}
