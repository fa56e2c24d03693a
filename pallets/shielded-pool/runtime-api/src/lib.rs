//! Runtime API of the shielded pool: what a wallet needs to build a transaction without
//! indexing the whole chain.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;

pub use pallet_shielded_pool::{Hash32, MerklePath, NotesDigest, MAX_LEAVES_PER_QUERY};

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Queries of the note tree, the nullifier set and the verifying keys.
	///
	/// Version 2: the note tree is 4-ary; a [`MerklePath`] holds three siblings per level
	/// (48 in all) where version 1's binary tree had one (32).
	///
	/// Version 3: `leaves` and `subtree_roots`, with which (and the headers' [`NotesDigest`]s) a
	/// wallet follows the tree itself from the current state alone, and never names its own
	/// note to the node.
	#[api_version(3)]
	pub trait ShieldedPoolApi {
		/// The current root of the note tree.
		fn current_root() -> Hash32;
		/// Leaves in the note tree (the index the next note gets).
		fn leaf_count() -> u64;
		/// The authentication path of a leaf to the current root (siblings three per level, left
		/// to right, leaf level first); `None` past the last leaf.
		fn merkle_path(leaf_index: u64) -> Option<MerklePath>;
		/// Whether a root is current or recent enough for a proof to use.
		fn is_known_root(root: Hash32) -> bool;
		/// Whether a nullifier has been spent.
		fn is_spent(nullifier: Hash32) -> bool;
		/// The newest installed verifying key version.
		fn verifying_key_version() -> Option<u32>;
		/// Up to `count` leaves from `start` (at most [`MAX_LEAVES_PER_QUERY`], as far as the tree
		/// goes).
		#[api_version(3)]
		fn leaves(start: u64, count: u32) -> Vec<Hash32>;
		/// Up to `count` roots of complete subtrees of 1024 leaves (height 5) from subtree `start`
		/// (at most [`MAX_LEAVES_PER_QUERY`]).
		#[api_version(3)]
		fn subtree_roots(start: u64, count: u32) -> Vec<Hash32>;
	}
}
