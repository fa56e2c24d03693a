//! Incremental witnesses: a wallet's authentication paths to its own notes, kept current as the
//! note tree grows, so that it never asks a node for the path of the note it is about to spend
//! (which would tell the node's operator which note a coming spend uses).
//!
//! This is the model of Zcash's `incrementalmerkletree::IncrementalWitness`, for the 4-ary tree
//! of [`crate::merkle`]: a wallet follows the tree with a [`Frontier`]; when one of its notes is
//! appended it takes the note's path from the frontier ([`Witness::newest`]); for each later leaf
//! exactly one sibling of the note's path changes, at the height where the two leaves' ancestors
//! become siblings, and the new sibling is the node the frontier computed at that height while
//! inserting the leaf ([`Frontier::insert_nodes`], [`Witness::update`]).
//!
//! A wallet that starts in the middle of the chain (a birthday) builds its frontier from the
//! roots of the complete subtrees the chain stores and the leaves of the partial one
//! ([`Frontier::from_subtrees`]).

use bls12_381::Scalar;

use crate::merkle::{leaves_below, root_from_path, siblings, Frontier, Path, CAPACITY, DEPTH, SIBLINGS, ZERO_HASHES};

/// The authentication path of one leaf, kept current.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
	/// The leaf's index.
	pub index: u64,
	/// The leaf.
	pub leaf: Scalar,
	/// Its path to the root of the tree as the witness last saw it.
	pub path: Path,
}

impl Witness {
	/// The witness of the leaf `frontier` took last, which is `leaf` (`None` for an empty
	/// frontier). Left of the leaf's path are the frontier's nodes, right of it empty subtrees.
	pub fn newest(frontier: &Frontier, leaf: Scalar) -> Option<Witness> {
		let index = frontier.next_index.checked_sub(1)?;
		let mut path = [[Scalar::zero(); SIBLINGS]; DEPTH];
		for (height, (siblings_out, filled)) in path.iter_mut().zip(frontier.filled.iter()).enumerate() {
			let d = ((index >> (2 * height)) & 3) as usize;
			let zero = ZERO_HASHES.get(height).copied().unwrap_or(Scalar::zero());
			let group: [Scalar; 4] =
				core::array::from_fn(|j| if j < d { filled.get(j).copied().unwrap_or(zero) } else { zero });
			*siblings_out = siblings(&group, d);
		}
		Some(Witness { index, leaf, path })
	}

	/// Follow the insertion of leaf `index`, whose path's nodes after insertion are `nodes` (as
	/// [`Frontier::insert_nodes`] returns them). Leaves at or before the witnessed one change
	/// nothing.
	pub fn update(&mut self, index: u64, nodes: &[Scalar; DEPTH + 1]) {
		if index <= self.index || index >= CAPACITY {
			return;
		}
		// The lowest height whose ancestors differ but share a parent: `index` is right of ours
		// there, and its ancestor (the partial subtree it just grew) is the changed sibling.
		let Some(height) = (0..DEPTH).find(|h| (self.index >> (2 * (h + 1))) == (index >> (2 * (h + 1)))) else {
			return;
		};
		let ours = ((self.index >> (2 * height)) & 3) as usize;
		let theirs = ((index >> (2 * height)) & 3) as usize;
		// Siblings skip our own digit, and theirs is greater.
		debug_assert!(theirs > ours);
		if let (Some(slot), Some(node)) =
			(self.path.get_mut(height).and_then(|s| s.get_mut(theirs.saturating_sub(1))), nodes.get(height))
		{
			*slot = *node;
		}
	}

	/// The root the path leads to.
	pub fn root(&self) -> Scalar {
		root_from_path(&self.leaf, self.index, &self.path)
	}
}

