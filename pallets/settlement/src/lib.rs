//! # Settlement
//!
//! zkSettle's cross-chain settlement layer: a mailbox compatible byte for byte with Hyperlane v3,
//! Interchain Security Modules (ISMs) over governed validator sets, and atomic intent settlement
//! under a security level the user picks.
//!
//! ## Where things are
//! * [`message`]: the message format and its id;
//! * [`merkle`]: the outbound message tree (Hyperlane's merkle tree hook);
//! * [`checkpoint`]: what validators sign;
//! * [`isms`]: ISM configurations, multisig verification, multisig and aggregation metadata;
//! * [`mailbox`]: `dispatch` and `process`, and ISM verification against the registry;
//! * [`intents`]: orders: escrow, fill on the destination, settlement by an attested fill, refund;
//! * [`announce`]: validators' announcements of where their signed checkpoints are;
//! * [`native`]: the native level: messages between sibling parachains over XCM, attested by
//!   the relay chain;
//! * this file: the FRAME pallet (storage, calls, events, errors).
//!
//! ## Mailbox
//! `dispatch` formats a v3 message from this chain's governed local domain, inserts its id in the
//! outbound tree and emits everything a Hyperlane validator needs to sign the checkpoint
//! `(root, index, id)`. `process` checks version and destination, refuses a delivered id, has the
//! recipient's ISM (or the default) verify the metadata, then hands the message to the recipient.
//! A call is one storage transaction, so a failure anywhere leaves no trace: no delivered mark,
//! no half-settled order.
//!
//! ## Security levels
//! ISMs live in a registry by id. An intent names the ISM that must attest its fill: a fast
//! 2-of-3 multisig, a stricter 5-of-7, an aggregation of both... and pays the fee quoted for it
//! ([`Pallet::quote`]); the fee grows with the number of validators and signatures the level
//! involves, because those are what the operators run and what the chain verifies.

#![cfg_attr(not(feature = "std"), no_std)]
// `open_order` takes the order's fields as call parameters, so that Polkadot.js apps shows each.
#![allow(clippy::too_many_arguments)]

extern crate alloc;

pub mod announce;
pub mod checkpoint;
pub mod intents;
#[cfg(any(test, feature = "std", feature = "try-runtime"))]
mod invariants;
pub mod isms;
pub mod mailbox;
pub mod merkle;
pub mod message;
pub mod migrations;
pub mod native;
pub mod weights;
pub mod work;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(any(test, feature = "runtime-benchmarks"))]
pub mod test_vectors;
#[cfg(test)]
mod tests;

pub use intents::{DestinationStatus, FillMessage, OrderData, OrderId, OrderOutcome, OrderRecord, RefundMessage, SettlerMessage};
pub use isms::{Domain, Ism, IsmId, IsmSpec, ValidatorSet};
pub use mailbox::MessageRecipient;
pub use native::{NativeRoute, NativeSendError, NativeTransport};
pub use pallet::*;
pub use weights::WeightInfo;
pub use work::Work;

use polkadot_sdk::{frame_support, frame_system, sp_io, sp_runtime};
#[allow(unused_imports)]
use sp_runtime as _;

