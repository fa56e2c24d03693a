//! XCM: signed accounts and sibling parachains map to local origins; ZKS (`Here`) and the
//! foreign assets (`ForeignAssets`, keyed by location) are what XCM deposits and withdraws.
//!
//! * **Reserves.** The relay chain's token is reserved where [`RelayTokenReserve`] says (the
//!   relay chain on this network; Asset Hub on Polkadot and Kusama since the Asset Hub
//!   migration), and Asset Hub is the reserve of its own assets ([`AssetsOf`]). No other chain
//!   may deposit a foreign asset here, and nothing is teleported.
//! * **Foreign assets never mint ZKS.** The template transacted the relay token onto
//!   `Balances`: every DOT sent here would have minted a native token. The relay token is the
//!   foreign asset `(1, Here)` instead.
//! * **Fees** for incoming XCM are paid in ZKS or in the relay token, at a fixed rate
//!   ([`RelayTokenFeeRate`]); relay-token fees go to the collators' pot.
//! * **Out**: reserve transfers of foreign assets go back to their reserve (`pallet-xcm`
//!   `limited_reserve_transfer_assets`, and the shielded pool's unshield to a reserve through
//!   [`ToReserve`]).

use crate::{
	configs::{assets::ForeignAssetId, PotId, TransactionByteFee},
	AccountId, AllPalletsWithSystem, Balance, Balances, ForeignAssets, ParachainInfo, ParachainSystem, PolkadotXcm,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, WeightToFee, XcmpQueue, MILLI_UNIT,
};
use alloc::{boxed::Box, vec, vec::Vec};
use core::marker::PhantomData;
use polkadot_sdk::{
	staging_xcm as xcm, staging_xcm_builder as xcm_builder, staging_xcm_executor as xcm_executor, *,
};

use frame_support::{
	parameter_types,
	traits::{ConstU32, Contains, ContainsPair, Disabled, Equals, Everything, EverythingBut, Get, Nothing},
	weights::Weight,
};
use sp_runtime::{
	traits::{AccountIdConversion, Identity},
	DispatchError, DispatchResult,
};
use frame_system::EnsureRoot;
use pallet_xcm::XcmPassthrough;
use polkadot_parachain_primitives::primitives::Sibling;
use polkadot_runtime_common::{impls::ToAuthor, xcm_sender::ExponentialPrice};
use frame_support::traits::ProcessMessageError;
use xcm::{latest::prelude::*, VersionedLocation};
use xcm_builder::{
	AccountId32Aliases, AllowExplicitUnpaidExecutionFrom, AllowTopLevelPaidExecutionFrom, Case, DenyRecursively,
	DenyReserveTransferToRelayChain, DenyThenTry, EnsureXcmOrigin, FixedRateOfFungible, FixedWeightBounds,
	FrameTransactionalProcessor, FungibleAdapter, FungiblesAdapter, IsConcrete, MatchedConvertedConcreteId, NoChecking,
	ParentIsPreset, RelayChainAsNative, SiblingParachainAsNative, SiblingParachainConvertsVia,
	SendXcmFeeToAccount, SignedAccountId32AsNative, SignedToAccountId32, SovereignSignedViaLocation, StartsWith,
	TakeRevenue, TakeWeightCredit, TrailingSetTopicAsId, UsingComponents, WithComputedOrigin,
	WithLatestLocationConverter, WithUniqueTopic, XcmFeeManagerFromComponents,
};
use xcm_executor::{
	traits::{DenyExecution, Properties, TransactAsset},
	AssetsInHolding, XcmExecutor,
};

/// Asset Hub's para id (the same on Polkadot, Kusama, Westend, Paseo and Rococo).
pub const ASSET_HUB_PARA_ID: u32 = 1000;

/// The relay token's fee for one second of XCM execution weight (in its smallest unit: with 12
/// decimals, 0.1 of a token). A 4-instruction transfer is weighed at 4 ms and 256 KiB of proof
/// here, so it pays 0.0004 + 0.00025 of a token.
pub const RELAY_TOKEN_PER_SECOND: u128 = 100_000_000_000;
/// The relay token's fee for one MB of proof.
pub const RELAY_TOKEN_PER_MB: u128 = 1_000_000_000;

