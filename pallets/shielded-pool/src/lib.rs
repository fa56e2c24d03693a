#![doc = include_str!("../README.md")]

#![cfg_attr(not(feature = "std"), no_std)]
// See the note on `ValidateUnsigned` below.
#![allow(deprecated)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(feature = "runtime-benchmarks")]
mod engines;
#[cfg(any(feature = "runtime-benchmarks", test))]
pub mod fixtures;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod assets;
mod batch;
mod checks;
mod foreign;
mod payouts;
pub mod migrations;
mod tree;
mod types;
mod unsigned;
pub mod weights;

pub use assets::AssetGuard;
pub use foreign::{BeneficiaryOf, ForeignAssetGuard, ReserveTransfer, Undeliverable};
pub use tree::MerklePath;
pub use unsigned::validity;
pub use payouts::Payer;
pub use types::*;
pub use weights::WeightInfo;

use alloc::{boxed::Box, vec::Vec};
use polkadot_sdk::{
	frame_support::traits::fungible,
	frame_system,
};

/// Height of the subtrees whose roots are stored for path queries (`4^5 = 1024` leaves each).
pub const SUBTREE_HEIGHT: usize = 5;
/// The most notes one block's `advance_tree` is benchmarked with: above what a block of the
/// runtime can add (the runtime's tests check it against its block weight), and above two
/// subtrees' worth, so that two completions in one block are measured.
pub const MAX_LEAVES_BENCHMARKED: u32 = 2048;
/// The largest batch `transact_batch` is benchmarked with (the proofs in the fixture file): the
/// runtime's `MaxBatchSize` must not exceed it (its tests check).
pub const MAX_BATCH_BENCHMARKED: u32 = 64;

/// The most leaves (or subtree roots) one runtime-API query returns: 128 KiB of answer.
pub const MAX_LEAVES_PER_QUERY: u32 = 4096;

/// The balance type of the native currency.
pub type BalanceOf<T> =
	<<T as Config>::NativeCurrency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Who authored the current block (receives the fee of unsigned transactions).
pub trait BlockAuthor<AccountId> {
	/// The author, if known.
	fn block_author() -> Option<AccountId>;
}

impl<AccountId> BlockAuthor<AccountId> for () {
	fn block_author() -> Option<AccountId> {
		None
	}
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use polkadot_sdk::{
		frame_support::{
			pallet_prelude::*,
			traits::{
				fungible::{Inspect as _, Mutate as _},
				fungibles,
			},
			PalletId,
		},
		frame_system::pallet_prelude::*,
		sp_runtime::traits::Zero,
	};
	use zk_verifier::{
		merkle, public_inputs::TRANSFER_INPUTS,
	};

