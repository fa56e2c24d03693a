//! The note tree in storage: insertion of new notes, the ring of recent roots, and the
//! authentication paths the runtime API serves to wallets.

use alloc::vec::Vec;
use zk_verifier::{merkle, Scalar};

use crate::{
	Config, Error, Event, Hash32, KnownRoots, Leaves, MerklePath, Pallet, RootRing, RootRingCursor,
	SubtreeRoots, Tree, TreeState, SUBTREE_HEIGHT,
};
use polkadot_sdk::{
	frame_support::{traits::Get, BoundedVec},
	sp_runtime::DispatchError,
};

impl<T: Config> Pallet<T> {
	/// The authentication path of a leaf, computed from the stored leaves and subtree roots.
	pub fn merkle_path(index: u64) -> Option<MerklePath> {
		let tree = Tree::<T>::get();
		if index >= tree.next_index {
			return None;
		}
		let decode = |bytes: Hash32| Option::<Scalar>::from(Scalar::from_bytes(&bytes));
		let leaves_in = |start: u64, end: u64| -> Option<Vec<Scalar>> {
			(start..end).map(|i| Leaves::<T>::get(i).and_then(decode)).collect()
		};
		let width = 1u64 << SUBTREE_HEIGHT;
		let subtree = index >> SUBTREE_HEIGHT;
		let start = subtree << SUBTREE_HEIGHT;
		let subtree_leaves = leaves_in(start, tree.next_index.min(start.saturating_add(width)))?;
		let complete = tree.next_index >> SUBTREE_HEIGHT;
		let mut roots: Vec<Scalar> =
			(0..complete).map(|i| SubtreeRoots::<T>::get(i).and_then(decode)).collect::<Option<_>>()?;
		if !tree.next_index.is_multiple_of(width) {
			let last_start = complete << SUBTREE_HEIGHT;
			let last = if last_start == start {
				subtree_leaves.clone()
			} else {
				leaves_in(last_start, tree.next_index)?
			};
			roots.push(merkle::subtree_root(&last, 0, SUBTREE_HEIGHT));
		}
		let path = merkle::path_via_subtrees(index, &subtree_leaves, &roots, SUBTREE_HEIGHT)?;
		let leaf = Leaves::<T>::get(index)?;
		Some(MerklePath { leaf, siblings: path.iter().map(|s| s.to_bytes()).collect(), root: tree.root })
	}

	/// Append the two commitments, remember the new root, emit one event per note.
	pub(crate) fn insert_notes(
		commitments: &[Hash32; 2],
		notes: &[BoundedVec<u8, T::MaxEncryptedNoteLen>; 2],
	) -> Result<Hash32, DispatchError> {
		let mut frontier = Tree::<T>::get().frontier().ok_or(Error::<T>::NonCanonicalFieldElement)?;
		for (commitment, note) in commitments.iter().zip(notes.iter()) {
			let leaf = Self::scalar(commitment)?;
			let (index, subtree_node) =
				frontier.insert_tracking(leaf, SUBTREE_HEIGHT).map_err(|_| Error::<T>::TreeFull)?;
			Leaves::<T>::insert(index, commitment);
			if (index + 1) % (1 << SUBTREE_HEIGHT) == 0 {
				SubtreeRoots::<T>::insert(index >> SUBTREE_HEIGHT, subtree_node.to_bytes());
			}
			Self::deposit_event(Event::NoteCommitted { leaf_index: index, commitment: *commitment, encrypted_note: note.clone() });
		}
		let state = TreeState::from(&frontier);
		let root = state.root;
		Tree::<T>::put(state);
		Self::remember_root(root);
		Ok(root)
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