/// What the benchmarks need from the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// Set the wall clock (`Config::UnixTime`) to `seconds`.
	fn set_time(seconds: u64);
}

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as frame_support::traits::fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// The ISM type of a runtime.
pub type IsmOf<T> = Ism<<T as Config>::MaxValidators, <T as Config>::MaxModules>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Mutate, MutateHold},
			tokens::Preservation,
			UnixTime,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{AccountIdConversion, Zero};

	/// 1: [`IsmOrderRefs`] (open orders relying on each ISM), filled from `Orders` by
	/// [`migrations::v1`].
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>, AccountId: From<[u8; 32]> + Into<[u8; 32]>>
	{
		/// The currency intents escrow (held under [`HoldReason::IntentEscrow`]) and pay fees in.
		type Currency: Mutate<Self::AccountId> + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;
		/// Wall-clock time: order deadlines are in Unix seconds, so that both chains of an order
		/// read them the same way.
		type UnixTime: UnixTime;
		/// The fee account derives from this id, and the mailbox and settler addresses from it
		/// with the local domain and [`Config::ChainSalt`].
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// A value unique to this chain among those that may share validators (a parachain's
		/// para id): with the domain it makes the mailbox and settler addresses this chain's own,
		/// so that no checkpoint or message of another chain names them.
		type ChainSalt: Get<u32>;
		/// Who configures ISMs and the refund grace.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Recipients other than the intent settler (other pallets).
		type Recipients: MessageRecipient;
		/// Longest message body.
		#[pallet::constant]
		type MaxBodyLen: Get<u32>;
		/// Longest inbound message (header and body).
		#[pallet::constant]
		type MaxMessageLen: Get<u32>;
		/// Longest ISM metadata.
		#[pallet::constant]
		type MaxMetadataLen: Get<u32>;
		/// Most validators in a set.
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// Most modules of an aggregation, and routes of a routing ISM.
		#[pallet::constant]
		type MaxModules: Get<u32>;
		/// Most signature recoveries one `process` may need: bounds its weight whatever the ISM.
		#[pallet::constant]
		type MaxSignatureChecks: Get<u32>;
		/// Most ISM registry reads one walk of the registry may make: a verification, a quote,
		/// a satisfiability check, an order's closure. Bounds the weight of `process`,
		/// `open_order`, `refund` and `set_ism`; an ISM that needs more is refused
		/// ([`Error::TooManyIsmReads`], [`Error::UnsatisfiableIsm`]). Lowering it is safe for
		/// open orders (closing one always walks its closure in full) but their closing may then
		/// weigh more than it is charged: lower it when no open order's closure exceeds the new
		/// value.
		#[pallet::constant]
		type MaxIsmReads: Get<u32>;
		/// Most ISMs in the registry. `set_ism` reads the whole registry to keep the modules of
		/// every aggregation independent ([`isms::independence`]), so it is bounded; a registry
		/// that already holds more (from before the bound) takes no `set_ism` until governance
		/// removes some.
		#[pallet::constant]
		type MaxIsms: Get<u32>;
		/// Latest fill deadline an order may set, in seconds from now; also the longest
		/// [`RefundGrace`] governance may set.
		#[pallet::constant]
		type MaxFillWindow: Get<u64>;
		/// Fee per validator of every multisig a security level involves.
		#[pallet::constant]
		type FeePerValidator: Get<BalanceOf<Self>>;
		/// Fee per signature a security level requires.
		#[pallet::constant]
		type FeePerSignature: Get<BalanceOf<Self>>;
		/// Longest storage location a validator may announce, in bytes.
		#[pallet::constant]
		type MaxLocationLen: Get<u32>;
		/// Most storage locations one validator may announce over its life.
		#[pallet::constant]
		type MaxLocationsPerValidator: Get<u32>;
		/// Fee of an announcement, paid to the fee account: the location is kept for good.
		#[pallet::constant]
		type AnnouncementFee: Get<BalanceOf<Self>>;
		/// Fee per byte of an announced location, on top of [`Config::AnnouncementFee`].
		#[pallet::constant]
		type AnnouncementByteFee: Get<BalanceOf<Self>>;
		/// Fee per byte of a message `dispatch` keeps in [`DispatchedMessages`] (header
		/// included), paid to the fee account: the message is kept for good, so its sender pays
		/// for the bytes once, as an announcement does. The settler's own messages (fills,
		/// refunds) are not charged: orders bound them ([`Config::MinOrderInput`]).
		#[pallet::constant]
		type MessageByteFee: Get<BalanceOf<Self>>;
		/// Smallest input of an order. An open order holds its security level's ISMs against
		/// removal or weakening and its records are kept for good ([`ClosedOrders`] here,
		/// [`DestinationOrders`] on the destination), so an order must be worth more than the
		/// storage and the governance it pins.
		#[pallet::constant]
		type MinOrderInput: Get<BalanceOf<Self>>;
		/// How native messages go out to sibling parachains ([`native`]); `()` for none.
		type NativeTransport: NativeTransport<Self::AccountId>;
		/// The origin of a native message: a sibling parachain itself (not an account of it),
		/// arriving over XCM; its success is the parachain's id. In a parachain runtime,
		/// `cumulus_pallet_xcm`'s `SiblingParachain` origin.
		type NativeOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = u32>;
		/// Weights of the calls.
		type WeightInfo: WeightInfo;
		/// What the benchmarks need from the runtime.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// Funds this pallet holds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The input of an open order, until it is settled or refunded.
		#[codec(index = 0)]
		IntentEscrow,
	}

	/// This chain's Hyperlane domain id, set at genesis and never changed (Hyperlane's
	/// `localDomain` is immutable: validators sign checkpoints under it).
	#[pallet::storage]
	pub type LocalDomain<T> = StorageValue<_, Domain, ValueQuery>;

	/// The outbound message tree; its count is the next nonce.
	#[pallet::storage]
	pub type OutboundTree<T> = StorageValue<_, merkle::IncrementalMerkle, ValueQuery>;

	/// Every message dispatched here, by leaf index (its nonce). Events are pruned with the
	/// state of their block (after 256 blocks by default), but validators and relayers must be
	/// able to sign and deliver a message whenever they get to it, after any outage: they read
	/// the messages from here, as Hyperlane's Sealevel mailbox keeps each dispatched message in
	/// an account of its own. Kept for good: like the outbound tree's leaves, a message is part
	/// of the chain's outbound history (at most `77 + MaxBodyLen` bytes each).
	#[pallet::storage]
	pub type DispatchedMessages<T: Config> = StorageMap<_, Twox64Concat, u32, BoundedVec<u8, T::MaxMessageLen>, OptionQuery>;

	/// Delivered inbound messages by id, with the block of delivery. Kept for good: it is what
	/// refuses a replay (Hyperlane's `Mailbox.deliveries`), and a message signed once stays
	/// signed. Its growth is paid where the messages are made: each was dispatched on its origin
	/// (here at [`Config::MessageByteFee`] a byte), signed by the validators of the recipient's
	/// ISM, and relayed by someone who paid `process` here.
	#[pallet::storage]
	pub type Delivered<T: Config> = StorageMap<_, Blake2_128Concat, [u8; 32], BlockNumberFor<T>, OptionQuery>;

	/// The ISM registry.
	#[pallet::storage]
	pub type Isms<T: Config> = StorageMap<_, Twox64Concat, IsmId, IsmOf<T>, OptionQuery>;

	/// The ISM of recipients that do not choose one.
	#[pallet::storage]
	pub type DefaultIsm<T> = StorageValue<_, IsmId, OptionQuery>;

	/// Open orders.
	#[pallet::storage]
	pub type Orders<T: Config> = StorageMap<_, Blake2_128Concat, OrderId, OrderRecord<T>, OptionQuery>;

	/// How each ended order ended: an order ends once. Kept for good, so that a late fill or
	/// refund message finds the order ended instead of unknown; one entry per order opened
	/// here, each at least [`Config::MinOrderInput`] and its security level's fee.
	#[pallet::storage]
	pub type ClosedOrders<T> = StorageMap<_, Blake2_128Concat, OrderId, OrderOutcome, OptionQuery>;

	/// Orders of other chains that ended here (destination side): filled (with the solver to pay
	/// on the origin) or refunded. Set once per order: a fill and a refund exclude each other.
	/// (Storage version 3; version 2 kept fills alone in `Filled`.) Kept for good: a second
	/// fill of the same order must fail for ever. The filler pays the order's whole output for
	/// its entry; a refund entry needs the order's deadline to have passed unfilled.
	#[pallet::storage]
	pub type DestinationOrders<T> = StorageMap<_, Blake2_128Concat, OrderId, DestinationStatus, OptionQuery>;

	/// Next order nonce.
	#[pallet::storage]
	pub type OrderNonce<T> = StorageValue<_, u64, ValueQuery>;

	/// Seconds after an order's fill deadline during which only a settlement can end it, so that
	/// a fill made just before the deadline has time to be attested and relayed. Governed,
	/// because it depends on how fast the validators and relayers of the connected chains are;
	/// each order keeps the grace of its opening (`OrderRecord::refund_after`), so a change
	/// never shortens the time a solver counted on.
	#[pallet::storage]
	pub type RefundGrace<T> = StorageValue<_, u64, ValueQuery>;

	/// The settler of each destination domain this chain opens orders to (Hyperlane routers'
	/// enrolled remote routers): an order must name it, and only its fill messages settle.
	#[pallet::storage]
	pub type RemoteSettlers<T> = StorageMap<_, Twox64Concat, Domain, [u8; 32], OptionQuery>;

	/// For each ISM, the open orders that rely on it: whose security level it is or refers to
	/// (the level's closure, see [`isms::registry`]). An ISM counted here cannot be removed or
	/// weakened: an order keeps the security it paid for ([`Pallet::check_replacement`]).
	#[pallet::storage]
	pub type IsmOrderRefs<T> = StorageMap<_, Twox64Concat, IsmId, u32, ValueQuery>;

	/// Where each validator publishes its signed checkpoints, oldest first: the locations it
	/// announced ([`announce`]). Relayers read the latest. A new map, empty until the first
	/// announcement, so adding it needed no migration.
	#[pallet::storage]
	pub type StorageLocations<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		isms::multisig::EthAddress,
		BoundedVec<announce::LocationOf<T>, T::MaxLocationsPerValidator>,
		ValueQuery,
	>;

	/// Sum of the inputs of open orders (what [`HoldReason::IntentEscrow`] holds).
	#[pallet::storage]
	pub type EscrowTotal<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Native routes ([`native`]): the sibling parachain that speaks for a remote domain, and
	/// where its settlement pallet is.
	#[pallet::storage]
	pub type NativeRoutes<T> = StorageMap<_, Twox64Concat, Domain, NativeRoute, OptionQuery>;

	/// The other way: the domain a sibling parachain speaks for (one per parachain).
	#[pallet::storage]
	pub type NativeSources<T> = StorageMap<_, Twox64Concat, u32, Domain, OptionQuery>;

	/// Messages a sibling parachain attested by sending them over XCM, and which parachain, until
	/// they are delivered. Only governance-routed parachains add to it, one entry per message
	/// they dispatched (which their own chain charged for).
	#[pallet::storage]
	pub type NativeAttested<T> = StorageMap<_, Identity, [u8; 32], u32, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// This chain's domain id.
		pub local_domain: Domain,
		/// ISMs to install.
		pub isms: alloc::vec::Vec<(IsmId, IsmSpec)>,
		/// The default ISM (one of `isms`).
		pub default_ism: Option<IsmId>,
		/// The refund grace, in seconds.
		pub refund_grace: u64,
		/// Settlers of other domains, `(domain, settler address)`. This chain's own settler is
		/// enrolled for its own domain at genesis.
		pub settlers: alloc::vec::Vec<(Domain, [u8; 32])>,
		#[serde(skip)]
		pub _phantom: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		#[allow(clippy::expect_used)]
		fn build(&self) {
			// 0 is no domain: such a chain neither sends nor receives (see `Pallet::local_domain`),
			// and `try_state` reports it. Genesis stays buildable from the default config.
			LocalDomain::<T>::put(self.local_domain);
			for (id, spec) in &self.isms {
				let ism = IsmOf::<T>::try_from(spec.clone()).expect("genesis ISM exceeds a bound");
				Pallet::<T>::check_ism(*id, &ism).expect("genesis ISM is invalid or refers to a later ISM");
				Isms::<T>::insert(id, ism);
			}
			if let Some(id) = self.default_ism {
				assert!(Isms::<T>::contains_key(id), "the default ISM is not in the genesis ISMs");
				DefaultIsm::<T>::put(id);
			}
			assert!(self.refund_grace <= T::MaxFillWindow::get(), "the refund grace exceeds MaxFillWindow");
			RefundGrace::<T>::put(self.refund_grace);
			RemoteSettlers::<T>::insert(self.local_domain, Pallet::<T>::settler_address());
			for (domain, settler) in &self.settlers {
				RemoteSettlers::<T>::insert(domain, settler);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A message left this chain: what validators sign is `(root, leaf_index, id)`.
		Dispatched {
			id: [u8; 32],
			sender: [u8; 32],
			destination: Domain,
			recipient: [u8; 32],
			/// The whole message, as a relayer delivers it.
			message: alloc::vec::Vec<u8>,
			leaf_index: u32,
			root: [u8; 32],
		},
		/// An inbound message was verified and handled.
		Processed { id: [u8; 32], origin: Domain, sender: [u8; 32], recipient: [u8; 32], ism: IsmId, signature_checks: u32 },
		// Index 2 was `LocalDomainSet` (the domain is fixed at genesis); later indices are kept.
		/// An ISM was installed or replaced (a validator-set rotation is a replacement).
		#[codec(index = 3)]
		IsmSet { id: IsmId, ism: IsmOf<T>, replaced: bool },
		/// An ISM was removed.
		#[codec(index = 4)]
		IsmRemoved { id: IsmId },
		/// The default ISM changed.
		#[codec(index = 5)]
		DefaultIsmSet { id: IsmId },
		/// The refund grace of orders opened from now on changed.
		#[codec(index = 6)]
		RefundGraceSet { seconds: u64 },
		/// The settler of a destination domain was enrolled (or replaced).
		#[codec(index = 11)]
		SettlerEnrolled { domain: Domain, settler: [u8; 32] },
		/// An order was opened: its input is held, its fee paid; anyone may refund it after
		/// `refund_after` (Unix seconds) unless an attested fill settles it first.
		#[codec(index = 7)]
		OrderOpened { order_id: OrderId, user: T::AccountId, order: OrderData, fee: BalanceOf<T>, refund_after: u64 },
		/// An order of another chain was filled here; the fill message is on its way.
		#[codec(index = 8)]
		OrderFilled { order_id: OrderId, filler: T::AccountId, recipient: T::AccountId, amount: BalanceOf<T>, message_id: [u8; 32] },
		/// An attested fill settled an order: its input went to the solver.
		#[codec(index = 9)]
		OrderSettled { order_id: OrderId, solver: T::AccountId, amount: BalanceOf<T>, message_id: [u8; 32] },
		/// An order was refunded: its input went back to the user (on the destination's refund
		/// message, or by governance's `force_refund`; `ClosedOrders` tells which).
		#[codec(index = 10)]
		OrderRefunded { order_id: OrderId, user: T::AccountId, amount: BalanceOf<T> },
		/// An order of another chain expired unfilled here and is refunded here: it can no
		/// longer be filled, and the refund message is on its way to the origin.
		#[codec(index = 12)]
		OrderRefundDispatched { order_id: OrderId, message_id: [u8; 32] },
		/// A validator announced where its signed checkpoints are (`ValidatorAnnouncement`).
		#[codec(index = 13)]
		ValidatorAnnounced { validator: isms::multisig::EthAddress, storage_location: alloc::vec::Vec<u8>, fee: BalanceOf<T> },
		/// The sender of a dispatched message paid for the bytes kept ([`Config::MessageByteFee`]).
		#[codec(index = 14)]
		MessageFeePaid { id: [u8; 32], payer: T::AccountId, fee: BalanceOf<T> },
		/// A domain's native route was set (`None`: removed).
		#[codec(index = 15)]
		NativeRouteSet { domain: Domain, route: Option<NativeRoute> },
		/// A dispatched message also went out over XCM to the parachain routed for its
		/// destination; `payer` paid `fee` for its delivery.
		#[codec(index = 16)]
		NativeSent { id: [u8; 32], para: u32, payer: T::AccountId, fee: u128 },
		/// Sibling parachain `para` attested a message over XCM. `delivered`: its level needed
		/// nothing more and it was processed (a `Processed` event precedes this one); otherwise
		/// the attestation waits for `process` with the rest of the metadata.
		#[codec(index = 17)]
		NativeReceived { id: [u8; 32], origin: Domain, para: u32, delivered: bool },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The message is shorter than its 77-byte header.
		MessageTooShort,
		/// The message is not version 3.
		UnsupportedVersion,
		/// The message is for another domain.
		WrongDestination,
		/// The message was delivered already.
		AlreadyDelivered,
		/// No ISM has this id.
		UnknownIsm,
		/// The recipient chose no ISM and there is no default.
		NoDefaultIsm,
		/// The routing ISM has no route for the message's origin.
		NoRoute,
		/// Aggregation and routing ISMs nest too deep (or refer to each other in a cycle).
		IsmTooDeep,
		/// Verifying would take more signature checks than `MaxSignatureChecks`.
		TooManySignatureChecks,
		/// The metadata is shorter than its layout.
		MetadataTooShort,
		/// The signatures are not a whole number of 65-byte signatures.
		MalformedSignatures,
		/// Merkle-root metadata proves a message after the signed checkpoint.
		IndexAfterCheckpoint,
		/// The aggregation offset table does not cover every module.
		AggregationTableTooShort,
		/// An aggregation range is reversed or beyond the metadata.
		AggregationRangeOutOfBounds,
		/// The aggregation metadata does not provide exactly `threshold` modules.
		AggregationThresholdMismatch,
		/// A signature's `s` is in the upper half of the curve order.
		HighS,
		/// A signature's `v` is not 27, 28, 0 or 1.
		InvalidV,
		/// A signature recovers to no key.
		InvalidSignature,
		/// A signer is not a validator, or not in the set's order, or signed twice.
		UnexpectedSigner,
		/// Fewer signatures than the threshold.
		BelowThreshold,
		/// A threshold of zero or above the number of validators or modules.
		InvalidThreshold,
		/// A validator appears twice in a set.
		DuplicateValidator,
		/// Routes are not strictly sorted by domain.
		UnsortedRoutes,
		/// An ISM refers to itself.
		SelfReference,
		/// The default ISM, or an ISM open orders rely on, cannot be removed or weakened.
		IsmInUse,
		/// The outbound tree holds 2^32 - 1 messages.
		TreeFull,
		/// No recipient has this address.
		UnknownRecipient,
		/// The body is neither a fill nor a refund message.
		InvalidFillMessage,
		/// No order has this id.
		UnknownOrder,
		/// The order was settled or refunded already.
		OrderClosed,
		/// The fill message does not come from the order's destination settler.
		FillFromWrongSettler,
		/// An amount is zero.
		ZeroAmount,
		/// The fill deadline is not in the future.
		DeadlineInPast,
		/// The fill deadline is beyond `MaxFillWindow`.
		DeadlineTooFar,
		/// The fee of the chosen security level is above the caller's limit.
		FeeTooHigh,
		/// The chosen security level cannot attest fills from the destination.
		UnquotableIsm,
		/// Too early to refund: on the destination before the fill deadline, on the origin
		/// (`force_refund`) before the deadline and grace period.
		RefundTooEarly,
		/// The order is not for this chain's settler.
		NotThisDestination,
		/// The order was filled here already.
		AlreadyFilled,
		/// The order's fill deadline has passed.
		FillDeadlinePassed,
		/// An amount does not fit the balance type.
		AmountOverflow,
		/// The escrow total would overflow.
		EscrowOverflow,
		/// The refund grace is longer than `MaxFillWindow`.
		RefundGraceTooLong,
		/// No metadata can satisfy the ISM within `MaxSignatureChecks` and `MaxMetadataLen`.
		UnsatisfiableIsm,
		/// An aggregation names the same module twice.
		DuplicateModule,
		/// The recipient refused the message.
		RecipientFailed,
		/// Moving the held input to the solver failed.
		EscrowTransferFailed,
		/// A message to dispatch is longer than `MaxMessageLen` (`integrity_test` rules this out
		/// for every body `dispatch` accepts).
		MessageTooLong,
		/// No settler is enrolled for the destination, or the order names another.
		UnknownSettler,
		/// Genesis gave this chain no domain (0): it can neither send nor receive.
		NoLocalDomain,
		/// A walk of the ISM registry would read more ISMs than `MaxIsmReads`.
		TooManyIsmReads,
		/// The order was refunded here already: it can be neither filled nor refunded again.
		AlreadyRefunded,
		/// An announced storage location is empty or not UTF-8.
		InvalidStorageLocation,
		/// The validator announced this location already (Hyperlane's `replay`).
		AlreadyAnnounced,
		/// The announcement's signature does not recover to the validator it names.
		NotSignedByValidator,
		/// The validator announced `MaxLocationsPerValidator` locations already.
		TooManyLocations,
		/// Two modules of an aggregation that needs more than one of them would share a
		/// validator: one key would sign for both, and the level would need fewer distinct
		/// signers than it is quoted and paid for ([`isms::independence`]).
		SharedValidators,
		/// The ISM registry would hold more than `MaxIsms` ISMs.
		TooManyIsms,
		/// The order's input is below [`Config::MinOrderInput`].
		OrderTooSmall,
		/// A native route for this chain's own domain.
		NativeRouteToSelf,
		/// The parachain already speaks for another domain.
		NativeSourceTaken,
		/// The message's destination is routed natively, but the channel to it is closed or
		/// full: nothing was sent, the call can be made again.
		NativeUnroutable,
		/// The caller cannot pay the native message's delivery fee.
		NativeFeeUnpaid,
		/// The sending parachain is not the one routed for the message's origin domain.
		NotNativeSource,
		/// The message was not attested over XCM by the parachain the native ISM names.
		NotNativelyAttested,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxValidators::get() > 0 && T::MaxValidators::get() <= u32::from(u8::MAX), "thresholds are u8");
			assert!(T::MaxModules::get() > 0 && T::MaxModules::get() <= u32::from(u8::MAX), "thresholds are u8");
			assert!(T::MaxSignatureChecks::get() >= T::MaxValidators::get(), "a full validator set must be checkable");
			assert!(
				T::MaxIsmReads::get() > u32::from(isms::MAX_ISM_DEPTH),
				"an ISM nested to the depth limit must be readable"
			);
			assert!(T::MaxIsms::get() > 0, "governance must be able to install an ISM");
			assert!(
				T::MaxMetadataLen::get() as usize >= isms::metadata::MERKLE_ROOT_HEADER + 65 * T::MaxValidators::get() as usize,
				"merkle-root metadata with a full set of signatures must fit"
			);
			assert!(
				T::MaxMessageLen::get() as usize >= message::HEADER_LEN + T::MaxBodyLen::get() as usize,
				"every message this chain dispatches must fit in DispatchedMessages"
			);
			assert!(
				T::MaxLocationLen::get() >= 64 && T::MaxLocationsPerValidator::get() > 0,
				"a validator must be able to announce a location (s3://bucket/region/folder)"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Send `body` to `recipient` on `destination`. The sender is the caller's 32-byte
		/// account id.
		#[pallet::call_index(0)]
		// The fee transfer (two accounts read and written) on top of the weight measured before
		// the fee, until `dispatch` is benchmarked again (its benchmark pays the fee).
		#[pallet::weight(T::WeightInfo::dispatch(body.len() as u32)
			.saturating_add(T::DbWeight::get().reads_writes(2, 2))
			.saturating_add(Pallet::<T>::native_send_weight()))]
		pub fn dispatch(
			origin: OriginFor<T>,
			destination: Domain,
			recipient: [u8; 32],
			body: BoundedVec<u8, T::MaxBodyLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			// The call is one storage transaction: a failed dispatch undoes the fee.
			let fee = Self::message_fee(body.len());
			if !fee.is_zero() {
				T::Currency::transfer(&who, &Self::fee_account(), fee, Preservation::Preserve)?;
			}
			let id = Self::do_dispatch(who.clone().into(), destination, recipient, body.into_inner(), &who)?;
			Self::deposit_event(Event::MessageFeePaid { id, payer: who, fee });
			Ok(())
		}

		/// Deliver an inbound message verified by its recipient's ISM. Anyone may relay.
		/// Charged for the worst case; refunded down to the work done ([`Work`]), also when it
		/// fails: a message relayed twice pays for finding it delivered.
		#[pallet::call_index(1)]
		#[pallet::weight(Work::max_process::<T>().process_weight::<T>())]
		pub fn process(
			origin: OriginFor<T>,
			metadata: BoundedVec<u8, T::MaxMetadataLen>,
			message: BoundedVec<u8, T::MaxMessageLen>,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let mut work = Work::default();
			let result = Self::do_process(&metadata, &message, &mut work);
			let actual = Some(work.process_weight::<T>());
			match result {
				Ok(()) => Ok(actual.into()),
				Err(error) => Err(frame_support::dispatch::DispatchErrorWithPostInfo { post_info: actual.into(), error: error.into() }),
			}
		}

		// Call index 2 was `set_local_domain`: the domain is fixed at genesis, as Hyperlane's
		// `localDomain` is immutable. The index is not reused.

		/// Install or replace an ISM (governance). Replacing a multisig is how a validator set
		/// rotates: everything that refers to the id uses the new set from the next message on.
		/// The ISM must be satisfiable within the chain's limits, and a replacement must keep
		/// the security open orders rely on (see [`isms::registry`]).
		#[pallet::call_index(3)]
		#[pallet::weight(Pallet::<T>::set_ism_weight(&Work::max_set_ism::<T>()))]
		pub fn set_ism(origin: OriginFor<T>, id: IsmId, ism: IsmOf<T>) -> DispatchResultWithPostInfo {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let work = Work { ism_reads: Self::check_ism(id, &ism)?, ..Default::default() };
			let replaced = Isms::<T>::contains_key(id);
			Isms::<T>::insert(id, ism.clone());
			Self::deposit_event(Event::IsmSet { id, ism, replaced });
			Ok(Some(Self::set_ism_weight(&work)).into())
		}

		/// Remove an ISM (governance). Messages that still name it then fail to verify; the
		/// default ISM and ISMs that open orders rely on cannot be removed.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::remove_ism())]
		pub fn remove_ism(origin: OriginFor<T>, id: IsmId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(DefaultIsm::<T>::get() != Some(id) && !Self::relied_on(id), Error::<T>::IsmInUse);
			ensure!(Isms::<T>::take(id).is_some(), Error::<T>::UnknownIsm);
			Self::deposit_event(Event::IsmRemoved { id });
			Ok(())
		}

		/// Set the default ISM (governance).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_default_ism())]
		pub fn set_default_ism(origin: OriginFor<T>, id: IsmId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(Isms::<T>::contains_key(id), Error::<T>::UnknownIsm);
			DefaultIsm::<T>::put(id);
			Self::deposit_event(Event::DefaultIsmSet { id });
			Ok(())
		}

		/// Open an order: hold `input_amount` until a fill of `output_amount` to
		/// `output_recipient` on `destination` is attested by ISM `ism`, or until the deadline
		/// (plus grace) passes. Pays the quoted fee of `ism`, at most `max_fee`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::open_order().saturating_add(Work::max_open_order::<T>().weight::<T>()))]
		pub fn open_order(
			origin: OriginFor<T>,
			input_amount: BalanceOf<T>,
			destination: Domain,
			destination_settler: [u8; 32],
			output_amount: u128,
			output_recipient: [u8; 32],
			fill_deadline: u64,
			ism: IsmId,
			max_fee: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut work = Work::default();
			Self::do_open_order(
				who,
				intents::OrderRequest {
					input_amount,
					destination,
					destination_settler,
					output_amount,
					output_recipient,
					fill_deadline,
					ism,
				},
				max_fee,
				&mut work,
			)?;
			Ok(Some(T::WeightInfo::open_order().saturating_add(work.weight::<T>())).into())
		}

		/// Fill, on this chain, an order opened on another: pay its output from the caller to its
		/// recipient and send the fill message that settles it on the origin, naming
		/// `origin_solver` (the account there that receives the input).
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::fill_order().saturating_add(Pallet::<T>::native_send_weight()))]
		pub fn fill_order(origin: OriginFor<T>, order: OrderData, origin_solver: [u8; 32]) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_fill_order(who, order, origin_solver)
		}

		/// Set the refund grace of orders opened from now on (governance); at most
		/// `MaxFillWindow` seconds.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::set_refund_grace())]
		pub fn set_refund_grace(origin: OriginFor<T>, seconds: u64) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(seconds <= T::MaxFillWindow::get(), Error::<T>::RefundGraceTooLong);
			RefundGrace::<T>::put(seconds);
			Self::deposit_event(Event::RefundGraceSet { seconds });
			Ok(())
		}

		/// Enroll the settler of a destination domain (governance): orders to `domain` must
		/// name it. Open orders keep the settler they named.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::enroll_settler())]
		pub fn enroll_settler(origin: OriginFor<T>, domain: Domain, settler: [u8; 32]) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			RemoteSettlers::<T>::insert(domain, settler);
			Self::deposit_event(Event::SettlerEnrolled { domain, settler });
			Ok(())
		}

		/// Governance's escape hatch: refund an order whose deadline and refund grace passed,
		/// without the destination's refund message, for a destination that is gone. If the
		/// destination did fill and its message is only late, the solver loses the input: use it
		/// only when the destination is known dead (see [`intents`]).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::force_refund().saturating_add(Work::max_refund::<T>().weight::<T>()))]
		pub fn force_refund(origin: OriginFor<T>, order_id: OrderId) -> DispatchResultWithPostInfo {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let mut work = Work::default();
			Self::do_force_refund(order_id, &mut work)?;
			Ok(Some(T::WeightInfo::force_refund().saturating_add(work.weight::<T>())).into())
		}

		/// Refund, on this chain as its destination, an order nobody filled by its deadline:
		/// it can no longer be filled here, and the refund message that returns the input to the
		/// user on the origin is dispatched. Anyone may call it (the user, a watcher, a
		/// relayer).
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::refund_order().saturating_add(Pallet::<T>::native_send_weight()))]
		pub fn refund_order(origin: OriginFor<T>, order: OrderData) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_refund_order(who, order)
		}

		/// Route `domain`'s native messages through sibling parachain `route.para`, whose
		/// settlement pallet is at `route.pallet_index`, or stop routing them (`None`)
		/// (governance). Messages dispatched to the domain then also go out over XCM, and the
		/// parachain may attest the domain's messages for [`Ism::Native`] levels naming it.
		/// Refused for this chain's own domain and for a parachain routed for another domain.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::set_native_route())]
		pub fn set_native_route(origin: OriginFor<T>, domain: Domain, route: Option<NativeRoute>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_native_route(domain, route).map_err(Into::into)
		}

		/// Receive a message over XCM from the sibling parachain that sent it ([`native`]): it
		/// is marked attested by that parachain, and delivered at once if that is all its level
		/// needs. Charged for the worst delivery without signatures; refunded to the work done.
		#[pallet::call_index(14)]
		#[pallet::weight(Pallet::<T>::receive_native_weight(&Work::max_receive_native::<T>()))]
		pub fn receive_native(
			origin: OriginFor<T>,
			message: BoundedVec<u8, T::MaxMessageLen>,
		) -> DispatchResultWithPostInfo {
			let para = T::NativeOrigin::ensure_origin(origin)?;
			let mut work = Work::default();
			let result = Self::do_receive_native(para, &message, &mut work);
			let actual = Some(Self::receive_native_weight(&work));
			match result {
				Ok(_) => Ok(actual.into()),
				Err(error) => Err(frame_support::dispatch::DispatchErrorWithPostInfo { post_info: actual.into(), error: error.into() }),
			}
		}

		/// Announce, for `validator`, that its signed checkpoints are at `storage_location`
		/// (Hyperlane's `ValidatorAnnounce.announce`): `signature` is the validator's over
		/// [`announce::announcement_digest`] of this chain's domain and mailbox. Anyone may
		/// submit it and pays [`Pallet::announcement_fee`]; each location is announced once.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::announce(storage_location.len() as u32))]
		pub fn announce(
			origin: OriginFor<T>,
			validator: isms::multisig::EthAddress,
			storage_location: announce::LocationOf<T>,
			signature: isms::multisig::Signature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_announce(&who, validator, storage_location, &signature)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The pallet's account.
		pub fn account_id() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// This chain's mailbox and merkle tree hook address: validators of this chain put it in
		/// `domainHash`. Unique to the chain: see [`Pallet::chain_address`].
		pub fn mailbox_address() -> [u8; 32] {
			Self::chain_address(b"mailbox")
		}

		/// The intent settler's address: fill messages are sent to it.
		pub fn settler_address() -> [u8; 32] {
			Self::chain_address(b"settler")
		}

		/// `blake2_256("zkSettle" ‖ role ‖ PalletId ‖ local domain ‖ ChainSalt)` (integers
		/// little-endian): the same pallet on two chains, even two that share a domain by mistake,
		/// has different addresses.
		pub fn chain_address(role: &[u8]) -> [u8; 32] {
			let preimage = (b"zkSettle", role, T::PalletId::get().0, LocalDomain::<T>::get(), T::ChainSalt::get()).encode();
			sp_io::hashing::blake2_256(&preimage)
		}

		/// Where the fees of security levels go.
		pub fn fee_account() -> T::AccountId {
			T::PalletId::get().into_sub_account_truncating(*b"fees")
		}

		/// This chain's domain; an error for 0, which genesis may leave but no message may carry
		/// (every chain left at 0 would share it).
		pub fn local_domain() -> Result<Domain, Error<T>> {
			match LocalDomain::<T>::get() {
				0 => Err(Error::<T>::NoLocalDomain),
				domain => Ok(domain),
			}
		}

		/// The latest checkpoint of the outbound tree, `(root, index)`; `None` before the first
		/// message.
		pub fn latest_checkpoint() -> Option<([u8; 32], u32)> {
			let tree = OutboundTree::<T>::get();
			tree.count.checked_sub(1).map(|index| (tree.root(), index))
		}

		/// Weight of `set_ism` with the work of its satisfiability walk.
		fn set_ism_weight(work: &Work) -> Weight {
			T::WeightInfo::set_ism(T::MaxValidators::get().max(T::MaxModules::get())).saturating_add(work.weight::<T>())
		}

		/// Validate an ISM and its references to the registry; returns the registry reads made.
		pub(crate) fn check_ism(id: IsmId, ism: &IsmOf<T>) -> Result<u32, Error<T>> {
			ism.validate(id).map_err(|e| match e {
				isms::ConfigError::InvalidThreshold => Error::<T>::InvalidThreshold,
				isms::ConfigError::DuplicateValidator => Error::<T>::DuplicateValidator,
				isms::ConfigError::UnsortedRoutes => Error::<T>::UnsortedRoutes,
				isms::ConfigError::SelfReference => Error::<T>::SelfReference,
				isms::ConfigError::DuplicateModule => Error::<T>::DuplicateModule,
			})?;
			// The satisfiability walk reads every ISM this one refers to: an unknown one fails it.
			let reads = Self::ensure_satisfiable(ism, None)?;
			Self::check_replacement(id, ism)?;
			let (registry, registry_reads) = isms::independence::Registry::<T>::load()?;
			registry.with(id, ism.clone())?.ensure_independent_above(id)?;
			Ok(reads.saturating_add(registry_reads))
		}
	}
}
