//! The note tree in storage: notes recorded by transactions, inserted once per block, the ring
//! of recent roots, and the authentication paths the runtime API serves to wallets.
//!
//! The root advances once per block, as Zcash's anchors do: a transaction gives its notes their
//! leaf indices (so events and wallets know them at once) and the tree takes in all of a block's
//! notes in `on_finalize`, hashing each touched node once: about `n / 3 + 16` hashes for `n`
//! notes instead of `16 n`. A proof refers to the root at the end of an earlier block; the ring holds
//! the roots of the last [`Config::RootHistorySize`] blocks that added notes, so that no number
//! of transactions can evict the root an honest prover works against.

use alloc::vec::Vec;
use zk_verifier::{merkle, Scalar};

use crate::{
	Config, Error, Event, Hash32, KnownRoots, Leaves, NotesDigest, Pallet, PendingLeaves, RootRing,
	RootRingCursor, SubtreeRoots, Tree, TreeState, MAX_LEAVES_PER_QUERY, SUBTREE_HEIGHT,
};
use polkadot_sdk::{
	frame_support::{defensive, traits::Get, BoundedVec},
	frame_system,
	sp_runtime::DispatchError,
};

/// A stored 32-byte field element, `None` if not canonical (never written so).
fn decode(bytes: Hash32) -> Option<Scalar> {
	Option::from(Scalar::from_bytes(&bytes))
}

impl<T: Config> Pallet<T> {
	/// The stored leaves `start..end`, or `None` if one is missing or not canonical.
	pub(crate) fn stored_leaves(start: u64, end: u64) -> Option<Vec<Scalar>> {
		(start..end).map(|i| Leaves::<T>::get(i).and_then(decode)).collect()
	}

	/// Up to `count` (at most [`MAX_LEAVES_PER_QUERY`]) leaves of the tree from `start`, as far
	/// as the tree goes. With the subtree roots and the headers' [`NotesDigest`]s, this is all a
	/// wallet reads from the state to follow the tree itself: it asks for every leaf of the
	/// blocks it scans, so the node learns nothing of which notes are the wallet's.
	pub fn leaves(start: u64, count: u32) -> Vec<Hash32> {
		let end = Tree::<T>::get().next_index.min(start.saturating_add(u64::from(count.min(MAX_LEAVES_PER_QUERY))));
		(start..end).map_while(Leaves::<T>::get).collect()
	}

	/// Up to `count` (at most [`MAX_LEAVES_PER_QUERY`]) roots of the complete subtrees of height
	/// [`SUBTREE_HEIGHT`] from subtree `start`: a wallet that starts scanning at a birthday builds
	/// its frontier from these and the leaves of one subtree
	/// ([`zk_verifier::merkle::Frontier::from_subtrees`]).
	pub fn subtree_roots(start: u64, count: u32) -> Vec<Hash32> {
		let complete = Tree::<T>::get().next_index / merkle::leaves_below(SUBTREE_HEIGHT);
		let end = complete.min(start.saturating_add(u64::from(count.min(MAX_LEAVES_PER_QUERY))));
		(start..end).map_while(SubtreeRoots::<T>::get).collect()
	}

	/// The authentication path of a leaf, computed from the stored leaves and subtree roots.
	pub fn merkle_path(index: u64) -> Option<MerklePath> {
		let tree = Tree::<T>::get();
		if index >= tree.next_index {
			return None;
		}
		let leaves_in = Self::stored_leaves;
		let width = merkle::leaves_below(SUBTREE_HEIGHT);
		let start = index - index % width;
		let subtree_leaves = leaves_in(start, tree.next_index.min(start.saturating_add(width)))?;
		let complete = tree.next_index / width;
		let mut roots: Vec<Scalar> =
			(0..complete).map(|i| SubtreeRoots::<T>::get(i).and_then(decode)).collect::<Option<_>>()?;
		if !tree.next_index.is_multiple_of(width) {
			let last_start = complete.saturating_mul(width);
			let last = if last_start == start {
				subtree_leaves.clone()
			} else {
				leaves_in(last_start, tree.next_index)?
			};
			roots.push(merkle::subtree_root(&last, 0, SUBTREE_HEIGHT));
		}
		let path = merkle::path_via_subtrees(index, &subtree_leaves, &roots, SUBTREE_HEIGHT)?;
		let leaf = usize::try_from(index - start).ok().and_then(|i| subtree_leaves.get(i))?.to_bytes();
		Some(MerklePath { leaf, siblings: path.iter().flatten().map(|s| s.to_bytes()).collect(), root: tree.root })
	}