impl Frontier {
	/// The frontier after `roots.len()` complete subtrees of height `height` whose roots are
	/// `roots`, followed by `leaves`: what inserting every leaf would give, without the leaves
	/// of the complete subtrees. A wallet that starts scanning in the middle of the chain builds
	/// its frontier this way from the subtree roots the chain stores.
	///
	/// Canonical (equal to the frontier of one-by-one insertion) when `leaves` is not empty or
	/// `roots` is; with complete subtrees and no leaf, the parts below `height` that no later
	/// insertion reads stay zero. `None` when the result would not fit in the tree or
	/// `height > DEPTH`.
	pub fn from_subtrees(roots: &[Scalar], height: usize, leaves: &[Scalar]) -> Option<Frontier> {
		if height > DEPTH {
			return None;
		}
		let width = leaves_below(height);
		let total = u64::try_from(roots.len())
			.ok()?
			.checked_mul(width)?
			.checked_add(u64::try_from(leaves.len()).ok()?)
			.filter(|total| *total <= CAPACITY)?;
		let mut frontier = Frontier::default();
		for root in roots {
			frontier.push(*root, height);
			frontier.next_index += width;
		}
		for leaf in leaves {
			frontier.insert(*leaf).ok()?;
		}
		debug_assert_eq!(frontier.next_index, total);
		Some(frontier)
	}
}


#[cfg(test)]
mod tests {
	use super::*;
	use crate::merkle::MerkleTree;
	use alloc::vec::Vec;

	fn leaf(i: u64) -> Scalar {
		Scalar::from(1000 + 7 * i)
	}

	/// Witnesses taken at every position and followed through later insertions equal the whole
	/// tree's paths after every step, across several subtree boundaries.
	#[test]
	fn witnesses_follow_the_tree() {
		let mut frontier = Frontier::default();
		let mut tree = MerkleTree::new();
		let mut witnesses: Vec<Witness> = Vec::new();
		for i in 0..90u64 {
			let (index, nodes) = frontier.insert_nodes(leaf(i)).unwrap();
			tree.append(leaf(i)).unwrap();
			for w in &mut witnesses {
				w.update(index, &nodes);
			}
			// Updating with an older leaf changes nothing.
			if let Some(first) = witnesses.first_mut() {
				let before = first.clone();
				first.update(0, &nodes);
				assert_eq!(*first, before);
			}
			if i % 3 == 0 || i == 63 || i == 64 {
				witnesses.push(Witness::newest(&frontier, leaf(i)).unwrap());
			}
			for w in &witnesses {
				assert_eq!(Some(w.path), tree.path(w.index), "leaf {} after {}", w.index, i);
				assert_eq!(w.root(), frontier.root);
			}
		}
		assert_eq!(Witness::newest(&Frontier::default(), leaf(0)), None);
	}

	/// A frontier built from subtree roots and the partial subtree's leaves equals the one built
	/// leaf by leaf, byte for byte, at every size.
	#[test]
	fn frontier_from_subtrees_equals_insertion() {
		const HEIGHT: usize = 2;
		let width = leaves_below(HEIGHT);
		let mut whole = Frontier::default();
		let mut roots = Vec::new();
		let leaves: Vec<Scalar> = (0..70u64).map(leaf).collect();
		for (i, l) in leaves.iter().enumerate() {
			let (index, nodes) = whole.insert_nodes(*l).unwrap();
			if (index + 1) % width == 0 {
				roots.push(nodes[HEIGHT]);
			}
			let n = i as u64 + 1;
			// The subtree holding the newest leaf is given by its leaves, the ones before by roots.
			let base = ((n - 1) / width) as usize;
			let start = base * width as usize;
			assert_eq!(Frontier::from_subtrees(&roots[..base], HEIGHT, &leaves[start..i + 1]), Some(whole.clone()), "{n}");
		}
		// Roots alone give the right root and continue correctly.
		let mut from_roots = Frontier::from_subtrees(&roots[..4], HEIGHT, &[]).unwrap();
		let mut reference = Frontier::default();
		for l in &leaves[..64] {
			reference.insert(*l).unwrap();
		}
		assert_eq!((from_roots.next_index, from_roots.root), (64, reference.root));
		from_roots.insert(leaves[64]).unwrap();
		reference.insert(leaves[64]).unwrap();
		assert_eq!(from_roots.root, reference.root);
		assert_eq!(Frontier::from_subtrees(&[], DEPTH + 1, &[]), None);
	}
}
