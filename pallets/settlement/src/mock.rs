//! A test runtime: System, Balances and Settlement, with `AccountId32` like the real runtime.
//!
//! Genesis: local domain [`LOCAL`], validators from the secrets `[i + 1; 32]`, and the ISMs
//! 1: message-id 2-of-3 of validators 0..3, 2: merkle-root 2-of-3 of validators 3..6 (an
//! aggregation's modules share no validator), 3: message-id 5-of-7 of validators 0..7,
//! 4: aggregation 2-of-2 of (1, 2), 5: routing [`REMOTE`] → 1. The default ISM is 1.

use crate as pallet_settlement;
use crate::{isms::multisig::EthAddress, test_vectors::address_of, IsmSpec, MessageRecipient};
use core::{cell::RefCell, time::Duration};
use polkadot_sdk::{
	frame_support::{
		derive_impl,
		dispatch::DispatchResult,
		parameter_types,
		traits::{ConstU128, ConstU32, ConstU64, UnixTime},
		weights::Weight,
		PalletId,
	},
	frame_system::{self, EnsureRoot},
	pallet_balances,
	sp_runtime::{AccountId32, BuildStorage, DispatchError},
};

pub type AccountId = AccountId32;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const LOCAL: u32 = 1000;
pub const REMOTE: u32 = 2000;
/// The settler of [`REMOTE`].
pub const REMOTE_SETTLER: [u8; 32] = [0x5e; 32];
/// A recipient pallet on this chain (see [`TestRecipients`]).
pub const TEST_RECIPIENT: [u8; 32] = [0x77; 32];
pub const ED: Balance = 1;
pub const ENDOWMENT: Balance = 1_000_000;
pub const GENESIS_TIME: u64 = 1_700_000_000;

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
	pub type Settlement = pallet_settlement;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = polkadot_sdk::sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
	// Real database weights: the multi-block migration's steps are sized by them.
	type DbWeight = polkadot_sdk::frame_support::weights::constants::RocksDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
}

parameter_types! {
	pub const SettlementPalletId: PalletId = PalletId(*b"zk/settl");
	/// This chain's salt (a para id on a real chain).
	pub static Salt: u32 = 2042;
	pub static Now: u64 = GENESIS_TIME;
	/// The ISM the test recipient asks for (`None`: the default).
	pub static RecipientIsm: Option<u32> = None;
}

/// Wall-clock time the tests move by hand.
pub struct MockTime;
impl UnixTime for MockTime {
	fn now() -> Duration {
		Duration::from_secs(Now::get())
	}
}

/// What the mock native transport charges for a delivery (burned from the payer).
pub const NATIVE_FEE: Balance = 5;
/// The settlement pallet's index in this runtime (where a sibling sends `receive_native`).
pub const SETTLEMENT_INDEX: u8 = 2;

/// A native message the mock transport sent: (parachain, call, topic, payer).
pub type NativeSent = (u32, Vec<u8>, [u8; 32], AccountId);

parameter_types! {
	/// Whether the mock's XCM channels are open.
	pub static ChannelsOpen: bool = true;
}

thread_local! {
	/// Native messages sent, in order.
	pub static NATIVE_SENT: RefCell<Vec<NativeSent>> = const { RefCell::new(Vec::new()) };
}

/// A native transport that keeps what it sends, burns [`NATIVE_FEE`] from the payer, and refuses
/// while [`ChannelsOpen`] is false.
pub struct MockTransport;
impl crate::NativeTransport<AccountId> for MockTransport {
	fn send(para: u32, call: Vec<u8>, topic: [u8; 32], payer: &AccountId) -> Result<u128, crate::NativeSendError> {
		use polkadot_sdk::frame_support::traits::{
			fungible::Mutate,
			tokens::{Fortitude, Precision, Preservation},
		};
		if !ChannelsOpen::get() {
			return Err(crate::NativeSendError::Unroutable);
		}
		Balances::burn_from(payer, NATIVE_FEE, Preservation::Preserve, Precision::Exact, Fortitude::Polite)
			.map_err(|_| crate::NativeSendError::CannotPay)?;
		NATIVE_SENT.with(|sent| sent.borrow_mut().push((para, call, topic, payer.clone())));
		Ok(NATIVE_FEE)
	}
	fn receives_from(_: u32) -> bool {
		ChannelsOpen::get()
	}
	fn send_weight() -> Weight {
		Weight::from_parts(2_000_000, 0)
	}
}

/// The account that stands for sibling parachain `para` as an origin in these tests (the real
/// runtime's origin is `cumulus_pallet_xcm::Origin::SiblingParachain`).
pub fn sibling(para: u32) -> AccountId {
	let mut bytes = [0u8; 32];
	bytes[..4].copy_from_slice(b"sibl");
	bytes[4..8].copy_from_slice(&para.to_le_bytes());
	AccountId::new(bytes)
}

