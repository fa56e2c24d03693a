//! The checks a transaction passes before it is applied (key, root, nullifiers, asset, room in
//! the tree; the public inputs rebuilt from the call; the proof), the pool's accessors, and the
//! invariants `try_state` checks.

use polkadot_sdk::{
	frame_support::{ensure, traits::Get, weights::Weight, BoundedVec},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::traits::{AccountIdConversion, Zero},
};
use zk_verifier::{
	merkle, public_inputs::TRANSFER_INPUTS, Error as ZkError, PreparedVerifyingKey, Proof, Scalar, VerifyingKey,
};

use crate::{
	WeightInfo, AllowedAssets, Asset, Config, Error, Hash32, KnownRoots, Nullifiers, Pallet, PreparedKeys, Transaction, Tree,
	VerifyingKeys,
};
#[cfg(any(feature = "try-runtime", test))]
use crate::{ForeignAssetIndex, ForeignAssetRegistry, Leaves, NextForeignAssetIndex, PendingLeaves, TotalShielded};
#[cfg(any(feature = "try-runtime", test))]
use polkadot_sdk::frame_support::traits::fungible::Inspect as _;

impl<T: Config> Pallet<T> {
	/// The pool account.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Whether `root` is the current root or a recent one.
	pub fn is_known_root(root: &Hash32) -> bool {
		Tree::<T>::get().root == *root || KnownRoots::<T>::contains_key(root)
	}

	/// What binds a transaction to this chain: its genesis hash, which `ext_data_hash`
	/// commits to. `frame_system` keeps the genesis hash for good (from block 1 on; before it,
	/// genesis state holds a placeholder).
	pub fn chain_binding() -> Hash32 {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		let bytes = genesis.as_ref();
		match <Hash32>::try_from(bytes) {
			Ok(hash) => hash,
			Err(_) => polkadot_sdk::sp_io::hashing::blake2_256(bytes),
		}
	}

	/// What a call that adds the notes of `transactions` pays for the tree: their share of
	/// the block's insertion ([`Self::advance_tree`]), plus its fixed part when they are the
	/// block's first notes (charged to every such call up front, refunded when not first).
	pub fn tree_weight(transactions: u32, opens_block: bool) -> Weight {
		let leaves = transactions.saturating_mul(2);
		let insertion = T::WeightInfo::advance_tree(leaves);
		if opens_block {
			insertion
		} else {
			insertion.saturating_sub(T::WeightInfo::advance_tree(0))
		}
	}

	/// The weight of one `transact` or `transact_unsigned`, its tree share included: the larger
	/// of its two payout paths (ZKS, or an asset), each measured paying fresh accounts.
	pub fn transact_weight(opens_block: bool) -> Weight {
		T::WeightInfo::transact().max(T::WeightInfo::transact_asset()).saturating_add(Self::tree_weight(1, opens_block))
	}

	/// The weight of a batch of `n` transactions before its tree share: the batch was measured
	/// on ZKS payouts, so each transaction adds what the assets path costs more.
	pub fn batch_weight(n: u32) -> Weight {
		let asset_premium = T::WeightInfo::transact_asset().saturating_sub(T::WeightInfo::transact());
		T::WeightInfo::transact_batch(n).saturating_add(asset_premium.saturating_mul(u64::from(n)))
	}

	/// Whether a nullifier was spent.
	pub fn is_spent(nullifier: &Hash32) -> bool {
		Nullifiers::<T>::contains_key(nullifier)
	}

	/// The newest installed key version.
	pub fn latest_key_version() -> Option<u32> {
		VerifyingKeys::<T>::iter_keys().max()
	}

	/// Check a key, prepare it, and store both forms under `version` (the only way into
	/// [`VerifyingKeys`] and [`PreparedKeys`]). Returns the key's digest.
	pub(crate) fn install_key(version: u32, bytes: &[u8]) -> Result<[u8; 32], Error<T>> {
		let (bounded, prepared, digest) = Self::check_and_prepare(bytes)?;
		VerifyingKeys::<T>::insert(version, bounded);
		PreparedKeys::<T>::insert(version, prepared);
		Ok(digest)
	}

