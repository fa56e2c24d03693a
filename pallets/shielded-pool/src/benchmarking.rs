//! Benchmarks (frame-benchmarking v2) with real proofs from `fixtures/benchmarks.scale`: proof
//! decoding and verification, nullifier writes, the payouts and the recording of the notes are
//! inside the calls' measured blocks; the notes' insertion into the tree happens at the end of
//! the block and is measured by `advance_tree(n)` (the calls add their share, see
//! `Pallet::tree_weight`). The component benchmarks (`decode_proof`, `prepare_key`,
//! `verify_single`, `verify_batch`) are not call weights: BENCHMARKS.md breaks the calls' costs
//! down with them.

use super::*;
use crate::{
	engines,
	fixtures::{self, FixtureTx, Fixtures},
};
use alloc::{boxed::Box, vec::Vec};
use codec::Encode;
use zk_verifier::{public_inputs::TRANSFER_INPUTS, Proof, Scalar};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{
			fungible::{Inspect as _, Mutate as _},
			EnsureOrigin, Get,
		},
		BoundedVec,
	},
	frame_system::RawOrigin,
	frame_support::traits::fungibles,
	sp_runtime::{
		traits::{Saturating, TrailingZeroInput, UniqueSaturatedFrom, ValidateUnsigned},
		transaction_validity::TransactionSource,
	},
};

fn load() -> Result<Fixtures, BenchmarkError> {
	fixtures::load().ok_or(BenchmarkError::Stop("benchmark fixtures do not decode"))
}

/// Install the key, insert the fixture's notes, fund the pool.
fn setup<T: Config>(fixtures: &Fixtures) -> Result<(), BenchmarkError>
where
	T::AccountId: From<[u8; 32]>,
{
	// The fixture proofs are bound to the genesis hash `fixtures::CHAIN`.
	let genesis = <T::Hash as codec::Decode>::decode(&mut &fixtures::CHAIN[..])
		.map_err(|_| BenchmarkError::Stop("the hash type is not 32 bytes"))?;
	polkadot_sdk::frame_system::BlockHash::<T>::insert(
		polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor::<T>::default(),
		genesis,
	);
	Pallet::<T>::install_key(1, &fixtures.verifying_key).map_err(|_| BenchmarkError::Stop("fixture key rejected"))?;
	let empty: [BoundedVec<u8, T::MaxEncryptedNoteLen>; 2] = Default::default();
	for pair in fixtures.leaves.chunks_exact(2) {
		Pallet::<T>::record_notes(&[pair[0], pair[1]], &empty).map_err(|_| BenchmarkError::Stop("insert"))?;
	}
	// The notes join the tree at the end of their block; the fixture proofs refer to its root.
	Pallet::<T>::advance_tree();
	if Tree::<T>::get().root != fixtures.txs.first().map(|tx| tx.root).unwrap_or_default() {
		return Err(BenchmarkError::Stop("the fixture root is not the tree's"));
	}
	let shielded = BalanceOf::<T>::unique_saturated_from(fixtures.shielded_value());
	let ed = T::NativeCurrency::minimum_balance();
	let pool = Pallet::<T>::account_id();
	T::NativeCurrency::mint_into(&pool, shielded.saturating_add(ed)).map_err(|_| BenchmarkError::Stop("mint pool"))?;
	TotalShielded::<T>::insert(Asset::Native, shielded);
	// The payees do not exist: each payout creates its account, the most a payout costs.
	Ok(())
}

/// A fresh asset (the id all zero bytes decode to) owned, administered and frozen by the pool.
fn guarded_asset<T: Config>() -> Result<T::AssetId, BenchmarkError>
where
	T::Assets: fungibles::Create<T::AccountId>,
{
	let asset = <T::AssetId as codec::Decode>::decode(&mut TrailingZeroInput::zeroes()).map_err(|_| BenchmarkError::Stop("asset id"))?;
	let min = BalanceOf::<T>::unique_saturated_from(1u128);
	<T::Assets as fungibles::Create<_>>::create(asset, Pallet::<T>::account_id(), true, min)
		.map_err(|_| BenchmarkError::Stop("create the asset"))?;
	Ok(asset)
}