/// Accepts [`sibling`] accounts as native origins, as their parachain's id.
pub struct EnsureSibling;
impl polkadot_sdk::frame_support::traits::EnsureOrigin<RuntimeOrigin> for EnsureSibling {
	type Success = u32;
	fn try_origin(origin: RuntimeOrigin) -> Result<u32, RuntimeOrigin> {
		let para = match origin.clone().into() {
			Ok(frame_system::RawOrigin::Signed(who)) => {
				let bytes: [u8; 32] = who.into();
				let para = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
				(sibling(para) == AccountId::new(bytes)).then_some(para)
			},
			_ => None,
		};
		para.ok_or(origin)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(RuntimeOrigin::signed(sibling(2_000)))
	}
}

/// A message the test recipient handled: (origin, sender, body).
pub type Handled = (u32, [u8; 32], Vec<u8>);

thread_local! {
	/// Messages the test recipient handled.
	pub static HANDLED: RefCell<Vec<Handled>> = const { RefCell::new(Vec::new()) };
}

/// One recipient, [`TEST_RECIPIENT`]: it records what it handles and fails on the body `fail`.
pub struct TestRecipients;
impl MessageRecipient for TestRecipients {
	fn ism(recipient: &[u8; 32]) -> Result<Option<u32>, crate::mailbox::UnknownRecipient> {
		if *recipient == TEST_RECIPIENT {
			Ok(RecipientIsm::get())
		} else {
			Err(crate::mailbox::UnknownRecipient)
		}
	}
	fn handle(recipient: &[u8; 32], origin: u32, sender: &[u8; 32], body: &[u8]) -> DispatchResult {
		if *recipient != TEST_RECIPIENT || body == b"fail" {
			return Err(DispatchError::Other("recipient failed"));
		}
		HANDLED.with(|h| h.borrow_mut().push((origin, *sender, body.to_vec())));
		Ok(())
	}
	fn max_handle_weight() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
}

impl pallet_settlement::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UnixTime = MockTime;
	type PalletId = SettlementPalletId;
	type ChainSalt = Salt;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Recipients = TestRecipients;
	type MaxBodyLen = ConstU32<2048>;
	type MaxMessageLen = ConstU32<{ 2048 + 77 }>;
	type MaxMetadataLen = ConstU32<4096>;
	type MaxValidators = ConstU32<8>;
	type MaxModules = ConstU32<4>;
	type MaxSignatureChecks = ConstU32<8>;
	type MaxIsmReads = ConstU32<16>;
	type MaxIsms = ConstU32<32>;
	type MaxFillWindow = ConstU64<86_400>;
	type FeePerValidator = ConstU128<1>;
	type FeePerSignature = ConstU128<2>;
	type MaxLocationLen = ConstU32<128>;
	type MaxLocationsPerValidator = ConstU32<3>;
	type AnnouncementFee = ConstU128<100>;
	type AnnouncementByteFee = ConstU128<1>;
	type MessageByteFee = ConstU128<1>;
	type MinOrderInput = ConstU128<10>;
	type NativeTransport = MockTransport;
	type NativeOrigin = EnsureSibling;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for MockBenchmarkHelper {
	fn set_time(seconds: u64) {
		Now::set(seconds);
	}
}

/// Secret key of test validator `i`.
pub fn secret(i: usize) -> [u8; 32] {
	[i as u8 + 1; 32]
}

/// Addresses of validators `range`.
pub fn validators(range: core::ops::Range<usize>) -> Vec<EthAddress> {
	range.map(|i| address_of(&secret(i))).collect()
}

pub fn alice() -> AccountId {
	AccountId::new([1; 32])
}
pub fn bob() -> AccountId {
	AccountId::new([2; 32])
}
pub fn solver() -> AccountId {
	AccountId::new([3; 32])
}

pub fn new_test_ext() -> polkadot_sdk::sp_io::TestExternalities {
	new_test_ext_of(LOCAL, vec![(REMOTE, REMOTE_SETTLER)])
}

/// A chain of domain `local_domain` with the mock's ISMs, which opens orders to `settlers`.
pub fn new_test_ext_of(local_domain: u32, settlers: Vec<(u32, [u8; 32])>) -> polkadot_sdk::sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(alice(), ENDOWMENT), (bob(), ENDOWMENT), (solver(), ENDOWMENT)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_settlement::GenesisConfig::<Test> {
		local_domain,
		isms: vec![
			(1, IsmSpec::MessageIdMultisig { validators: validators(0..3), threshold: 2 }),
			(2, IsmSpec::MerkleRootMultisig { validators: validators(3..6), threshold: 2 }),
			(3, IsmSpec::MessageIdMultisig { validators: validators(0..7), threshold: 5 }),
			(4, IsmSpec::Aggregation { modules: vec![1, 2], threshold: 2 }),
			(5, IsmSpec::Routing { routes: vec![(REMOTE, 1)] }),
		],
		default_ism: Some(1),
		refund_grace: 600,
		settlers,
		_phantom: Default::default(),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = polkadot_sdk::sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Now::set(GENESIS_TIME);
		RecipientIsm::set(None);
		HANDLED.with(|h| h.borrow_mut().clear());
		NATIVE_SENT.with(|sent| sent.borrow_mut().clear());
		ChannelsOpen::set(true);
	});
	ext
}

/// Run `test` on a fresh chain, then check the pallet's invariants.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Settlement::do_try_state().expect("invariants hold");
	});
}