parameter_types! {
	/// The relay chain, and its token.
	pub const RelayLocation: Location = Location::parent();
	/// This chain's own token, as XCM names it here.
	pub const NativeLocation: Location = Location::here();
	/// Where the relay token is reserved for this chain: the relay chain itself on the
	/// rococo-local network this repository runs. On Polkadot and Kusama, since the Asset Hub
	/// migration, Asset Hub is the reserve (`(1, [Parachain(1000)])`): one constant to change
	/// per deployment, together with the genesis of the relay token's foreign asset.
	pub const RelayTokenReserve: Location = Location::parent();
	/// The least of the relay token an unshield may send to [`RelayTokenReserve`]: the
	/// reserve's existential deposit (rococo: 1/30 000 ROC) and an allowance for its execution
	/// fee (10 times the 0.00001 ROC a reserve withdrawal to an account costs there). Less is
	/// refused before anything is spent: the reserve would trap it. Per deployment, with the
	/// reserve (Asset Hub Polkadot: 0.01 DOT and its fee).
	pub const RelayTokenReserveMinimum: Balance = 33_333_333 + 100_000_000;
	pub AssetHubLocation: Location = Location::new(1, [Parachain(ASSET_HUB_PARA_ID)]);
	/// The relay token, deposited by its reserve.
	pub RelayTokenFromReserve: (AssetFilter, Location) =
		(Wild(AllOf { id: AssetId(RelayLocation::get()), fun: WildFungible }), RelayTokenReserve::get());
	/// Incoming XCM may pay its fees in the relay token at this rate (per second of weight, per
	/// MB of proof).
	pub RelayTokenFeeRate: (AssetId, u128, u128) =
		(AssetId(RelayLocation::get()), RELAY_TOKEN_PER_SECOND, RELAY_TOKEN_PER_MB);
	pub const RelayNetwork: Option<NetworkId> = None;
	pub RelayChainOrigin: RuntimeOrigin = cumulus_pallet_xcm::Origin::Relay.into();
	/// Without `GlobalConsensus`: `pallet-xcm` (stable2609) refuses reserve transfers of the
	/// network's native token from a parachain that places itself in Polkadot, Kusama, Westend or
	/// Rococo (its guard ahead of the Asset Hub migration), which would stop [`ToReserve`]. Adding
	/// the network (for bridges) means sending with an explicit reserve first
	/// (`transfer_assets_using_type_and_then`); `tests_xcm` then fails until it does.
	pub UniversalLocation: InteriorLocation = Parachain(ParachainInfo::parachain_id().into()).into();
	/// Teleports are not accepted, so nothing is ever checked in or out.
	pub CheckingAccount: AccountId = PolkadotXcm::check_account();
}

/// How a `Location` becomes a local account.
pub type LocationToAccountId = (
	ParentIsPreset<AccountId>,
	SiblingParachainConvertsVia<Sibling, AccountId>,
	AccountId32Aliases<RelayNetwork, AccountId>,
);

/// Deposits and withdrawals of the native token (ZKS).
pub type LocalAssetTransactor = FungibleAdapter<Balances, IsConcrete<NativeLocation>, LocationToAccountId, AccountId, ()>;

/// Foreign assets by location: any location outside this chain. An asset governance did not
/// create is refused when it is deposited (no such asset), and [`IsReserve`] decides which
/// chain may deposit which.
pub type ForeignAssetsMatcher = MatchedConvertedConcreteId<
	ForeignAssetId,
	Balance,
	EverythingBut<StartsWith<NativeLocation>>,
	WithLatestLocationConverter<ForeignAssetId>,
	Identity,
>;

/// Deposits and withdrawals of foreign assets: minted when their reserve sends them, burned
/// when they leave for it.
pub type ForeignAssetsTransactor =
	FungiblesAdapter<ForeignAssets, ForeignAssetsMatcher, LocationToAccountId, AccountId, NoChecking, CheckingAccount>;

/// Every asset XCM moves here.
pub type AssetTransactors = (LocalAssetTransactor, ForeignAssetsTransactor);

/// Assets of the chain `Chain`, deposited by `Chain`: the assets whose locations are inside it
/// (Asset Hub's `(1, [Parachain(1000), PalletInstance(50), GeneralIndex(1984)])` is USDT).
pub struct AssetsOf<Chain>(PhantomData<Chain>);
impl<Chain: Get<Location>> ContainsPair<Asset, Location> for AssetsOf<Chain> {
	fn contains(asset: &Asset, origin: &Location) -> bool {
		let chain = Chain::get();
		origin == &chain && asset.id.0 != chain && asset.id.0.starts_with(&chain)
	}
}

/// Which chain is trusted as the reserve of which asset.
pub type IsReserve = (Case<RelayTokenFromReserve>, AssetsOf<AssetHubLocation>);