	/// 1: [`AllowedAssets`] (governance-allowed `pallet-assets` assets), filled by
	/// [`crate::migrations::v1`] with the assets that had value shielded.
	/// 2: [`PreparedKeys`], filled by [`crate::migrations::v2`].
	/// 3: the note tree is 4-ary ([`TreeState`] and [`SubtreeRoots`] re-derived from [`Leaves`]
	/// by [`crate::migrations::v3`]).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The native currency.
		type NativeCurrency: fungible::Mutate<Self::AccountId>;
		/// Identifier of a `pallet-assets` asset.
		type AssetId: Member + Parameter + Copy + Ord + MaxEncodedLen + Into<u64>;
		/// The other fungible assets (`pallet-assets`), in the native balance type.
		type Assets: fungibles::Mutate<Self::AccountId, AssetId = Self::AssetId, Balance = BalanceOf<Self>>
			+ fungibles::roles::Inspect<Self::AccountId>;
		/// The pool account is derived from this id.
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// Who may install and remove verifying keys.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Recent roots a proof may refer to, besides the current one: the roots at the end of the
		/// last this-many blocks that added notes (proofs take time to make; the tree moves on,
		/// once per block). Counted in blocks, so no number of transactions evicts a root early.
		#[pallet::constant]
		type RootHistorySize: Get<u32>;
		/// Longest encrypted note.
		#[pallet::constant]
		type MaxEncryptedNoteLen: Get<u32>;
		/// Most transactions in one batch.
		#[pallet::constant]
		type MaxBatchSize: Get<u32>;
		/// Longest verifying key (bytes).
		#[pallet::constant]
		type MaxVerifyingKeyLen: Get<u32>;
		/// Smallest fee of an unsigned transaction (native token).
		#[pallet::constant]
		type MinUnsignedFee: Get<BalanceOf<Self>>;
		/// Pool priority of an unsigned transaction per [`Config::MinUnsignedFee`] of fee it pays
		/// (priority grows with the fee, as a signed transaction's grows with its tip).
		#[pallet::constant]
		type UnsignedPriority: Get<TransactionPriority>;
		/// Blocks an unsigned transaction stays valid in the pool.
		#[pallet::constant]
		type UnsignedLongevity: Get<u64>;
		/// Leading zero bits the work stamp of an unsigned transaction must have
		/// ([`zk_verifier::stamp`]): the node checks the proof only of transactions whose sender
		/// searched about `2^bits` hashes for them, so junk proofs are not free to send.
		#[pallet::constant]
		type UnsignedStampBits: Get<u32>;
		/// The block author, for unsigned fees.
		type BlockAuthor: BlockAuthor<Self::AccountId>;
		/// Identifier of a foreign asset: its XCM location in the runtime.
		type ForeignAssetId: Member + Parameter + MaxEncodedLen + MaybeSerializeDeserialize;
		/// Assets that live on other chains and arrived over XCM (a `pallet-assets` instance
		/// keyed by location), in the native balance type. Governance registers those the pool
		/// takes ([`Call::allow_foreign_asset`]).
		type ForeignAssets: fungibles::Mutate<Self::AccountId, AssetId = Self::ForeignAssetId, Balance = BalanceOf<Self>>
			+ fungibles::roles::Inspect<Self::AccountId>;
		/// Most foreign assets ever registered (indices are never reused).
		#[pallet::constant]
		type MaxForeignAssets: Get<u32>;
		/// Sends an unshielded foreign asset to its reserve chain ([`Call::transact_to_reserve`]).
		type ReserveTransfer: ReserveTransfer<Self::AccountId, Self::ForeignAssetId, BalanceOf<Self>>;
		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	/// The note tree's frontier and root.
	#[pallet::storage]
	pub type Tree<T> = StorageValue<_, TreeState, ValueQuery>;

	/// Note commitments by leaf index (for wallets and path queries, and the block's insertion).
	#[pallet::storage]
	pub type Leaves<T> = StorageMap<_, Twox64Concat, u64, Hash32, OptionQuery>;

	/// The leaf indices `[first, end)` of the notes this block recorded, which the tree takes in
	/// at the end of the block. Exists only during a block that added notes (`on_finalize`
	/// removes it), so it never reaches the state a block ends with.
	#[pallet::storage]
	pub type PendingLeaves<T> = StorageValue<_, (u64, u64), OptionQuery>;

	/// Roots of completed subtrees of height [`SUBTREE_HEIGHT`], by subtree index.
	#[pallet::storage]
	pub type SubtreeRoots<T> = StorageMap<_, Twox64Concat, u64, Hash32, OptionQuery>;

	/// Recent roots, as a ring: slot → root.
	#[pallet::storage]
	pub type RootRing<T> = StorageMap<_, Twox64Concat, u32, Hash32, OptionQuery>;

	/// Next ring slot to write.
	#[pallet::storage]
	pub type RootRingCursor<T> = StorageValue<_, u32, ValueQuery>;

	/// Recent roots, for lookup: root → ring slot.
	#[pallet::storage]
	pub type KnownRoots<T> = StorageMap<_, Blake2_128Concat, Hash32, u32, OptionQuery>;

	/// Spent nullifiers, with the block that spent them.
	#[pallet::storage]
	pub type Nullifiers<T: Config> = StorageMap<_, Blake2_128Concat, Hash32, BlockNumberFor<T>, OptionQuery>;