	/// The index the next note gets: after this block's notes so far, which the tree takes in
	/// at the end of the block ([`Self::advance_tree`]).
	pub fn next_leaf_index() -> u64 {
		PendingLeaves::<T>::get().map_or_else(|| Tree::<T>::get().next_index, |(_, end)| end)
	}

	/// Give the two commitments their leaf indices, store them and emit one event per note. The
	/// tree and its root take them in at the end of the block, with the block's other notes.
	///
	/// Returns whether these are the block's first notes (the call that adds them pays for the
	/// fixed part of the block's insertion, see [`Self::tree_weight`]).
	pub(crate) fn record_notes(
		commitments: &[Hash32; 2],
		notes: &[BoundedVec<u8, T::MaxEncryptedNoteLen>; 2],
	) -> Result<bool, DispatchError> {
		for commitment in commitments {
			Self::scalar(commitment)?;
		}
		let pending = PendingLeaves::<T>::get();
		let start = Self::next_leaf_index();
		let first = pending.map_or(start, |(first, _)| first);
		let end = start.checked_add(2).filter(|end| *end <= merkle::CAPACITY).ok_or(Error::<T>::TreeFull)?;
		for ((leaf_index, commitment), note) in (start..end).zip(commitments.iter()).zip(notes.iter()) {
			Leaves::<T>::insert(leaf_index, commitment);
			Self::deposit_event(Event::NoteCommitted { leaf_index, commitment: *commitment, encrypted_note: note.clone() });
		}
		PendingLeaves::<T>::put((first, end));
		Ok(pending.is_none())
	}

	/// End of block: insert the block's notes into the tree at once (each touched node hashed
	/// once), store the completed subtrees, remember the new root. Nothing to do in a block
	/// without notes. The calls that recorded the notes paid for this (see
	/// [`Self::tree_weight`]).
	pub(crate) fn advance_tree() {
		let Some((first, end)) = PendingLeaves::<T>::take() else { return };
		let mut frontier = match Tree::<T>::get().frontier() {
			Some(frontier) if frontier.next_index == first => frontier,
			_ => {
				defensive!("the pending notes do not continue the stored tree");
				return;
			},
		};
		let Some(leaves) = Self::stored_leaves(first, end) else {
			defensive!("a pending note is missing or not canonical");
			return;
		};
		let Ok(completed) = frontier.append_batch(&leaves, SUBTREE_HEIGHT) else {
			defensive!("the pending notes overflow the tree");
			return;
		};
		for (subtree, root) in completed {
			SubtreeRoots::<T>::insert(subtree, root.to_bytes());
		}
		let state = TreeState::from(&frontier);
		let root = state.root;
		Tree::<T>::put(state);
		Self::remember_root(root);
		frame_system::Pallet::<T>::deposit_log(NotesDigest { first, end, root }.to_digest_item());
		Self::deposit_event(Event::TreeAdvanced { root, next_index: end });
	}

	/// Put a root in the ring of recent roots, evicting the oldest.
	pub(crate) fn remember_root(root: Hash32) {
		let size = T::RootHistorySize::get().max(1);
		let slot = RootRingCursor::<T>::get() % size;
		if let Some(evicted) = RootRing::<T>::get(slot) {
			if KnownRoots::<T>::get(evicted) == Some(slot) {
				KnownRoots::<T>::remove(evicted);
			}
		}
		RootRing::<T>::insert(slot, root);
		KnownRoots::<T>::insert(root, slot);
		RootRingCursor::<T>::put(slot.saturating_add(1) % size);
	}
}

/// A Merkle authentication path, as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo, Debug)]
pub struct MerklePath {
	/// The leaf (a note commitment).
	pub leaf: Hash32,
	/// Siblings, three per level of the 4-ary tree, left to right, from the leaf level up
	/// (`3 × 16 = 48` of them; see `zk_verifier::merkle::Path`).
	pub siblings: Vec<Hash32>,
	/// The current root the path leads to.
	pub root: Hash32,
}