/// The reserve a foreign asset goes back to, or `None` for an asset with no reserve we trust.
pub fn reserve_of(asset: &Location) -> Option<Location> {
	if *asset == RelayLocation::get() {
		return Some(RelayTokenReserve::get());
	}
	let asset_hub = AssetHubLocation::get();
	(*asset != asset_hub && asset.starts_with(&asset_hub)).then_some(asset_hub)
}

/// The reserve transfers `pallet-xcm` may start (it passes the origin and the assets): of
/// foreign assets with a reserve we trust, which `pallet-xcm` then sends home, or through their
/// reserve to a third chain. No chain we reach accepts ZKS as a reserve-backed asset yet, so a
/// "reserve transfer" of ZKS would only park it in the destination's sovereign account here
/// while its message is refused there.
pub struct ForeignAssetsOnly;
impl Contains<(Location, Vec<Asset>)> for ForeignAssetsOnly {
	fn contains((_origin, assets): &(Location, Vec<Asset>)) -> bool {
		!assets.is_empty() && assets.iter().all(|asset| reserve_of(&asset.id.0).is_some())
	}
}

/// Relay-token fees of incoming XCM go to the collators' pot (when they cannot be deposited,
/// because they are below the asset's minimum balance for a new account, they are burned: the
/// reserve then holds more than was minted here, never less).
pub struct FeesToCollatorPot;
impl TakeRevenue for FeesToCollatorPot {
	fn take_revenue(revenue: AssetsInHolding) {
		let pot: AccountId = PotId::get().into_account_truncating();
		let pot = Location::from(AccountId32 { network: None, id: pot.into() });
		let _ = AssetTransactors::deposit_asset(revenue, &pot, None);
	}
}

/// How XCM origins become local dispatch origins.
pub type XcmOriginToTransactDispatchOrigin = (
	SovereignSignedViaLocation<LocationToAccountId, RuntimeOrigin>,
	RelayChainAsNative<RelayChainOrigin, RuntimeOrigin>,
	SiblingParachainAsNative<cumulus_pallet_xcm::Origin, RuntimeOrigin>,
	SignedAccountId32AsNative<RelayNetwork, RuntimeOrigin>,
	XcmPassthrough<RuntimeOrigin>,
);

parameter_types! {
	pub UnitWeightCost: Weight = Weight::from_parts(1_000_000_000, 64 * 1024);
	pub const MaxInstructions: u32 = 100;
	pub const MaxAssetsIntoHolding: u32 = 64;
}

/// The relay chain or its executive plurality may execute unpaid.
pub struct ParentOrParentsExecutivePlurality;
impl Contains<Location> for ParentOrParentsExecutivePlurality {
	fn contains(location: &Location) -> bool {
		matches!(location.unpack(), (1, []) | (1, [Plurality { id: BodyId::Executive, .. }]))
	}
}

/// Denies reserve transfers to the relay chain, unless it is the relay token's reserve here
/// (then they are how the relay token goes home).
pub struct DenyReserveTransferToNonReserveRelay;
impl DenyExecution for DenyReserveTransferToNonReserveRelay {
	fn deny_execution<Call>(
		origin: &Location,
		message: &mut [Instruction<Call>],
		max_weight: Weight,
		properties: &mut Properties,
	) -> Result<(), ProcessMessageError> {
		if RelayTokenReserve::get() == RelayLocation::get() {
			return Ok(());
		}
		DenyReserveTransferToRelayChain::deny_execution(origin, message, max_weight, properties)
	}
}

/// Which messages may execute (incoming ones, and those executed locally by `pallet-xcm`).
pub type Barrier = TrailingSetTopicAsId<
	DenyThenTry<
		DenyRecursively<DenyReserveTransferToNonReserveRelay>,
		(
			TakeWeightCredit,
			WithComputedOrigin<
				(
					AllowTopLevelPaidExecutionFrom<Everything>,
					AllowExplicitUnpaidExecutionFrom<ParentOrParentsExecutivePlurality>,
					// The settlement pallet's native level (`configs::native`).
					AllowExplicitUnpaidExecutionFrom<super::native::NativeSettlementSiblings>,
				),
				UniversalLocation,
				ConstU32<8>,
			>,
		),
	>,
>;