	/// Verifying keys (the `groth16` encoding) by version: what governance installed, kept for
	/// the record and for `try_state`, which re-checks them in full.
	#[pallet::storage]
	pub type VerifyingKeys<T: Config> =
		StorageMap<_, Twox64Concat, u32, BoundedVec<u8, T::MaxVerifyingKeyLen>, OptionQuery>;

	/// The same keys prepared for verification ([`zk_verifier::PreparedVerifyingKey`]: points
	/// decoded and checked, the Miller-loop lines of `-β`, `-γ`, `-δ` computed), derived once
	/// when a key is installed. Transactions read this form only: no subgroup checks and no
	/// pairing precomputation per call. Present exactly for the versions in [`VerifyingKeys`].
	#[pallet::storage]
	pub type PreparedKeys<T: Config> = StorageMap<_, Twox64Concat, u32, BoundedVec<u8, PreparedKeyLen>, OptionQuery>;

	/// `pallet-assets` assets governance allowed into the pool (the native token always is).
	/// Only these can be shielded; notes of an asset disallowed later can still be spent and
	/// unshielded. See [`AssetGuard`] for what keeps an allowed asset's holdings safe.
	#[pallet::storage]
	pub type AllowedAssets<T: Config> = StorageMap<_, Blake2_128Concat, T::AssetId, (), OptionQuery>;

	/// Foreign assets registered with the pool, by index (the index notes carry, see [`Asset`]).
	/// An entry stays while its asset exists, allowed or not, so that its notes can leave; the
	/// asset's destruction removes it ([`ForeignAssetGuard`]), and the index is never reused.
	#[pallet::storage]
	pub type ForeignAssetRegistry<T: Config> =
		StorageMap<_, Twox64Concat, u32, ForeignAssetInfo<T::ForeignAssetId>, OptionQuery>;

	/// The index of each registered foreign asset.
	#[pallet::storage]
	pub type ForeignAssetIndex<T: Config> = StorageMap<_, Blake2_128Concat, T::ForeignAssetId, u32, OptionQuery>;

	/// The index the next registered foreign asset gets.
	#[pallet::storage]
	pub type NextForeignAssetIndex<T> = StorageValue<_, u32, ValueQuery>;