/// A fresh foreign asset (the id all zero bytes decode to), guarded by the pool.
fn guarded_foreign_asset<T: Config>() -> Result<T::ForeignAssetId, BenchmarkError>
where
	T::ForeignAssets: fungibles::Create<T::AccountId>,
{
	let asset = <T::ForeignAssetId as codec::Decode>::decode(&mut TrailingZeroInput::zeroes())
		.map_err(|_| BenchmarkError::Stop("foreign asset id"))?;
	let min = BalanceOf::<T>::unique_saturated_from(1u128);
	<T::ForeignAssets as fungibles::Create<_>>::create(asset.clone(), Pallet::<T>::account_id(), true, min)
		.map_err(|_| BenchmarkError::Stop("create the foreign asset"))?;
	Ok(asset)
}

/// A fixture transaction as a call argument, paying its fee to [`fixtures::RELAYER`].
fn transaction<T: Config>(tx: &FixtureTx) -> Result<Transaction<T>, BenchmarkError>
where
	T::AccountId: From<[u8; 32]>,
{
	fixture_transaction(tx, Some(fixtures::RELAYER.into()), fixtures::FEE)
}

fn fixture_transaction<T: Config>(
	tx: &FixtureTx,
	relayer: Option<T::AccountId>,
	fee: u128,
) -> Result<Transaction<T>, BenchmarkError>
where
	T::AccountId: From<[u8; 32]>,
{
	let note = |bytes: &Vec<u8>| {
		BoundedVec::try_from(bytes.clone()).map_err(|_| BenchmarkError::Stop("MaxEncryptedNoteLen below fixture notes"))
	};
	Ok(Transaction {
		proof: tx.proof,
		key_version: 1,
		root: tx.root,
		nullifiers: tx.nullifiers,
		commitments: tx.commitments,
		asset: Asset::Native,
		ext_amount: tx.ext_amount,
		ext_data: ExtData {
			recipient: Some(fixtures::RECIPIENT.into()),
			relayer,
			fee: BalanceOf::<T>::unique_saturated_from(fee),
			encrypted_notes: [note(&tx.encrypted_notes[0])?, note(&tx.encrypted_notes[1])?],
		},
	})
}

/// A fixture transaction's proof, decoded, and its public inputs.
fn decoded<T: Config>(tx: &FixtureTx) -> Result<(Proof, [Scalar; TRANSFER_INPUTS]), BenchmarkError>
where
	T::AccountId: From<[u8; 32]>,
{
	let call = transaction::<T>(tx)?;
	let proof = Pallet::<T>::decode_proof(&call).map_err(|_| BenchmarkError::Stop("proof"))?;
	let inputs = Pallet::<T>::check_transaction(&call).map_err(|_| BenchmarkError::Stop("inputs"))?;
	Ok((proof, inputs))
}

/// The pairing check of the first fixture proof, for the engine comparison.
fn pairing_check<T: Config>() -> Result<engines::PairingCheck, BenchmarkError>
where
	T::AccountId: From<[u8; 32]>,
{
	let fixtures = load()?;
	setup::<T>(&fixtures)?;
	let (proof, inputs) = decoded::<T>(fixtures.txs.first().ok_or(BenchmarkError::Stop("no fixture"))?)?;
	engines::PairingCheck::new(&fixtures.verifying_key, &proof, &inputs).ok_or(BenchmarkError::Stop("pairing check"))
}

#[benchmarks(where
	T::AccountId: From<[u8; 32]>,
	T::Assets: fungibles::Create<T::AccountId>,
	T::ForeignAssets: fungibles::Create<T::AccountId>,
)]
mod benchmarks {
	use super::*;

