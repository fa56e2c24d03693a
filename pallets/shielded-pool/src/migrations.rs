//! Storage migrations of the shielded pool.

/// The `pallet_id` of this pallet's multi-block migrations' identifiers (`MigrationId`).
pub const MIGRATIONS_ID: &[u8; 13] = b"zksettle-pool";

/// Version 0 → 1: [`crate::AllowedAssets`]. Every `pallet-assets` asset that has value shielded
/// is allowed, so that nothing already in the pool changes; governance reviews them (and their
/// roles) and disallows what it does not want.

pub mod v1 {
	use crate::{AllowedAssets, Asset, Config, Pallet, TotalShielded};
	use polkadot_sdk::{
		frame_support::{
			migrations::VersionedMigration,
			traits::{Get, UncheckedOnRuntimeUpgrade},
			weights::Weight,
		},
		frame_system,
		sp_runtime::traits::Zero,
	};
	#[cfg(feature = "try-runtime")]
	use {
		alloc::vec::Vec,
		codec::{Decode, Encode},
		polkadot_sdk::{frame_support::ensure, sp_runtime::TryRuntimeError},
	};

	/// The migration without its version guard.
	pub struct AllowShieldedAssets<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for AllowShieldedAssets<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut reads, mut writes) = (0u64, 0u64);
			for (asset, total) in TotalShielded::<T>::iter() {
				reads = reads.saturating_add(1);
				if let Asset::Fungible(id) = asset {
					if !total.is_zero() {
						AllowedAssets::<T>::insert(id, ());
						writes = writes.saturating_add(1);
					}
				}
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			ensure!(AllowedAssets::<T>::iter().next().is_none(), "AllowedAssets is not empty before v1");
			let held = TotalShielded::<T>::iter()
				.filter(|(asset, total)| matches!(asset, Asset::Fungible(_)) && !total.is_zero())
				.count() as u64;
			Ok(held.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let held = u64::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			ensure!(AllowedAssets::<T>::iter().count() as u64 == held, "an asset with shielded value is not allowed");
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration, run once: only while the on-chain storage version is 0.
	pub type MigrateV0ToV1<T> =
		VersionedMigration<0, 1, AllowShieldedAssets<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}

/// Version 1 → 2: [`crate::PreparedKeys`], the prepared form of every installed verifying key,
/// which transactions now read instead of preparing the key on every call.
pub mod v2 {
	use crate::{Config, Pallet, PreparedKeys, VerifyingKeys, WeightInfo};
	use polkadot_sdk::{
		frame_support::{
			migrations::VersionedMigration,
			traits::{Get, UncheckedOnRuntimeUpgrade},
			weights::Weight,
		},
		frame_system,
	};
	#[cfg(feature = "try-runtime")]
	use {
		alloc::vec::Vec,
		codec::{Decode, Encode},
		polkadot_sdk::{frame_support::ensure, sp_runtime::TryRuntimeError},
	};

	/// The migration without its version guard.
	pub struct PrepareKeys<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for PrepareKeys<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut reads, mut writes) = (0u64, 0u64);
			for (version, bytes) in VerifyingKeys::<T>::iter() {
				reads = reads.saturating_add(1);
				// Every stored key passed these checks when it was installed; one that no
				// longer does (impossible short of a changed checker) is removed rather than
				// left half-installed, and the event-less removal is logged.
				match Pallet::<T>::check_and_prepare(&bytes) {
					Ok((_, prepared, _)) => PreparedKeys::<T>::insert(version, prepared),
					Err(error) => {
						log::error!(target: "runtime::shielded-pool", "key {version} fails its checks ({error:?}); removed");
						VerifyingKeys::<T>::remove(version);
					},
				}
				writes = writes.saturating_add(1);
			}
			// The preparation itself: about as much as installing a key, per key.
			T::DbWeight::get()
				.reads_writes(reads, writes)
				.saturating_add(<T as Config>::WeightInfo::set_verifying_key().saturating_mul(reads))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			ensure!(PreparedKeys::<T>::iter().next().is_none(), "PreparedKeys is not empty before v2");
			Ok((VerifyingKeys::<T>::iter().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let keys = u64::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			ensure!(PreparedKeys::<T>::iter().count() as u64 == keys, "a key was not prepared");
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration, run once: only while the on-chain storage version is 1.
	pub type MigrateV1ToV2<T> =
		VersionedMigration<1, 2, PrepareKeys<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}

/// Version 2 → 3: the note tree becomes 4-ary (depth 16, inner nodes the width-5 Poseidon), so
/// that a transfer's statement fits the prover's 2^14 domain (see `zk_verifier::merkle`).
///
/// The leaves, their indices and the nullifiers do not change (a nullifier binds the leaf index,
/// not the tree's shape), so every unspent note stays spendable and every spent one stays spent.
/// What changes is derived from [`Leaves`]: the frontier and root ([`Tree`]), the completed
/// subtrees' roots ([`SubtreeRoots`]) and the root history, which restarts with the new root
/// (a root of the binary tree can never be reached by a 4-ary path, and a proof of the old
/// circuit verifies only under the old verifying key: wallets prove again against the new root
/// and key, which governance installs with the upgrade).
///
/// The rebuild hashes about `n / 3` nodes for `n` notes in one block: it is weighed as
/// [`WeightInfo::advance_tree`] of `n` notes, and `pre_upgrade` refuses a tree larger than
/// [`MAX_LEAVES`], above which it would need to be a multi-block migration (the chain has not
/// launched with value; its test networks hold a few hundred notes).
pub mod v3 {
	use crate::{
		Config, KnownRoots, Pallet, RootRing, RootRingCursor, SubtreeRoots, Tree, TreeState, WeightInfo,
		SUBTREE_HEIGHT,
	};
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	use codec::{Decode, Encode, MaxEncodedLen};
	use polkadot_sdk::{
		frame_support::{
			migrations::{MigrationId, SteppedMigration, SteppedMigrationError, VersionedMigration},
			pallet_prelude::OptionQuery,
			storage_alias,
			traits::{Get, GetStorageVersion, StorageVersion, UncheckedOnRuntimeUpgrade},
			weights::{Weight, WeightMeter},
		},
		frame_system,
	};
	use scale_info::TypeInfo;
	use zk_verifier::merkle;
	#[cfg(feature = "try-runtime")]
	use polkadot_sdk::{frame_support::ensure, sp_runtime::TryRuntimeError};

	/// Most notes the one-block rebuild is meant for (well under a second of ref_time at the
	/// benchmarked insertion cost; `pre_upgrade` refuses more).
	pub const MAX_LEAVES: u64 = 10_000;

	/// The version-2 layout of [`Tree`]: the binary tree's frontier.
	#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen, Default)]
	pub struct BinaryTreeState {
		/// Leaves so far.
		pub next_index: u64,
		/// The binary frontier, height 0 first.
		pub filled: [crate::Hash32; 32],
		/// The binary tree's root.
		pub root: crate::Hash32,
	}

	/// Storage as version 2 had it.
	pub mod old {
		use super::*;

		/// [`crate::Tree`] as version 2 stored it (same key, the binary layout).
		#[storage_alias]
		pub type Tree<T: Config> = StorageValue<Pallet<T>, BinaryTreeState, OptionQuery>;
	}

	/// Store the rebuilt tree and restart the root history with its root (no root of the
	/// binary tree is a root of the 4-ary one).
	fn install<T: Config>(frontier: &merkle::Frontier) {
		let state = TreeState::from(frontier);
		let root = state.root;
		Tree::<T>::put(state);
		let _ = RootRing::<T>::clear(u32::MAX, None);
		let _ = KnownRoots::<T>::clear(u32::MAX, None);
		RootRingCursor::<T>::kill();
		Pallet::<T>::remember_root(root);
	}

	/// The migration without its version guard.
	pub struct RebuildTree<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for RebuildTree<T> {
		fn on_runtime_upgrade() -> Weight {
			let next_index = old::Tree::<T>::get().map_or(0, |old| old.next_index);
			let weight = <T as Config>::WeightInfo::advance_tree(u32::try_from(next_index).unwrap_or(u32::MAX))
				.saturating_add(T::DbWeight::get().reads_writes(2, 4));
			let Some(leaves) = Pallet::<T>::stored_leaves(0, next_index) else {
				// `pre_upgrade` and `try_state` rule this out; the old state is left as it was
				// rather than replaced by a tree that lost notes.
				log::error!(target: "runtime::shielded-pool", "v3: a stored note is missing; tree not rebuilt");
				return weight;
			};
			let mut frontier = merkle::Frontier::default();
			let Ok(completed) = frontier.append_batch(&leaves, SUBTREE_HEIGHT) else {
				log::error!(target: "runtime::shielded-pool", "v3: more notes than the tree holds; tree not rebuilt");
				return weight;
			};
			let _ = SubtreeRoots::<T>::clear(u32::MAX, None);
			for (subtree, root) in completed {
				SubtreeRoots::<T>::insert(subtree, root.to_bytes());
			}
			install::<T>(&frontier);
			// Clearing and writing the subtree roots (one per 1024 notes) and the root history.
			let subtrees = next_index / merkle::leaves_below(SUBTREE_HEIGHT) + 1;
			let history = u64::from(T::RootHistorySize::get());
			weight.saturating_add(T::DbWeight::get().writes(subtrees.saturating_add(history).saturating_mul(2)))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			let old = old::Tree::<T>::get().ok_or("no version-2 tree to migrate")?;
			ensure!(old.next_index <= MAX_LEAVES, "too many notes for a one-block rebuild");
			ensure!(Pallet::<T>::stored_leaves(0, old.next_index).is_some(), "a stored note is missing or not canonical");
			Ok(old.next_index.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let next_index = u64::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			let tree = Tree::<T>::get();
			ensure!(tree.next_index == next_index, "the rebuilt tree has another number of notes");
			let leaves = Pallet::<T>::stored_leaves(0, next_index).ok_or("a stored note went missing")?;
			let mut frontier = merkle::Frontier::default();
			for leaf in leaves {
				frontier.insert(leaf).map_err(|_| "the notes overflow the tree")?;
			}
			ensure!(TreeState::from(&frontier) == tree, "the rebuilt tree differs from inserting the notes one by one");
			ensure!(KnownRoots::<T>::iter().count() == 1, "the root history did not restart");
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration in one block, run once: only while the on-chain storage version is 2. For
	/// a tree of at most [`MAX_LEAVES`] notes; [`LazyMigrateV2ToV3`] is the one the runtime runs.
	pub type MigrateV2ToV3<T> =
		VersionedMigration<2, 3, RebuildTree<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;

	/// Most notes one step inserts (the meter usually allows fewer: each note's insertion is
	/// benchmarked with a storage proof of about 2.5 kB).
	pub const MAX_CHUNK: u64 = 4096;

	/// [`RebuildTree`] over as many blocks as it takes (`pallet-migrations`): the new tree is
	/// built in the cursor (a [`TreeState`], 1.6 kB), each step inserting the stored notes its
	/// weight allows as [`WeightInfo::advance_tree`] measures them, completed subtrees stored as
	/// they complete; the last step writes the tree, restarts the root history and sets storage
	/// version 3. Nothing happens unless the on-chain version is 2. The old tree stays in place
	/// until the last step; while the migration runs, the runtime admits no transaction and
	/// processes no XCM (`pallet-migrations` and the message queues' pause), so no note is added
	/// to a tree half rebuilt.
	pub struct LazyMigrateV2ToV3<T>(core::marker::PhantomData<T>);

	impl<T: Config> SteppedMigration for LazyMigrateV2ToV3<T> {
		type Cursor = TreeState;
		type Identifier = MigrationId<13>;

		fn id() -> Self::Identifier {
			MigrationId { pallet_id: *super::MIGRATIONS_ID, version_from: 2, version_to: 3 }
		}

		fn max_steps() -> Option<u32> {
			// One note per step is the least progress a step makes.
			u32::try_from(merkle::CAPACITY).ok()
		}

		/// The one-block migration's checks, when there is something to migrate.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			if Pallet::<T>::on_chain_storage_version() != 2 {
				return Ok(Vec::new());
			}
			<RebuildTree<T> as UncheckedOnRuntimeUpgrade>::pre_upgrade()
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			if state.is_empty() {
				return Ok(());
			}
			<RebuildTree<T> as UncheckedOnRuntimeUpgrade>::post_upgrade(state)
		}

		fn step(cursor: Option<TreeState>, meter: &mut WeightMeter) -> Result<Option<TreeState>, SteppedMigrationError> {
			let db = T::DbWeight::get();
			// The storage version and the old tree's size.
			let fixed = db.reads(2);
			let required = fixed.saturating_add(<T as Config>::WeightInfo::advance_tree(1));
			if !meter.can_consume(required) {
				return Err(SteppedMigrationError::InsufficientWeight { required });
			}
			meter.consume(fixed);
			if Pallet::<T>::on_chain_storage_version() != 2 {
				return Ok(None);
			}
			let total = old::Tree::<T>::get().map_or(0, |old| old.next_index);
			let mut frontier = match cursor {
				Some(state) => state.frontier().ok_or(SteppedMigrationError::InvalidCursor)?,
				None => {
					// The binary tree's subtree roots go; the rebuild writes the 4-ary ones.
					let subtrees = total / merkle::leaves_below(SUBTREE_HEIGHT) + 1;
					let clearing = db.writes(subtrees);
					if !meter.can_consume(clearing) {
						return Err(SteppedMigrationError::InsufficientWeight { required: required.saturating_add(clearing) });
					}
					meter.consume(clearing);
					let _ = SubtreeRoots::<T>::clear(u32::MAX, None);
					merkle::Frontier::default()
				},
			};
			while frontier.next_index < total {
				let mut chunk = (total - frontier.next_index).min(MAX_CHUNK);
				let weight = |chunk: u64| <T as Config>::WeightInfo::advance_tree(u32::try_from(chunk).unwrap_or(u32::MAX));
				while chunk > 0 && !meter.can_consume(weight(chunk)) {
					chunk /= 2;
				}
				if chunk == 0 {
					return Ok(Some(TreeState::from(&frontier)));
				}
				meter.consume(weight(chunk));
				let start = frontier.next_index;
				let leaves = Pallet::<T>::stored_leaves(start, start.saturating_add(chunk)).ok_or_else(|| {
					log::error!(target: "runtime::shielded-pool", "v3: a stored note is missing; tree not rebuilt");
					SteppedMigrationError::Failed
				})?;
				let completed = frontier.append_batch(&leaves, SUBTREE_HEIGHT).map_err(|_| SteppedMigrationError::Failed)?;
				for (subtree, root) in completed {
					SubtreeRoots::<T>::insert(subtree, root.to_bytes());
				}
			}
			// The tree, the version and the root history (cleared and restarted).
			let history = u64::from(T::RootHistorySize::get());
			let finish = db.reads_writes(history, history.saturating_mul(2).saturating_add(4));
			if !meter.can_consume(finish) {
				return Ok(Some(TreeState::from(&frontier)));
			}
			meter.consume(finish);
			install::<T>(&frontier);
			StorageVersion::new(3).put::<Pallet<T>>();
			Ok(None)
		}
	}
}
