//! Runtime API of the shielded pool: what a wallet needs to build a transaction without
//! indexing the whole chain.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet_shielded_pool::{Hash32, MerklePath};

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Queries of the note tree, the nullifier set and the verifying keys.
	///
	/// Version 2: the note tree is 4-ary; a [`MerklePath`] holds three siblings per level
	/// (48 in all) where version 1's binary tree had one (32).
	#[api_version(2)]
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
	}
}