	/// The most expensive single transaction: two membership proofs, an unshield and a relayer
	/// fee, two insertions.
	#[benchmark]
	fn transact() -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		setup::<T>(&fixtures)?;
		let tx = transaction::<T>(fixtures.txs.first().ok_or(BenchmarkError::Stop("no fixture"))?)?;
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), tx.clone());

		assert!(Pallet::<T>::is_spent(&tx.nullifiers[0]));
		Ok(())
	}

	/// The same transaction on the assets path: an unshield of a local asset (`pallet-assets`,
	/// its details, both payees' asset accounts created). The pool charges a transaction the
	/// larger of this and [`transact`], and a batch the difference per transaction.
	#[benchmark]
	fn transact_asset() -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		setup::<T>(&fixtures)?;
		let asset = guarded_asset::<T>()?;
		AllowedAssets::<T>::insert(asset, ());
		let held = BalanceOf::<T>::unique_saturated_from(2 * u128::from(fixtures::NOTE_VALUE));
		<T::Assets as fungibles::Mutate<_>>::mint_into(asset, &Pallet::<T>::account_id(), held)
			.map_err(|_| BenchmarkError::Stop("mint the pool's asset"))?;
		TotalShielded::<T>::insert(Asset::Fungible(asset), held);
		let mut tx = transaction::<T>(&fixtures.asset_tx)?;
		tx.asset = Asset::Fungible(asset);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		transact(RawOrigin::Signed(caller), tx.clone());

		assert!(Pallet::<T>::is_spent(&tx.nullifiers[0]));
		Ok(())
	}

	/// `n` such transactions in one batch.
	#[benchmark]
	fn transact_batch(n: Linear<1, { fixtures::TXS as u32 }>) -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		setup::<T>(&fixtures)?;
		let n = n.min(T::MaxBatchSize::get());
		let txs: Vec<Transaction<T>> =
			fixtures.txs.iter().take(n as usize).map(transaction::<T>).collect::<Result<_, _>>()?;
		let txs: BoundedVec<_, T::MaxBatchSize> = txs.try_into().map_err(|_| BenchmarkError::Stop("batch bound"))?;
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), txs);

		assert_eq!(Pallet::<T>::next_leaf_index(), fixtures.leaves.len() as u64 + 2 * u64::from(n));
		Ok(())
	}

	/// The end of a block that recorded `n` notes: all of them go into the tree at once. The
	/// tree starts one leaf short of a full 1024-leaf subtree, so the batch completes one with
	/// its first leaf and, from 1025 leaves on, a second one (the worst case: a subtree root is
	/// stored once per 1024 leaves otherwise). `n` runs to [`crate::MAX_LEAVES_BENCHMARKED`],
	/// more than a block can add (a runtime test checks it against the block's weight).
	#[benchmark]
	fn advance_tree(n: Linear<1, { crate::MAX_LEAVES_BENCHMARKED }>) -> Result<(), BenchmarkError> {
		let start = zk_verifier::merkle::leaves_below(SUBTREE_HEIGHT) - 1;
		let frontier = zk_verifier::merkle::Frontier { next_index: start, ..Default::default() };
		Tree::<T>::put(TreeState::from(&frontier));
		for i in 0..u64::from(n) {
			Leaves::<T>::insert(start + i, Scalar::from(i + 1).to_bytes());
		}
		PendingLeaves::<T>::put((start, start + u64::from(n)));

		#[block]
		{
			Pallet::<T>::advance_tree();
		}

		assert_eq!(Tree::<T>::get().next_index, start + u64::from(n));
		assert!(SubtreeRoots::<T>::contains_key(0));
		let second = u64::from(n) > zk_verifier::merkle::leaves_below(SUBTREE_HEIGHT);
		assert_eq!(SubtreeRoots::<T>::contains_key(1), second);
		Ok(())
	}

	/// Decoding a proof as the calls carry it ([`crate::types::ProofBytes`]: uncompressed
	/// points, on-curve and subgroup checks).
	#[benchmark]
	fn decode_proof() -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		let bytes = fixtures.txs.first().ok_or(BenchmarkError::Stop("no fixture"))?.proof;
		let proof;
		#[block]
		{
			proof = Proof::from_uncompressed_bytes(&bytes);
		}
		assert!(proof.is_ok());
		Ok(())
	}

	/// Decoding the same proof in the `groth16` crate's compressed encoding (square roots in
	/// place of the on-curve checks): what the calls would pay per proof had they kept it.
	#[benchmark]
	fn decode_proof_compressed() -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		let uncompressed = fixtures.txs.first().ok_or(BenchmarkError::Stop("no fixture"))?.proof;
		let bytes = Proof::from_uncompressed_bytes(&uncompressed)
			.ok()
			.and_then(|proof| proof.to_bytes())
			.ok_or(BenchmarkError::Stop("proof"))?;
		let proof;
		#[block]
		{
			proof = Proof::from_bytes(&bytes);
		}
		assert!(proof.is_ok());
		Ok(())
	}

	/// Reading an installed verifying key and preparing it for verification.
	#[benchmark]
	fn prepare_key() -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		setup::<T>(&fixtures)?;
		let key;
		#[block]
		{
			key = Pallet::<T>::prepared_key(1);
		}
		assert!(key.is_ok());
		Ok(())
	}

	/// The pairing engines side by side: the same check of one proof (four `G2` preparations,
	/// one multi-Miller loop, one final exponentiation) on our arithmetic ...
	#[benchmark]
	fn pairing_check_ours() -> Result<(), BenchmarkError> {
		let points = engines::ours::load(&pairing_check::<T>()?).ok_or(BenchmarkError::Stop("points"))?;
		let valid;
		#[block]
		{
			valid = engines::ours::run(&points);
		}
		assert!(valid);
		Ok(())
	}

	/// ... on `bls12_381` 0.9 (the verifier's engine before) ...
	#[benchmark]
	fn pairing_check_bls12_381() -> Result<(), BenchmarkError> {
		let points = engines::zkcrypto::load(&pairing_check::<T>()?).ok_or(BenchmarkError::Stop("points"))?;
		let valid;
		#[block]
		{
			valid = engines::zkcrypto::run(&points);
		}
		assert!(valid);
		Ok(())
	}

	/// ... on `ark-bls12-381` 0.5 ...
	#[benchmark]
	fn pairing_check_arkworks() -> Result<(), BenchmarkError> {
		let points = engines::arkworks::load(&pairing_check::<T>()?).ok_or(BenchmarkError::Stop("points"))?;
		let valid;
		#[block]
		{
			valid = engines::arkworks::run(&points);
		}
		assert!(valid);
		Ok(())
	}

	/// ... and on `blst` 0.3.
	#[benchmark]
	fn pairing_check_blst() -> Result<(), BenchmarkError> {
		let points = engines::supranational::load(&pairing_check::<T>()?).ok_or(BenchmarkError::Stop("points"))?;
		let valid;
		#[block]
		{
			valid = engines::supranational::run(&points);
		}
		assert!(valid);
		Ok(())
	}

	/// The check the verifier runs against a stored key (the key's lines and `e(α, β)` stored,
	/// three Miller loops), on our arithmetic ...
	#[benchmark]
	fn keyed_check_ours() -> Result<(), BenchmarkError> {
		let check = engines::ours::load_keyed(&pairing_check::<T>()?).ok_or(BenchmarkError::Stop("points"))?;
		let valid;
		#[block]
		{
			valid = engines::ours::run_keyed(&check);
		}
		assert!(valid);
		Ok(())
	}

	/// ... and on `blst`, through its interface for stored lines.
	#[benchmark]
	fn keyed_check_blst() -> Result<(), BenchmarkError> {
		let check = engines::supranational::load_keyed(&pairing_check::<T>()?).ok_or(BenchmarkError::Stop("points"))?;
		let valid;
		#[block]
		{
			valid = engines::supranational::run_keyed(&check);
		}
		assert!(valid);
		Ok(())
	}

	/// The pairing check of one decoded proof against a prepared key.
	#[benchmark]
	fn verify_single() -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		setup::<T>(&fixtures)?;
		let (proof, inputs) = decoded::<T>(fixtures.txs.first().ok_or(BenchmarkError::Stop("no fixture"))?)?;
		let key = Pallet::<T>::prepared_key(1).map_err(|_| BenchmarkError::Stop("key"))?;
		let result;
		#[block]
		{
			result = zk_verifier::verify(&key, &proof, &inputs);
		}
		assert!(result.is_ok());
		Ok(())
	}

	/// The batched pairing check of `n` decoded proofs.
	#[benchmark]
	fn verify_batch(n: Linear<2, { fixtures::TXS as u32 }>) -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		setup::<T>(&fixtures)?;
		let items: Vec<_> = fixtures.txs.iter().take(n as usize).map(decoded::<T>).collect::<Result<_, _>>()?;
		let refs: Vec<(&Proof, &[Scalar])> = items.iter().map(|(p, i)| (p, &i[..])).collect();
		let key = Pallet::<T>::prepared_key(1).map_err(|_| BenchmarkError::Stop("key"))?;
		let result;
		#[block]
		{
			result = zk_verifier::verify_batch(&key, &refs);
		}
		assert!(result.is_ok());
		Ok(())
	}

	/// What a node spends to validate one unsigned transaction for its transaction pool
	/// (`validate_unsigned` on the accepting path: policy, state, the payouts' dry run, the key
	/// and the proof). Not a call weight: the figure says how many unsigned transactions a
	/// node can check per second (see BENCHMARKS.md).
	#[benchmark]
	fn validate_unsigned() -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		setup::<T>(&fixtures)?;
		let tx = fixture_transaction::<T>(&fixtures.unsigned, None, fixtures::UNSIGNED_FEE)?;
		// The sender's search (2^UnsignedStampBits hashes, about a second in wasm at the
		// runtime's 22 bits); the check measured below is two hashes whatever the bits.
		let seed = tx.using_encoded(zk_verifier::stamp::seed);
		let bits = T::UnsignedStampBits::get();
		let stamp = (0u64..)
			.find(|nonce| zk_verifier::stamp::work(&seed, *nonce) >= bits)
			.ok_or(BenchmarkError::Stop("no stamp"))?;
		let call = Call::<T>::transact_unsigned { tx, stamp };
		let validity;

		#[block]
		{
			#[allow(deprecated)]
			{
				validity = <Pallet<T> as ValidateUnsigned>::validate_unsigned(TransactionSource::External, &call);
			}
		}

		assert!(validity.is_ok(), "the unsigned fixture validates: {validity:?}");
		Ok(())
	}

	#[benchmark]
	fn set_verifying_key() -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 7, fixtures.verifying_key);

		assert!(VerifyingKeys::<T>::contains_key(7));
		Ok(())
	}

	/// An asset whose roles are all the pool account's, created through `fungibles::Create`.
	#[benchmark]
	fn allow_asset() -> Result<(), BenchmarkError> {
		let asset = guarded_asset::<T>()?;
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, asset);
		assert!(AllowedAssets::<T>::contains_key(asset));
		Ok(())
	}

	#[benchmark]
	fn disallow_asset() -> Result<(), BenchmarkError> {
		let asset = guarded_asset::<T>()?;
		AllowedAssets::<T>::insert(asset, ());
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, asset);
		assert!(!AllowedAssets::<T>::contains_key(asset));
		Ok(())
	}

	/// A first registration: the index counter and both registry maps are written.
	#[benchmark]
	fn allow_foreign_asset() -> Result<(), BenchmarkError> {
		let asset = guarded_foreign_asset::<T>()?;
		// A runtime's genesis may have registered some already (zkSettle's the relay token).
		let index = NextForeignAssetIndex::<T>::get();
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Box::new(asset.clone()));
		assert_eq!(ForeignAssetIndex::<T>::get(&asset), Some(index));
		Ok(())
	}

	#[benchmark]
	fn disallow_foreign_asset() -> Result<(), BenchmarkError> {
		let asset = guarded_foreign_asset::<T>()?;
		Pallet::<T>::do_allow_foreign_asset(asset.clone()).map_err(|_| BenchmarkError::Stop("allow"))?;
		let index = ForeignAssetIndex::<T>::get(&asset).ok_or(BenchmarkError::Stop("registered"))?;
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Box::new(asset));
		assert_eq!(ForeignAssetRegistry::<T>::get(index).map(|info| info.allowed), Some(false));
		Ok(())
	}

	#[benchmark]
	fn remove_verifying_key() -> Result<(), BenchmarkError> {
		let fixtures = load()?;
		setup::<T>(&fixtures)?;
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1);

		assert!(!VerifyingKeys::<T>::contains_key(1));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(Vec::new()), crate::mock::Test);
}