/// The XCM executor's configuration.
pub struct XcmConfig;
impl xcm_executor::Config for XcmConfig {
	type RuntimeCall = RuntimeCall;
	type XcmSender = XcmRouter;
	type XcmEventEmitter = PolkadotXcm;
	type AssetTransactor = AssetTransactors;
	type OriginConverter = XcmOriginToTransactDispatchOrigin;
	type IsReserve = IsReserve;
	type IsTeleporter = ();
	type UniversalLocation = UniversalLocation;
	type Barrier = Barrier;
	type Weigher = FixedWeightBounds<UnitWeightCost, RuntimeCall, MaxInstructions>;
	type Trader = (
		UsingComponents<WeightToFee, NativeLocation, AccountId, Balances, ToAuthor<Runtime>>,
		FixedRateOfFungible<RelayTokenFeeRate, FeesToCollatorPot>,
	);
	type ResponseHandler = PolkadotXcm;
	type AssetTrap = PolkadotXcm;
	type AssetLocker = ();
	type AssetExchanger = ();
	type SubscriptionService = PolkadotXcm;
	type PalletInstancesInfo = AllPalletsWithSystem;
	type MaxAssetsIntoHolding = MaxAssetsIntoHolding;
	type FeeManager = XcmFeeManagerFromComponents<DeliveryFeeWaived, SendXcmFeeToAccount<AssetTransactors, PotLocation>>;
	type MessageExporter = ();
	type UniversalAliases = Nothing;
	type CallDispatcher = RuntimeCall;
	type SafeCallFilter = Everything;
	type Aliasers = Nothing;
	type TransactionalProcessor = FrameTransactionalProcessor;
	type HrmpNewChannelOpenRequestHandler = ();
	type HrmpChannelAcceptedHandler = ();
	type HrmpChannelClosingHandler = ();
	type XcmRecorder = PolkadotXcm;
}

/// Local signed origins as XCM locations.
pub type LocalOriginToLocation = SignedToAccountId32<RuntimeOrigin, AccountId, RelayNetwork>;

parameter_types! {
	/// What every outgoing message pays to be delivered, in ZKS, before its bytes: about what a
	/// transfer costs in transaction fees, so that an upward or sibling message is never cheaper
	/// than the transaction that queues it.
	pub const BaseDeliveryFee: Balance = 3 * MILLI_UNIT;
	/// Delivery fees are paid in ZKS.
	pub const DeliveryFeeAsset: AssetId = AssetId(Location::here());
	/// Where delivery fees go: the collators' pot, as the relay-token execution fees.
	pub PotLocation: Location = AccountId32 { network: None, id: PotId::get().into_account_truncating() }.into();
}

/// The price of a message to the relay chain: (base + bytes × byte fee) × the upward queue's
/// fee factor, which `cumulus-pallet-parachain-system` raises by 5 % (more for big messages)
/// with every message queued while the queue holds more than half of what the relay chain
/// accepts, and lowers again as it drains. Flooding the upward queue costs exponentially more
/// the longer it lasts.
pub type PriceForParentDelivery = ExponentialPrice<DeliveryFeeAsset, BaseDeliveryFee, TransactionByteFee, ParachainSystem>;

/// The price of a message to a sibling, by the same rule, with one fee factor per channel
/// (`cumulus-pallet-xcmp-queue` raises it while the channel's queue is long).
pub type PriceForSiblingDelivery = ExponentialPrice<DeliveryFeeAsset, BaseDeliveryFee, TransactionByteFee, XcmpQueue>;

/// Who sends without paying delivery: governance (which sends as this chain, `Here`, with no
/// account to pay from) and the relay chain's replies it asks for.
pub type DeliveryFeeWaived = (Equals<HereLocation>, Equals<RelayLocation>);

/// Where outgoing messages go: UMP to the relay chain, XCMP to siblings, each priced (the
/// sender pays, in ZKS, before the message is queued).
pub type XcmRouter =
	WithUniqueTopic<(cumulus_primitives_utility::ParentAsUmp<ParachainSystem, PolkadotXcm, PriceForParentDelivery>, XcmpQueue)>;

parameter_types! {
	/// The origin governance sends as: this chain itself.
	pub const HereLocation: Location = Location::here();
}