	/// Decode and check a verifying key for the transfer circuit (once: every subgroup check),
	/// and return its bytes, its prepared form's encoding, and its digest.
	#[allow(clippy::type_complexity)]
	pub(crate) fn check_and_prepare(
		bytes: &[u8],
	) -> Result<(BoundedVec<u8, T::MaxVerifyingKeyLen>, BoundedVec<u8, crate::PreparedKeyLen>, [u8; 32]), Error<T>> {
		let key = VerifyingKey::from_bytes(bytes).map_err(|_| Error::<T>::MalformedVerifyingKey)?;
		ensure!(key.num_inputs() == TRANSFER_INPUTS, Error::<T>::WrongVerifyingKeyShape);
		let bounded = bytes.to_vec().try_into().map_err(|_| Error::<T>::MalformedVerifyingKey)?;
		let key = key.prepare();
		let prepared = key
			.to_prepared_bytes()
			.and_then(|encoded| BoundedVec::try_from(encoded).ok())
			.ok_or(Error::<T>::MalformedVerifyingKey)?;
		Ok((bounded, prepared, *key.digest()))
	}

	/// The key of `version`, ready to verify with: the stored prepared form, which
	/// [`Self::install_key`] derived from a fully checked key, so reading it decodes coordinates
	/// and nothing more; `try_state` re-derives it from the installed key.
	pub(crate) fn prepared_key(version: u32) -> Result<PreparedVerifyingKey, Error<T>> {
		let bytes = PreparedKeys::<T>::get(version).ok_or(Error::<T>::UnknownVerifyingKey)?;
		PreparedVerifyingKey::from_prepared_bytes(&bytes).map_err(|_| Error::<T>::MalformedVerifyingKey)
	}

	pub(crate) fn scalar(bytes: &Hash32) -> Result<Scalar, Error<T>> {
		Option::from(Scalar::from_bytes(bytes)).ok_or(Error::<T>::NonCanonicalFieldElement)
	}

	/// Every check but the proof, and the public inputs rebuilt from the call.
	pub(crate) fn check_transaction(tx: &Transaction<T>) -> Result<[Scalar; TRANSFER_INPUTS], Error<T>> {
		Self::check_state(tx)?;
		Self::public_inputs(tx, tx.ext_data.hash(&Self::chain_binding()))
	}

	/// [`Self::check_transaction`] for an unshield to `beneficiary` on the reserve chain: the
	/// proof must commit to the beneficiary ([`crate::ExtData::hash_to_reserve`]).
	pub(crate) fn check_reserve_transaction(
		tx: &Transaction<T>,
		beneficiary: &crate::BeneficiaryOf<T>,
	) -> Result<[Scalar; TRANSFER_INPUTS], Error<T>> {
		Self::check_state(tx)?;
		Self::public_inputs(tx, tx.ext_data.hash_to_reserve(&Self::chain_binding(), beneficiary))
	}

	/// The checks against the chain's state: the key, the root, the nullifiers, the asset and
	/// the tree's room. What can change between two transactions of one batch is all here.
	pub(crate) fn check_state(tx: &Transaction<T>) -> Result<(), Error<T>> {
		ensure!(PreparedKeys::<T>::contains_key(tx.key_version), Error::<T>::UnknownVerifyingKey);
		ensure!(Self::is_known_root(&tx.root), Error::<T>::UnknownRoot);
		let [n0, n1] = &tx.nullifiers;
		ensure!(n0 != n1, Error::<T>::DuplicateNullifier);
		ensure!(!Self::is_spent(n0) && !Self::is_spent(n1), Error::<T>::NullifierAlreadySpent);
		ensure!((tx.ext_amount < 0) == tx.ext_data.recipient.is_some(), Error::<T>::RecipientMismatch);
		match tx.asset {
			Asset::Native => {},
			Asset::Fungible(id) =>
				ensure!(tx.ext_amount <= 0 || AllowedAssets::<T>::contains_key(id), Error::<T>::AssetNotAllowed),
			// A registered asset's notes can always leave; only an allowed one can enter.
			Asset::Foreign(index) => {
				let allowed = Self::foreign_asset(index)?.allowed;
				ensure!(tx.ext_amount <= 0 || allowed, Error::<T>::AssetNotAllowed)
			},
		}
		ensure!(Self::next_leaf_index().saturating_add(2) <= merkle::CAPACITY, Error::<T>::TreeFull);
		Ok(())
	}

	/// The statement's public inputs, rebuilt from the call and the chain binding.
	fn public_inputs(tx: &Transaction<T>, ext_data_hash: Scalar) -> Result<[Scalar; TRANSFER_INPUTS], Error<T>> {
		let ([n0, n1], [c0, c1]) = (&tx.nullifiers, &tx.commitments);
		let fee: u128 = polkadot_sdk::sp_runtime::traits::UniqueSaturatedInto::unique_saturated_into(tx.ext_data.fee);
		let public_amount =
			zk_verifier::public_inputs::public_amount(tx.ext_amount, fee).ok_or(Error::<T>::AmountOutOfRange)?;
		let asset = tx.asset.field_value().ok_or(Error::<T>::AssetIdOutOfRange)?;
		Ok(zk_verifier::public_inputs::TransferPublicInputs {
			root: Self::scalar(&tx.root)?,
			public_amount,
			ext_data_hash,
			asset: Scalar::from(asset),
			nullifiers: [Self::scalar(n0)?, Self::scalar(n1)?],
			commitments: [Self::scalar(c0)?, Self::scalar(c1)?],
		}
		.to_scalars())
	}