	/// Per asset: shielded in minus unshielded out (fees included in what went out).
	#[pallet::storage]
	pub type TotalShielded<T: Config> = StorageMap<_, Blake2_128Concat, Asset<T::AssetId>, BalanceOf<T>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Verifying keys to install, `(version, groth16 encoding)`.
		pub verifying_keys: Vec<(u32, Vec<u8>)>,
		/// Foreign assets to register and allow, in index order (each must exist, guarded).
		pub foreign_assets: Vec<T::ForeignAssetId>,
		#[serde(skip)]
		pub _phantom: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (version, bytes) in &self.verifying_keys {
				Pallet::<T>::install_key(*version, bytes)
					.unwrap_or_else(|e| panic!("genesis verifying key {version} is invalid: {e:?}"));
			}
			for asset in &self.foreign_assets {
				Pallet::<T>::do_allow_foreign_asset(asset.clone())
					.unwrap_or_else(|e| panic!("genesis foreign asset {asset:?} cannot be allowed: {e:?}"));
			}
			Pallet::<T>::remember_root(Tree::<T>::get().root);
			// The pool account exists from the start and keeps the existential deposit, which is
			// never counted as shielded, so that native payouts never reap it.
			let pool = Pallet::<T>::account_id();
			let ed = T::NativeCurrency::minimum_balance();
			if T::NativeCurrency::balance(&pool) < ed {
				let _ = T::NativeCurrency::mint_into(&pool, ed);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A note was added to the tree. Wallets scan these and try to decrypt `encrypted_note`.
		NoteCommitted { leaf_index: u64, commitment: Hash32, encrypted_note: BoundedVec<u8, T::MaxEncryptedNoteLen> },
		/// A shielded transaction was applied.
		Transacted {
			/// The spent notes' nullifiers.
			nullifiers: [Hash32; 2],
			/// The root the proof was made against. The new notes join the tree at the end of the
			/// block ([`Event::TreeAdvanced`]).
			anchor: Hash32,
			/// The asset moved.
			asset: Asset<T::AssetId>,
			/// Value that entered (`> 0`) or left (`< 0`) the pool, before the fee.
			ext_amount: i128,
			/// Fee paid from the pool, and to whom.
			fee: BalanceOf<T>,
			fee_recipient: Option<T::AccountId>,
			/// Who received an unshielded amount.
			recipient: Option<T::AccountId>,
		},
		/// The tree took in the block's notes: `root` is the new root, which proofs may refer to
		/// from the next block on, and `next_index` the number of leaves.
		TreeAdvanced { root: Hash32, next_index: u64 },
		/// Governance installed a verifying key.
		VerifyingKeySet { version: u32, digest: [u8; 32] },
		/// Governance removed a verifying key.
		VerifyingKeyRemoved { version: u32 },
		/// Governance allowed an asset into the pool.
		AssetAllowed { asset: T::AssetId },
		/// Governance stopped new deposits of an asset (its notes can still leave).
		AssetDisallowed { asset: T::AssetId },
		/// A destroyed asset left the allowed assets: a new asset under its id is another asset.
		AssetForgotten { asset: T::AssetId },
		/// Governance allowed a foreign asset into the pool; notes carry it as `Asset::Foreign(index)`.
		ForeignAssetAllowed { index: u32, asset: T::ForeignAssetId },
		/// Governance stopped new deposits of a foreign asset (its notes can still leave).
		ForeignAssetDisallowed { index: u32, asset: T::ForeignAssetId },
		/// A destroyed foreign asset left the registry; its index is retired.
		ForeignAssetForgotten { index: u32, asset: T::ForeignAssetId },
		/// An unshielded foreign asset left for its reserve chain, to `beneficiary` there.
		SentToReserve {
			asset: T::ForeignAssetId,
			amount: BalanceOf<T>,
			beneficiary: BeneficiaryOf<T>,
		},
		/// Transactions of a batch (by position) were skipped: their notes were spent before the
		/// batch, so they could not apply; the rest of the batch did.
		TransactionsSkipped { indices: BoundedVec<u32, T::MaxBatchSize> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The root is neither current nor recent.
		UnknownRoot,
		/// A nullifier was already spent.
		NullifierAlreadySpent,
		/// Both nullifiers of a transaction are equal.
		DuplicateNullifier,
		/// A nullifier, commitment or root is not a canonical field element.
		NonCanonicalFieldElement,
		/// No verifying key with that version.
		UnknownVerifyingKey,
		/// A verifying key with that version exists already (versions are immutable).
		VerifyingKeyExists,
		/// Verifying key bytes do not decode (bad length, point, or count).
		MalformedVerifyingKey,
		/// The verifying key is not for the transfer circuit (wrong number of public inputs).
		WrongVerifyingKeyShape,
		/// Proof bytes do not decode (a point off the curve, outside the subgroup, or infinity).
		MalformedProof,
		/// The proof does not verify for these public inputs.
		InvalidProof,
		/// `ext_amount - fee` is outside `[-2^64, 2^64)`.
		AmountOutOfRange,
		/// The asset id cannot be represented in a note.
		AssetIdOutOfRange,
		/// An unshield (`ext_amount < 0`) needs a recipient, and only an unshield may name one.
		RecipientMismatch,
		/// Shielding needs a signed caller to pay.
		ShieldNeedsPayer,
		/// The caller does not have the amount it tries to shield.
		InsufficientFunds,
		/// The pool's accounting would go negative for this asset.
		PoolBalanceInsufficient,
		/// The recipient or fee recipient cannot receive the amount (e.g. below existential
		/// deposit on a new account).
		PayoutFailed,
		/// A fee is due but there is neither a relayer nor a block author to pay it to.
		NoFeeRecipient,
		/// The note tree is full.
		TreeFull,
		/// An empty batch.
		EmptyBatch,
		/// Arithmetic overflow in the pool's accounting.
		Overflow,
		/// An unsigned transaction pays less than [`Config::MinUnsignedFee`].
		UnsignedFeeTooLow,
		/// An unsigned transaction moves an asset other than the native token (its fee, the
		/// spam bound, is priced in the native token).
		UnsignedNonNativeAsset,
		/// An unsigned transaction names a relayer: its fee goes to the block author (or is
		/// burned), never to an account the sender picks.
		UnsignedRelayer,
		/// The proofs of a batch name different verifying-key versions (one version per batch).
		MixedKeyVersions,
		/// The asset is not allowed into the pool (governance allows assets).
		AssetNotAllowed,
		/// The asset's owner, admin or freezer is not the pool account: whoever holds those roles
		/// could burn or freeze the pool's holdings.
		AssetNotGuarded,
		/// No asset has this id.
		UnknownAsset,
		/// The foreign asset is registered already (under the index it has).
		ForeignAssetRegistered,
		/// [`Config::MaxForeignAssets`] foreign assets were registered already.
		TooManyForeignAssets,
		/// A transaction to a reserve must unshield (`ext_amount < 0`) a foreign asset.
		NotAForeignUnshield,
		/// The unshield's recipient is not the outbox account of the named beneficiary
		/// ([`Pallet::reserve_outbox`]): the proof did not commit to sending there.
		OutboxMismatch,
		/// The reserve chain cannot be reached with this asset, or the XCM transfer failed.
		ReserveTransferFailed,
		/// An unshield to the reserve sends less than the reserve keeps (its existential deposit
		/// and its execution fee): the reserve would trap it.
		BelowReserveMinimum,
		/// The reserve cannot map the beneficiary to an account there: the reserve would trap
		/// the funds.
		UnmappableBeneficiary,
		/// An unsigned transaction's work stamp has fewer leading zero bits than
		/// [`Config::UnsignedStampBits`] (or was made for other transaction bytes).
		InsufficientStamp,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::RootHistorySize::get() > 0, "at least the current root must be accepted");
			assert!(T::MaxBatchSize::get() > 0, "a batch must hold at least one transaction");
			// The unsigned fee is the spam bound, and paying it to the block author must not fail
			// on the existential deposit.
			assert!(
				T::MinUnsignedFee::get() >= T::NativeCurrency::minimum_balance() && !T::MinUnsignedFee::get().is_zero(),
				"MinUnsignedFee must be non-zero and at least the existential deposit"
			);
			assert!(
				T::MaxVerifyingKeyLen::get() as usize >= zk_verifier::verifying_key_len(TRANSFER_INPUTS),
				"MaxVerifyingKeyLen cannot hold a transfer-circuit key"
			);
			const { assert!(SUBTREE_HEIGHT <= merkle::DEPTH) };
			T::ReserveTransfer::integrity_test();
			assert!(T::UnsignedStampBits::get() <= 40, "a stamp of more than 40 bits closes the unsigned lane");
		}