impl pallet_xcm::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Only governance sends raw XCM (as this chain). A signed `send` would let anyone queue
	/// arbitrary upward and sibling messages for a transaction fee, with no delivery price;
	/// users move assets with reserve transfers, which go through `ExecuteXcmOrigin` and
	/// [`ForeignAssetsOnly`].
	type SendXcmOrigin = frame_system::EnsureRootWithSuccess<AccountId, HereLocation>;
	type XcmRouter = XcmRouter;
	type ExecuteXcmOrigin = EnsureXcmOrigin<RuntimeOrigin, LocalOriginToLocation>;
	type XcmExecuteFilter = Nothing;
	type XcmExecutor = XcmExecutor<XcmConfig>;
	/// Nothing is teleported: no chain this one reaches trusts it as a teleporter, so a
	/// teleport would burn the assets here and be refused there.
	type XcmTeleportFilter = Nothing;
	type XcmReserveTransferFilter = ForeignAssetsOnly;
	type Weigher = FixedWeightBounds<UnitWeightCost, RuntimeCall, MaxInstructions>;
	type UniversalLocation = UniversalLocation;
	type RuntimeOrigin = RuntimeOrigin;
	type RuntimeCall = RuntimeCall;
	const VERSION_DISCOVERY_QUEUE_SIZE: u32 = 100;
	type AdvertisedXcmVersion = pallet_xcm::CurrentXcmVersion;
	type Currency = Balances;
	type CurrencyMatcher = ();
	type TrustedLockers = ();
	type SovereignAccountOf = LocationToAccountId;
	type MaxLockers = ConstU32<8>;
	/// Measured in this runtime (`./scripts/bench-pallets.sh pallet_xcm`). Teleports and
	/// `execute` weigh `MAX`: both are filtered here (`XcmTeleportFilter`, `XcmExecuteFilter`).
	type WeightInfo = crate::weights::pallet_xcm::WeightInfo<Runtime>;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxRemoteLockConsumers = ConstU32<0>;
	type RemoteLockConsumerIdentifier = ();
	type AuthorizedAliasConsideration = Disabled;
}

impl cumulus_pallet_xcm::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type XcmExecutor = XcmExecutor<XcmConfig>;
}

/// The shielded pool's unshield to a reserve: a `pallet-xcm` reserve transfer from the outbox
/// account to the asset's reserve, fees for the reserve's execution taken from the amount.
pub struct ToReserve;
impl pallet_shielded_pool::ReserveTransfer<AccountId, ForeignAssetId, Balance> for ToReserve {
	/// The beneficiary on the reserve chain, relative to it (for example
	/// `(0, [AccountId32 { network: None, id }])`).
	type Beneficiary = VersionedLocation;

	/// The reserve must be one we trust for the asset; the amount at least the reserve's minimum
	/// ([`RelayTokenReserveMinimum`] for the relay token; for an Asset Hub asset twice its
	/// minimum balance here, which governance sets to Asset Hub's: one for the account it lands
	/// in, one for the fee, which Asset Hub charges in the asset); the beneficiary an account
	/// the reserve maps (`(0, [AccountId32 { network: None, id }])`: the relay chain and Asset
	/// Hub alias it to the account `id`, whatever their network).
	fn ensure_deliverable(
		asset: &ForeignAssetId,
		amount: Balance,
		beneficiary: &VersionedLocation,
	) -> Result<(), pallet_shielded_pool::Undeliverable> {
		use pallet_shielded_pool::Undeliverable;
		#[allow(clippy::useless_conversion)]
		let location: Location = asset.clone().try_into().map_err(|_| Undeliverable::NoReserve)?;
		reserve_of(&location).ok_or(Undeliverable::NoReserve)?;
		let minimum = if location == RelayLocation::get() {
			RelayTokenReserveMinimum::get()
		} else {
			<ForeignAssets as frame_support::traits::fungibles::Inspect<AccountId>>::minimum_balance(asset.clone())
				.saturating_mul(2)
		};
		if amount < minimum {
			return Err(Undeliverable::BelowMinimum);
		}
		let beneficiary: Location = beneficiary.clone().try_into().map_err(|_| Undeliverable::UnmappableBeneficiary)?;
		match beneficiary.unpack() {
			(0, [AccountId32 { network: None, .. }]) => Ok(()),
			_ => Err(Undeliverable::UnmappableBeneficiary),
		}
	}

