//! Scanning, purely: what a compact block means for the wallet's state. The sync module fetches
//! compact blocks and the tree's leaves; this module decides which notes are the wallet's, which
//! of them are spent, and keeps the authentication path of each unspent one current
//! ([`zk_verifier::witness`]), so that the wallet never asks a node for the path of the note it
//! is about to spend. That is what the unit tests exercise.

use zk_verifier::{
	merkle::{Frontier, Path},
	witness::Witness,
	Scalar,
};

use crate::{
	compact::CompactBlock,
	error::WalletError,
	keys::Keys,
	note_encryption,
	store::{hex_scalars, BlockFindings, Entry, EntryKind, OwnedNote, State},
};

impl State {
	/// Start following the tree from `frontier` (built from the chain's subtree roots where the
	/// scan starts), unless the wallet already follows it.
	pub fn start_tree(&mut self, frontier: &Frontier) {
		if self.frontier.is_none() {
			self.frontier = Some(frontier.into());
		}
	}

	/// Apply a block that added notes: `leaves` are the commitments of its digest's range, read
	/// from the chain's current state. Appends them to the wallet's tree, keeps the paths of its
	/// unspent notes current, finds its new notes (trial decryption of the ciphertexts the body
	/// carries for each leaf) and its spent ones (the nullifiers of the transactions whose
	/// commitments are among the leaves: the applied ones).
	///
	/// Checked before anything changes: the block continues the wallet's tree, and the tree's
	/// root after it is the one the block's header states. On error the state is unchanged.
	pub fn apply_block(&mut self, keys: &Keys, block: &CompactBlock, leaves: &[[u8; 32]]) -> Result<BlockFindings, WalletError> {
		let digest = block.digest;
		let node = |why: String| WalletError::Node(format!("block {}: {why}", block.number));
		let mut frontier = self
			.frontier
			.as_ref()
			.ok_or_else(|| WalletError::corrupt("wallet state".into(), "no note tree to continue".into()))?
			.frontier()?;
		if frontier.next_index != digest.first || digest.end.checked_sub(digest.first) != Some(leaves.len() as u64) {
			return Err(node(format!(
				"its notes are leaves {}..{} ({} given) but the wallet's tree has {} leaves",
				digest.first,
				digest.end,
				leaves.len(),
				frontier.next_index
			)));
		}
		let view = keys.viewing_key();
		let ivk = keys.ivk();
		let mut notes = self.notes.clone();
		let mut witnesses: Vec<(usize, Witness)> = Vec::new();
		for (i, note) in notes.iter().enumerate() {
			if note.spent.is_none() {
				if let Some(w) = note.witness()? {
					witnesses.push((i, w));
				}
			}
		}
		let mut found = BlockFindings::default();
		let mut history = Vec::new();
		for bytes in leaves {
			let leaf = Option::<Scalar>::from(Scalar::from_bytes(bytes)).ok_or_else(|| node("a non-canonical leaf".into()))?;
			let (index, nodes) = frontier.insert_nodes(leaf).map_err(|_| node("the note tree is full".into()))?;
			for (_, w) in &mut witnesses {
				w.update(index, &nodes);
			}
			// Any ciphertext the body carries for this commitment will do: the commitment binds
			// the note, so one that decrypts to a note of this commitment is the note.
			let note = block
				.txs
				.iter()
				.flat_map(|tx| tx.outputs.iter())
				.filter(|(c, _)| c == bytes)
				.find_map(|(_, ct)| note_encryption::try_decrypt(&ivk, &view.owner, &leaf, ct));
			// Dummy outputs (value 0) are ours too but not worth a line or a note.
			let Some(note) = note.filter(|n| n.value > 0) else { continue };
			let witness = Witness::newest(&frontier, leaf).ok_or_else(|| node("an empty tree after a leaf".into()))?;
			if let Some(known) = notes.iter().position(|n| n.index == index) {
				// Seen before (a rescan of a file from before witnesses): it gains its path.
				if notes.get(known).is_some_and(|n| n.spent.is_none() && n.path.is_empty()) {
					witnesses.push((known, witness));
				}
				continue;
			}
			witnesses.push((notes.len(), witness));
			notes.push(OwnedNote {
				index,
				value: note.value,
				asset: note.asset,
				blinding: hex::encode(note.blinding.to_bytes()),
				commitment: hex::encode(bytes),
				nullifier: hex::encode(view.nullifier(&leaf, index).to_bytes()),
				block: block.number,
				spent: None,
				path: Vec::new(),
			});
			history.push(Entry::seen(block.number, EntryKind::Received, note.asset, note.value));
			found.received += 1;
		}
		if frontier.root.to_bytes() != digest.root {
			return Err(node("the leaves the node served do not lead to the root in its header".into()));
		}
		for (i, w) in witnesses {
			if let Some(note) = notes.get_mut(i) {
				note.path = hex_scalars(w.path.iter().flatten());
			}
		}
		// The applied transactions' nullifiers are spent.
		let added: std::collections::HashSet<&[u8; 32]> = leaves.iter().collect();
		let applied = block.txs.iter().filter(|tx| tx.outputs.iter().all(|(c, _)| added.contains(c)));
		for nullifier in applied.flat_map(|tx| tx.nullifiers.iter()) {
			let text = hex::encode(nullifier);
			if let Some(note) = notes.iter_mut().find(|n| n.nullifier == text && n.spent.is_none()) {
				note.spent = Some(block.number);
				note.path.clear();
				history.push(Entry::seen(block.number, EntryKind::Spent, note.asset, note.value));
				found.spent += 1;
			}
		}
		self.notes = notes;
		self.history.extend(history);
		self.frontier = Some((&frontier).into());
		self.next_block = self.next_block.max(block.number.saturating_add(1));
		Ok(found)
	}