		/// The one read `on_finalize` makes in a block without notes. A block with notes pays for
		/// their insertion through the calls that added them.
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			T::DbWeight::get().reads(1)
		}

		fn on_finalize(_: BlockNumberFor<T>) {
			Self::advance_tree();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Apply a shielded transaction. The signer pays the amount of a shield; for a transfer or
		/// unshield the signer may be anyone (a relayer).
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::transact_weight(true))]
		pub fn transact(origin: OriginFor<T>, tx: Transaction<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let key = Self::prepared_key(tx.key_version)?;
			let inputs = Self::check_transaction(&tx)?;
			Self::verify(&key, &tx, &inputs)?;
			let opens_block = Self::apply(&tx, Payer::Signed(&who))?;
			Ok(Some(Self::transact_weight(opens_block)).into())
		}

		/// Apply a transfer or unshield without a signer: the proof authorises it and the fee
		/// (native token, at least [`Config::MinUnsignedFee`]) goes to the block author, or is
		/// burned when the author is unknown. It names no relayer.
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::transact_weight(true))]
		///
		/// `stamp` is the transaction's work stamp ([`Config::UnsignedStampBits`]), which the
		/// transaction pool checks before the proof; a block author may include a transaction
		/// without one, at its own cost.
		pub fn transact_unsigned(
			origin: OriginFor<T>,
			tx: Transaction<T>,
			stamp: u64,
		) -> DispatchResultWithPostInfo {
			ensure_none(origin)?;
			let _ = stamp;
			Self::check_unsigned_policy(&tx)?;
			let key = Self::prepared_key(tx.key_version)?;
			let inputs = Self::check_transaction(&tx)?;
			Self::verify(&key, &tx, &inputs)?;
			let opens_block = Self::apply(&tx, Payer::Unsigned)?;
			Ok(Some(Self::transact_weight(opens_block)).into())
		}

		/// Apply several transactions, verifying all proofs at once with the batch verifier.
		/// A transaction whose notes were spent before the batch (applied on its own meanwhile:
		/// its sender's retry, or a griefer who took it out of the pending batch and submitted it
		/// first) is skipped ([`Event::TransactionsSkipped`]) and the call charged for what it
		/// did; anything else that fails, including two transactions of the batch spending one
		/// note, fails the whole batch and nothing is applied.
		#[pallet::call_index(2)]
		#[pallet::weight(
			Pallet::<T>::batch_weight(txs.len() as u32).saturating_add(Pallet::<T>::tree_weight(txs.len() as u32, true))
		)]
		pub fn transact_batch(
			origin: OriginFor<T>,
			txs: BoundedVec<Transaction<T>, T::MaxBatchSize>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Ok(Some(Self::do_transact_batch(&who, &txs)?).into())
		}

		/// Install a verifying key under a new version.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_verifying_key())]
		pub fn set_verifying_key(origin: OriginFor<T>, version: u32, key: Vec<u8>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(!VerifyingKeys::<T>::contains_key(version), Error::<T>::VerifyingKeyExists);
			let digest = Self::install_key(version, &key)?;
			Self::deposit_event(Event::VerifyingKeySet { version, digest });
			Ok(())
		}

		/// Allow an asset into the pool (governance). Its owner, admin and freezer must be the pool
		/// account, which nobody can sign for: nobody can then burn or freeze the pool's holdings
		/// or hand the roles to someone who could.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::allow_asset())]
		pub fn allow_asset(origin: OriginFor<T>, asset: T::AssetId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_allow_asset(asset)
		}

		/// Stop new deposits of an asset (governance). Its notes can still be spent and unshielded.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::disallow_asset())]
		pub fn disallow_asset(origin: OriginFor<T>, asset: T::AssetId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(AllowedAssets::<T>::take(asset).is_some(), Error::<T>::AssetNotAllowed);
			Self::deposit_event(Event::AssetDisallowed { asset });
			Ok(())
		}

		/// Register a foreign asset with the pool and allow it (governance), or allow again one
		/// registered earlier. A new registration gets the next index, which its notes carry.
		/// Its owner, admin and freezer must be the pool account, as for [`Call::allow_asset`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::allow_foreign_asset())]
		pub fn allow_foreign_asset(origin: OriginFor<T>, asset: Box<T::ForeignAssetId>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_allow_foreign_asset(*asset)
		}

		/// Stop new deposits of a foreign asset (governance). Its notes can still be spent and
		/// unshielded, and it keeps its index.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::disallow_foreign_asset())]
		pub fn disallow_foreign_asset(origin: OriginFor<T>, asset: Box<T::ForeignAssetId>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_disallow_foreign_asset(*asset)
		}

		/// Unshield a foreign asset straight to `beneficiary` on its reserve chain (for example an
		/// Asset Hub account), so that it leaves the pool without a public account here holding
		/// it. The proof commits to `beneficiary` ([`ExtData::hash_to_reserve`]), so nobody can
		/// redirect the funds, nor apply the proof as a plain unshield; the funds pass through the
		/// beneficiary's keyless outbox ([`Pallet::reserve_outbox`], the transaction's
		/// recipient) and leave in the same call. The signer is a relayer, as for [`Call::transact`]; the
		/// fee, in the asset, goes to the relayer the proof names. The signer also pays the message's
		/// delivery to the reserve ([`ReserveTransfer::transfer`]; in ZKS in the runtime, priced by
		/// the route's congestion), which a relayer quotes before it relays. The reserve takes its
		/// execution fee from the amount sent.
		#[pallet::call_index(9)]
		#[pallet::weight(Pallet::<T>::transact_weight(true).saturating_add(T::ReserveTransfer::weight()))]
		pub fn transact_to_reserve(
			origin: OriginFor<T>,
			tx: Transaction<T>,
			beneficiary: Box<BeneficiaryOf<T>>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (asset, amount) = Self::check_reserve_unshield(&tx, &beneficiary)?;
			let key = Self::prepared_key(tx.key_version)?;
			let inputs = Self::check_reserve_transaction(&tx, &beneficiary)?;
			Self::verify(&key, &tx, &inputs)?;
			let opens_block = Self::apply(&tx, Payer::Signed(&who))?;
			Self::send_to_reserve(&who, &tx, asset, amount, *beneficiary)?;
			Ok(Some(Self::transact_weight(opens_block).saturating_add(T::ReserveTransfer::weight())).into())
		}

		/// Remove a verifying key: proofs for it are no longer accepted.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::remove_verifying_key())]
		pub fn remove_verifying_key(origin: OriginFor<T>, version: u32) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(VerifyingKeys::<T>::take(version).is_some(), Error::<T>::UnknownVerifyingKey);
			PreparedKeys::<T>::remove(version);
			Self::deposit_event(Event::VerifyingKeyRemoved { version });
			Ok(())
		}
	}

	// `ValidateUnsigned` is deprecated in favour of `#[pallet::authorize]` with
	// `frame_system::AuthorizeCall`, which needs version-5 "general" extrinsics. The wallets this
	// chain serves (@polkadot/api 16, subxt) submit bare unsigned extrinsics today; move to
	// `authorize` when they submit general ones (the deprecation runs to April 2027).
	#[allow(deprecated)]
	#[pallet::validate_unsigned]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let Call::transact_unsigned { tx, stamp } = call else { return InvalidTransaction::Call.into() };
			// Cheap checks first: policy, state, a dry run of the payouts, the work stamp; the
			// proof, the one expensive check, last.
			Self::check_unsigned_policy(tx).map_err(Self::invalid)?;
			let inputs = Self::check_transaction(tx).map_err(Self::invalid)?;
			Self::dry_run_payouts(tx).map_err(Self::invalid)?;
			Self::check_stamp(tx, *stamp).map_err(Self::invalid)?;
			let key = Self::prepared_key(tx.key_version).map_err(Self::invalid)?;
			Self::verify(&key, tx, &inputs).map_err(Self::invalid)?;
			let [first, second] = tx.nullifiers;
			ValidTransaction::with_tag_prefix("ShieldedPool")
				.priority(Self::unsigned_priority(tx))
				.and_provides(first)
				.and_provides(second)
				.longevity(T::UnsignedLongevity::get())
				.propagate(true)
				.build()
		}

		/// Block building re-checks the state and the payouts (the state moved since validation);
		/// the proof is verified by the call itself.
		fn pre_dispatch(call: &Self::Call) -> Result<(), TransactionValidityError> {
			let Call::transact_unsigned { tx, .. } = call else { return Err(InvalidTransaction::Call.into()) };
			Self::check_unsigned_policy(tx).map_err(Self::invalid)?;
			Self::check_transaction(tx).map_err(Self::invalid)?;
			Self::dry_run_payouts(tx).map_err(Self::invalid)?;
			Ok(())
		}
	}
}