	/// The outbox holds only the asset, and `pallet-xcm` charges delivery to the sender (the
	/// outbox) in ZKS: `payer` lends it the quoted delivery fee, twice over and its existential
	/// deposit on top, and takes back what is left once the message is out. `payer` pays the
	/// delivery exactly, and the outbox keeps no ZKS.
	fn transfer(
		payer: &AccountId,
		from: &AccountId,
		asset: &ForeignAssetId,
		amount: Balance,
		beneficiary: &VersionedLocation,
	) -> DispatchResult {
		use frame_support::traits::{
			fungible::{Inspect, Mutate},
			tokens::{Fortitude, Preservation},
		};
		// The identity while XCM v5 is the latest version; a conversion once a newer one is.
		#[allow(clippy::useless_conversion)]
		let asset: Location = asset.clone().try_into().map_err(|_| DispatchError::Other("asset location"))?;
		let reserve = reserve_of(&asset).ok_or(DispatchError::Other("no reserve for this asset"))?;
		let fee = delivery_fee_to_reserve(&reserve, &asset, amount, beneficiary)?;
		let float = fee.saturating_mul(2).saturating_add(Balances::minimum_balance());
		Balances::transfer(payer, from, float, Preservation::Preserve)?;
		PolkadotXcm::limited_reserve_transfer_assets(
			RuntimeOrigin::signed(from.clone()),
			Box::new(reserve.into()),
			Box::new(beneficiary.clone()),
			Box::new(Assets::from(Asset::from((asset, amount))).into()),
			0,
			Unlimited,
		)?;
		let left = Balances::reducible_balance(from, Preservation::Expendable, Fortitude::Polite);
		Balances::transfer(from, payer, left, Preservation::Expendable)?;
		Ok(())
	}

	/// `pallet-xcm`'s weight of the call, and the local program it executes (withdraw and
	/// initiate the reserve withdrawal, then the message to the reserve).
	fn weight() -> Weight {
		use pallet_balances::WeightInfo as _;
		use pallet_xcm::WeightInfo as _;
		<Runtime as pallet_xcm::Config>::WeightInfo::reserve_transfer_assets()
			.saturating_add(UnitWeightCost::get().saturating_mul(4))
			.saturating_add(<Runtime as pallet_balances::Config>::WeightInfo::transfer_allow_death().saturating_mul(2))
	}

	/// Each reserve is another chain this one addresses from its [`UniversalLocation`]: the
	/// relay chain or a sibling, never this chain or something inside it (a reserve transfer
	/// there would burn here and arrive nowhere).
	fn integrity_test() {
		let own = ParachainInfo::parachain_id();
		for reserve in [RelayTokenReserve::get(), AssetHubLocation::get()] {
			let sibling_or_relay = match reserve.unpack() {
				(1, []) => true,
				(1, [Parachain(id)]) => *id != u32::from(own),
				_ => false,
			};
			assert!(sibling_or_relay, "reserve {reserve:?} is not the relay chain or a sibling of {own:?}");
			assert!(
				UniversalLocation::get().invert_target(&reserve).is_ok(),
				"reserve {reserve:?} cannot be addressed from the universal location"
			);
		}
	}
}

/// What delivering the reserve withdrawal of `amount` of `asset` to `beneficiary` costs now, in
/// ZKS: the router's price of the message `pallet-xcm` sends for it (withdraw from our
/// sovereign account, clear the origin, buy execution with the asset, deposit to the
/// beneficiary, its topic). The message sent differs from this one by a few bytes at most (the
/// caller lends twice the quote and takes the rest back).
pub fn delivery_fee_to_reserve(
	reserve: &Location,
	asset: &Location,
	amount: Balance,
	beneficiary: &VersionedLocation,
) -> Result<Balance, DispatchError> {
	let beneficiary: Location = beneficiary.clone().try_into().map_err(|_| DispatchError::Other("beneficiary"))?;
	let there = Asset::from((asset.clone(), amount))
		.reanchored(reserve, &UniversalLocation::get())
		.map_err(|_| DispatchError::Other("asset not addressable from the reserve"))?;
	let message = Xcm(vec![
		WithdrawAsset(there.clone().into()),
		ClearOrigin,
		BuyExecution { fees: there, weight_limit: Unlimited },
		DepositAsset { assets: Wild(AllCounted(1)), beneficiary },
		SetTopic([0; 32]),
	]);
	let (_, price) = validate_send::<XcmRouter>(reserve.clone(), message)
		.map_err(|_| DispatchError::Other("the reserve is not reachable"))?;
	zks_amount(&price).ok_or(DispatchError::Other("delivery priced in another asset than ZKS"))
}

/// The amount of a delivery price in ZKS, `None` if any part of it is in another asset.
pub fn zks_amount(price: &xcm::latest::Assets) -> Option<Balance> {
	price.inner().iter().try_fold(0, |total: Balance, fee| match (&fee.id, &fee.fun) {
		(AssetId(id), Fungible(amount)) if *id == NativeLocation::get() => Some(total.saturating_add(*amount)),
		_ => None,
	})
}