	/// The wallet's tree root and the witnesses of `notes`, which must be current: each path leads
	/// from its note to the root.
	pub fn anchor(&self, notes: &[OwnedNote]) -> Result<(Scalar, Vec<(u64, Path)>), WalletError> {
		let root = self
			.frontier
			.as_ref()
			.ok_or_else(|| WalletError::corrupt("wallet state".into(), "no note tree".into()))?
			.frontier()?
			.root;
		let mut paths = Vec::new();
		for note in notes {
			let witness = note
				.witness()?
				.filter(|w| w.root() == root)
				.ok_or_else(|| WalletError::corrupt("wallet state".into(), format!("no current path for note {}", note.index)))?;
			paths.push((note.index, witness.path));
		}
		Ok((root, paths))
	}

}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		compact::{NotesDigest, PoolTx},
		store::tests::keys,
	};
	use zk_verifier::{merkle::MerkleTree, note::Note};

	/// A chain in miniature: the tree as the runtime grows it, and the blocks it makes.
	struct Chain {
		tree: MerkleTree,
		frontier: Frontier,
		next_block: u64,
		blinding: u64,
	}

	impl Chain {
		fn new() -> Self {
			Chain { tree: MerkleTree::new(), frontier: Frontier::default(), next_block: 1, blinding: 1 }
		}

		/// A transaction paying `value` to `to` (and a dummy back), revealing `nullifiers`.
		fn tx(&mut self, to: &Keys, value: u64, nullifiers: [[u8; 32]; 2]) -> (PoolTx, Note) {
			let mut output = |value| {
				self.blinding += 1;
				let note = Note { value, asset: 0, owner: to.address().owner, blinding: Scalar::from(self.blinding) };
				(note.commitment().to_bytes(), note_encryption::encrypt(&note, &to.address()).unwrap(), note)
			};
			let (c0, e0, note) = output(value);
			let (c1, e1, _) = output(0);
			(PoolTx { nullifiers, outputs: [(c0, e0), (c1, e1)] }, note)
		}

		/// A block holding `txs`, of which those marked `true` are applied; its leaves.
		fn block(&mut self, txs: &[(PoolTx, bool)]) -> (CompactBlock, Vec<[u8; 32]>) {
			let first = self.frontier.next_index;
			let mut leaves = Vec::new();
			for (tx, _) in txs.iter().filter(|(_, applied)| *applied) {
				for (c, _) in &tx.outputs {
					let leaf = Scalar::from_bytes(c).unwrap();
					self.frontier.insert(leaf).unwrap();
					self.tree.append(leaf).unwrap();
					leaves.push(*c);
				}
			}
			let digest = NotesDigest { first, end: self.frontier.next_index, root: self.frontier.root.to_bytes() };
			let number = self.next_block;
			self.next_block += 1;
			(CompactBlock { number, digest, txs: txs.iter().map(|(tx, _)| tx.clone()).collect() }, leaves)
		}
	}

	fn nullifier(keys: &Keys, note: &Note, index: u64) -> [u8; 32] {
		keys.viewing_key().nullifier(&note.commitment(), index).to_bytes()
	}

	/// The wallet finds its notes and nothing else, keeps their paths equal to the whole tree's as
	/// the tree grows, sees its spends only when the spending transaction was applied, and a
	/// rescan of the same blocks changes nothing.
	#[test]
	fn scanning_finds_our_notes_keeps_their_paths_and_sees_applied_spends() {
		let (bob, eve) = (keys("bob"), keys("eve"));
		let mut chain = Chain::new();
		let mut state = State::new("g".into());
		state.start_tree(&Frontier::default());

		let (to_eve, _) = chain.tx(&eve, 30, [[1; 32], [2; 32]]);
		let (to_bob, bob_note) = chain.tx(&bob, 70, [[3; 32], [4; 32]]);
		let (block, leaves) = chain.block(&[(to_eve, true), (to_bob, true)]);
		let found = state.apply_block(&bob, &block, &leaves).unwrap();
		assert_eq!(found, BlockFindings { received: 1, spent: 0 });
		assert_eq!((state.notes[0].index, state.notes[0].value), (2, 70));
		assert_eq!(state.balances().get(&0), Some(&70));
		assert_eq!(state.next_block, 2);

		// More blocks: the path follows the tree.
		for round in 0..6u8 {
			let (tx, _) = chain.tx(&eve, 1, [[10 + round; 32], [40 + round; 32]]);
			let (block, leaves) = chain.block(&[(tx, true)]);
			state.apply_block(&bob, &block, &leaves).unwrap();
			let (root, paths) = state.anchor(&state.notes.clone()).unwrap();
			assert_eq!((root, Some(paths[0].1)), (chain.tree.root(), chain.tree.path(2)));
		}

		// Bob's spend fails first (its notes are not in the tree): nothing is spent. (A block in
		// which every shielded transaction failed has no digest and is never fetched; here another
		// one succeeds beside it.)
		let nf = nullifier(&bob, &bob_note, 2);
		let (failed, _) = chain.tx(&eve, 70, [nf, [0; 32]]);
		let (filler, _) = chain.tx(&eve, 5, [[90; 32], [91; 32]]);
		let (block, leaves) = chain.block(&[(failed, false), (filler, true)]);
		assert_eq!(state.apply_block(&bob, &block, &leaves).unwrap(), BlockFindings::default());
		assert_eq!(state.balances().get(&0), Some(&70));

		// Then it is applied.
		let (spend, _) = chain.tx(&eve, 70, [nf, [0; 32]]);
		let (block, leaves) = chain.block(&[(spend, true)]);
		assert_eq!(state.apply_block(&bob, &block, &leaves).unwrap().spent, 1);
		assert!(state.balances().is_empty());
		assert!(state.notes[0].path.is_empty(), "a spent note needs no path");
		let kinds: Vec<EntryKind> = state.history.iter().map(|e| e.kind).collect();
		assert_eq!(kinds, [EntryKind::Received, EntryKind::Spent]);
	}

	/// A block that does not continue the wallet's tree, or whose leaves do not give the root its
	/// header states, is refused and leaves the state as it was.
	#[test]
	fn inconsistent_blocks_are_refused_without_change() {
		let bob = keys("bob");
		let mut chain = Chain::new();
		let mut state = State::new("g".into());
		assert!(matches!(state.apply_block(&bob, &chain.block(&[]).0, &[]), Err(e) if e.is_corrupt()));
		state.start_tree(&Frontier::default());
		let (tx, _) = chain.tx(&bob, 70, [[3; 32], [4; 32]]);
		let (block, mut leaves) = chain.block(&[(tx, true)]);
		let before = state.clone();
		// A leaf swapped by the node: the root differs.
		leaves.swap(0, 1);
		assert!(matches!(state.apply_block(&bob, &block, &leaves), Err(WalletError::Node(_))));
		assert_eq!(state, before);
		// A leaf missing.
		leaves.pop();
		assert!(matches!(state.apply_block(&bob, &block, &leaves), Err(WalletError::Node(_))));
		// A block that skips leaves.
		let (tx, _) = chain.tx(&bob, 5, [[5; 32], [6; 32]]);
		let (later, later_leaves) = chain.block(&[(tx, true)]);
		assert!(matches!(state.apply_block(&bob, &later, &later_leaves), Err(WalletError::Node(_))));
		assert_eq!(state, before);
	}

	/// A ciphertext swapped by someone who copied the commitments into a failing transaction
	/// before the real one does not hide the note: any ciphertext of the commitment will do.
	#[test]
	fn a_copied_commitment_with_a_bad_ciphertext_does_not_hide_a_note() {
		let bob = keys("bob");
		let mut chain = Chain::new();
		let mut state = State::new("g".into());
		state.start_tree(&Frontier::default());
		let (real, _) = chain.tx(&bob, 70, [[3; 32], [4; 32]]);
		let mut copy = real.clone();
		copy.outputs[0].1 = vec![0; 80];
		copy.nullifiers = [[8; 32], [9; 32]];
		let (block, leaves) = chain.block(&[(copy, false), (real, true)]);
		assert_eq!(state.apply_block(&bob, &block, &leaves).unwrap().received, 1);
	}

	/// A watch-only wallet (the exported viewing key) sees what the full wallet sees.
	#[test]
	fn a_watch_only_wallet_sees_the_same_balance() {
		let bob = keys("bob");
		let watch = Keys::from_viewing_key(&bob.export_viewing_key()).unwrap();
		let mut chain = Chain::new();
		let (tx, note) = chain.tx(&bob, 70, [[3; 32], [4; 32]]);
		let (block, leaves) = chain.block(&[(tx, true)]);
		let (mut full, mut watching) = (State::new("g".into()), State::new("g".into()));
		full.start_tree(&Frontier::default());
		watching.start_tree(&Frontier::default());
		full.apply_block(&bob, &block, &leaves).unwrap();
		watching.apply_block(&watch, &block, &leaves).unwrap();
		assert_eq!(full, watching);
		let (spend, _) = chain.tx(&keys("eve"), 70, [nullifier(&bob, &note, 0), [0; 32]]);
		let (block, leaves) = chain.block(&[(spend, true)]);
		watching.apply_block(&watch, &block, &leaves).unwrap();
		assert!(watching.balances().is_empty());
	}
}