	pub(crate) fn verify(key: &PreparedVerifyingKey, tx: &Transaction<T>, inputs: &[Scalar]) -> Result<(), Error<T>> {
		#[cfg(test)]
		PROOFS_CHECKED.with(|checked| checked.set(checked.get().saturating_add(1)));
		zk_verifier::verify(key, &Self::decode_proof(tx)?, inputs).map_err(Self::zk_error)
	}

	/// The transaction's proof, decoded and checked (see [`crate::types::ProofBytes`] for the
	/// encoding).
	pub(crate) fn decode_proof(tx: &Transaction<T>) -> Result<Proof, Error<T>> {
		Proof::from_uncompressed_bytes(&tx.proof).map_err(|_| Error::<T>::MalformedProof)
	}

	pub(crate) fn zk_error(error: ZkError) -> Error<T> {
		match error {
			ZkError::VerificationFailed => Error::<T>::InvalidProof,
			ZkError::InputCount { .. } => Error::<T>::WrongVerifyingKeyShape,
			_ => Error::<T>::MalformedProof,
		}
	}

	#[cfg(any(feature = "try-runtime", test))]
	pub(crate) fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use polkadot_sdk::sp_runtime::traits::Saturating;
		for (version, bytes) in VerifyingKeys::<T>::iter() {
			let (_, prepared, _) = Self::check_and_prepare(&bytes).map_err(|_| "a stored verifying key fails its checks")?;
			ensure!(PreparedKeys::<T>::get(version) == Some(prepared), "a prepared key differs from its key's preparation");
		}
		ensure!(
			PreparedKeys::<T>::iter_keys().all(VerifyingKeys::<T>::contains_key),
			"a prepared key without its verifying key"
		);
		let tree = Tree::<T>::get();
		ensure!(tree.frontier().is_some(), "stored frontier is not canonical");
		if let Some((first, end)) = PendingLeaves::<T>::get() {
			ensure!(first == tree.next_index && first < end, "pending notes do not continue the tree");
			ensure!((first..end).all(Leaves::<T>::contains_key), "a pending note is not stored");
		}
		ensure!(!Leaves::<T>::contains_key(Self::next_leaf_index()), "a note is stored past the last index");
		ensure!(Self::is_known_root(&tree.root), "current root is not remembered");
		ensure!(
			KnownRoots::<T>::iter().count() <= T::RootHistorySize::get() as usize,
			"more known roots than the history holds"
		);
		let pool = Self::account_id();
		for (asset, total) in TotalShielded::<T>::iter() {
			if total.is_zero() {
				continue;
			}
			let held = match asset {
				Asset::Native => T::NativeCurrency::balance(&pool)
					.saturating_sub(T::NativeCurrency::minimum_balance()),
				_ => Self::balance_of(asset, &pool).map_err(|_| "value shielded in an unregistered foreign asset")?,
			};
			ensure!(held >= total, "pool holds less than was shielded");
		}
		let next = NextForeignAssetIndex::<T>::get();
		ensure!(next <= T::MaxForeignAssets::get(), "more foreign assets than MaxForeignAssets");
		for (index, info) in ForeignAssetRegistry::<T>::iter() {
			ensure!(index < next, "a foreign asset's index was never handed out");
			ensure!(ForeignAssetIndex::<T>::get(&info.id) == Some(index), "foreign asset registry is not a bijection");
			// Governance can reassign roles with `force_asset_status`; doing so for a registered
			// foreign asset hands someone the power to mint it unbacked.
			ensure!(Self::foreign_roles_guarded(&info.id), "a registered foreign asset's roles left the pool");
		}
		ensure!(
			ForeignAssetIndex::<T>::iter().all(|(_, index)| ForeignAssetRegistry::<T>::contains_key(index)),
			"foreign asset registry is not a bijection"
		);
		Ok(())
	}
}

#[cfg(test)]
thread_local! {
	/// Proofs [`Pallet::verify`] was asked to check on this thread: what the tests count to show
	/// that a refusal came before the pairing.
	pub(crate) static PROOFS_CHECKED: core::cell::Cell<u32> = const { core::cell::Cell::new(0) };
}
