//! XCM attacks on the runtime, executed by the real XCM executor configuration.

use crate::{configs::xcm_config::XcmConfig, tests::development_state, *};
use frame_support::traits::fungible::Inspect;
use polkadot_sdk::{sp_keyring::Sr25519Keyring, staging_xcm::latest::prelude::*, staging_xcm_executor::XcmExecutor};

/// The relay chain reserve-transfers its token to a zkSettle account. The relay token is not
/// ZKS: depositing it must not mint the native token (the template's configuration transacted
/// the relay token onto `Balances`, so every DOT sent here became a ZKS).
#[test]
fn the_relay_token_never_mints_the_native_token() {
	development_state().execute_with(|| {
		let beneficiary = Sr25519Keyring::Ferdie.to_account_id();
		let before = (Balances::balance(&beneficiary), Balances::total_issuance());
		let amount = 1_000 * UNIT;
		let relay_token: Asset = (Location::parent(), amount).into();
		let message = Xcm::<RuntimeCall>(vec![
			ReserveAssetDeposited(relay_token.clone().into()),
			ClearOrigin,
			BuyExecution { fees: relay_token, weight_limit: Unlimited },
			DepositAsset {
				assets: Wild(AllCounted(1)),
				beneficiary: AccountId32 { network: None, id: beneficiary.clone().into() }.into(),
			},
		]);
		let mut id = [0u8; 32];
		let outcome = XcmExecutor::<XcmConfig>::prepare_and_execute(
			Location::parent(),
			message,
			&mut id,
			Weight::MAX,
			Weight::zero(),
		);
		assert!(outcome.clone().ensure_complete().is_err(), "the relay token was accepted as ZKS: {outcome:?}");
		assert_eq!((Balances::balance(&beneficiary), Balances::total_issuance()), before);
	});
}
