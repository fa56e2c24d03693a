//! The note-commitment tree: a depth-32 binary Merkle tree with Poseidon inner nodes.
//!
//! The runtime keeps only the *frontier* ([`Frontier`]): the last left-hand node seen at each
//! level, which is all an append-only tree needs to insert and to compute its root — 32 hashes
//! per insertion and `O(depth)` storage however many notes exist. Wallets keep whole trees
//! (`MerkleTree`, with the `prover` feature) to produce authentication paths.

use alloc::vec::Vec;
use bls12_381::Scalar;

use crate::hash::{empty_leaf, merkle_node};

/// Depth of the note tree: `2^32` leaves.
pub const DEPTH: usize = 32;

/// Leaves a tree can hold.
pub const CAPACITY: u64 = 1 << DEPTH;

/// `ZERO_HASHES[i]` is the root of an empty subtree of height `i`: `ZERO_HASHES[0]` is the empty
/// leaf, `ZERO_HASHES[i + 1] = node(ZERO_HASHES[i], ZERO_HASHES[i])`, and `ZERO_HASHES[DEPTH]` the
/// root of the empty tree. Computed at compile time.
#[allow(clippy::indexing_slicing)] // constant evaluation, loop-bounded
pub const ZERO_HASHES: [Scalar; DEPTH + 1] = {
	let mut zeros = [Scalar::zero(); DEPTH + 1];
	zeros[0] = empty_leaf();
	let mut i = 0;
	while i < DEPTH {
		zeros[i + 1] = merkle_node(&zeros[i], &zeros[i]);
		i += 1;
	}
	zeros
};

/// The empty subtrees below the root: the authentication path of any leaf of an empty tree.
#[allow(clippy::indexing_slicing)] // constant evaluation, loop-bounded
const ZERO_HASHES_BELOW_ROOT: [Scalar; DEPTH] = {
	let mut below = [Scalar::zero(); DEPTH];
	let mut i = 0;
	while i < DEPTH {
		below[i] = ZERO_HASHES[i];
		i += 1;
	}
	below
};

/// The tree is full: all [`CAPACITY`] leaves are used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeFull;

/// The append-only frontier of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frontier {
	/// Leaves inserted so far; the index the next leaf gets.
	pub next_index: u64,
	/// `filled[i]`: the most recent left-hand node at height `i` (meaningful once set).
	pub filled: [Scalar; DEPTH],
	/// The current root.
	pub root: Scalar,
}

impl Default for Frontier {
	fn default() -> Self {
		Frontier { next_index: 0, filled: [Scalar::zero(); DEPTH], root: ZERO_HASHES[DEPTH] }
	}
}

impl Frontier {
	/// Append a leaf; returns its index. The tree is unchanged when full.
	pub fn insert(&mut self, leaf: Scalar) -> Result<u64, TreeFull> {
		self.insert_tracking(leaf, DEPTH).map(|(index, _)| index)
	}

	/// Append a leaf; returns its index and the node at height `height` on its path (the leaf
	/// itself for 0, the root for [`DEPTH`]). When the leaf is the last of its height-`height`
	/// subtree, that node is the subtree's final root: the runtime stores those so that paths can
	/// be served without storing the whole tree (see [`path_via_subtrees`]).
	pub fn insert_tracking(&mut self, leaf: Scalar, height: usize) -> Result<(u64, Scalar), TreeFull> {
		let index = self.next_index;
		if index >= CAPACITY {
			return Err(TreeFull);
		}
		let mut node = leaf;
		let mut tracked = leaf;
		let mut position = index;
		for (level, (filled, zero)) in self.filled.iter_mut().zip(ZERO_HASHES.iter()).enumerate() {
			if level == height {
				tracked = node;
			}
			node = if position & 1 == 0 {
				*filled = node;
				merkle_node(&node, zero)
			} else {
				merkle_node(filled, &node)
			};
			position >>= 1;
		}
		if height >= DEPTH {
			tracked = node;
		}
		self.root = node;
		self.next_index = index + 1;
		Ok((index, tracked))
	}
}

impl Frontier {
	/// Append `leaves` at once, hashing each node of the tree they touch once: about
	/// `leaves.len() + DEPTH` hashes where one-by-one insertion takes `DEPTH` per leaf. The
	/// result is the frontier [`Frontier::insert`] would leave.
	///
	/// Returns the height-`height` subtrees the batch completed, as `(subtree index, root)` in
	/// order (the runtime stores them for [`path_via_subtrees`]). The tree is unchanged when the
	/// leaves do not fit.
	pub fn append_batch(&mut self, leaves: &[Scalar], height: usize) -> Result<Vec<(u64, Scalar)>, TreeFull> {
		let start = self.next_index;
		let end = u64::try_from(leaves.len())
			.ok()
			.and_then(|count| start.checked_add(count))
			.filter(|end| *end <= CAPACITY)
			.ok_or(TreeFull)?;
		let mut completed = Vec::new();
		if leaves.is_empty() {
			return Ok(completed);
		}
		// `level` holds the nodes of height `h` over the new leaves, the first at `first`.
		let mut level = leaves.to_vec();
		let mut first = start;
		for (h, (filled, zero)) in self.filled.iter_mut().zip(ZERO_HASHES.iter()).enumerate() {
			if h == height {
				// Node `p` of height `h` is complete once leaf `(p + 1)·2^h − 1` is in
				// (`p < 2^(DEPTH−h)`, so the shift stays within `CAPACITY`).
				completed.extend(
					(first..).zip(level.iter()).filter(|(p, _)| ((p + 1) << h) <= end).map(|(p, node)| (p, *node)),
				);
			}
			let mut parents = Vec::with_capacity(level.len() / 2 + 1);
			let mut rest = level.as_slice();
			if first & 1 == 1 {
				// The first node is a right child; its left sibling holds only older leaves and
				// is the frontier's node at this height.
				if let Some((right, tail)) = rest.split_first() {
					parents.push(merkle_node(filled, right));
					rest = tail;
				}
			}
			for pair in rest.chunks(2) {
				match pair {
					[left, right] => parents.push(merkle_node(left, right)),
					[left] | [left, ..] => parents.push(merkle_node(left, zero)),
					[] => {},
				}
			}
			// The frontier keeps the last left child of each height.
			let last = first + level.len() as u64 - 1;
			let last_left = last & !1;
			if last_left >= first {
				if let Some(node) = usize::try_from(last_left - first).ok().and_then(|i| level.get(i)) {
					*filled = *node;
				}
			}
			level = parents;
			first >>= 1;
		}
		if height >= DEPTH && end == CAPACITY {
			completed.extend(level.first().map(|root| (0, *root)));
		}
		if let Some(root) = level.first() {
			self.root = *root;
		}
		self.next_index = end;
		Ok(completed)
	}
}

/// One level up: hash the nodes of height `height` in pairs, padding an odd end with the empty
/// subtree.
fn parent_level(nodes: &[Scalar], height: usize) -> Vec<Scalar> {
	let zero = ZERO_HASHES.get(height).copied().unwrap_or(Scalar::zero());
	nodes
		.chunks(2)
		.map(|pair| match pair {
			[left, right] => merkle_node(left, right),
			[left] | [left, ..] => merkle_node(left, &zero),
			[] => zero,
		})
		.collect()
}

/// Fill `siblings[i]` with the sibling at height `base + i` of the node at `position` among
/// `nodes` (the leftmost nodes of height `base`; everything right of them is empty).
fn fill_siblings(nodes: &[Scalar], mut position: u64, base: usize, siblings: &mut [Scalar]) {
	let mut level = nodes.to_vec();
	for (offset, sibling) in siblings.iter_mut().enumerate() {
		let height = base + offset;
		let zero = ZERO_HASHES.get(height).copied().unwrap_or(Scalar::zero());
		*sibling = usize::try_from(position ^ 1).ok().and_then(|i| level.get(i)).copied().unwrap_or(zero);
		level = parent_level(&level, height);
		position >>= 1;
	}
}

/// The root of a subtree of height `levels` whose leftmost leaves (at height `base`) are
/// `nodes`, the rest empty.
pub fn subtree_root(nodes: &[Scalar], base: usize, levels: usize) -> Scalar {
	let mut level = nodes.to_vec();
	for height in base..base + levels {
		if level.is_empty() {
			return ZERO_HASHES.get(base + levels).copied().unwrap_or(Scalar::zero());
		}
		level = parent_level(&level, height);
	}
	level.first().copied().unwrap_or_else(|| ZERO_HASHES.get(base + levels).copied().unwrap_or(Scalar::zero()))
}

/// The authentication path of leaf `index`, from the leaves of its height-`height` subtree
/// (`subtree_leaves`, starting at the subtree's first leaf) and the roots of all height-`height`
/// subtrees from the first (`subtree_roots`; the last may be that of a partial subtree). Costs
/// `O(2^height + n / 2^height)` hashes for `n` leaves instead of `O(n)`.
///
/// `None` when the inputs cannot contain the leaf.
pub fn path_via_subtrees(
	index: u64,
	subtree_leaves: &[Scalar],
	subtree_roots: &[Scalar],
	height: usize,
) -> Option<[Scalar; DEPTH]> {
	if height > DEPTH {
		return None;
	}
	let within = index & ((1u64 << height) - 1);
	if within >= subtree_leaves.len() as u64 || (index >> height) >= subtree_roots.len() as u64 {
		return None;
	}
	let mut path = [Scalar::zero(); DEPTH];
	let (low, high) = path.split_at_mut(height);
	fill_siblings(subtree_leaves, within, 0, low);
	fill_siblings(subtree_roots, index >> height, height, high);
	Some(path)
}

/// The root reached from `leaf` at `index` with authentication `path` (siblings, leaf level
/// first).
pub fn root_from_path(leaf: &Scalar, index: u64, path: &[Scalar; DEPTH]) -> Scalar {
	let mut node = *leaf;
	for (height, sibling) in path.iter().enumerate() {
		// `height < DEPTH = 32`, so the shift is in range.
		node = if (index >> height) & 1 == 0 {
			merkle_node(&node, sibling)
		} else {
			merkle_node(sibling, &node)
		};
	}
	node
}

/// A whole append-only tree, for wallets and tests: every non-empty node is kept, so that any
/// leaf's authentication path can be read in `O(depth)`.
#[derive(Clone, Debug, Default)]
pub struct MerkleTree {
	/// `levels[h][k]`: node `k` at height `h` (leaves at height 0), for the nodes that have a
	/// non-empty subtree.
	levels: Vec<Vec<Scalar>>,
}

impl MerkleTree {
	/// An empty tree.
	pub fn new() -> Self {
		MerkleTree { levels: (0..=DEPTH).map(|_| Vec::new()).collect() }
	}

	/// Leaves appended so far.
	pub fn len(&self) -> u64 {
		self.levels.first().map_or(0, |leaves| leaves.len() as u64)
	}

	/// Whether no leaf was appended.
	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}

	/// The leaf at `index`.
	pub fn leaf(&self, index: u64) -> Option<Scalar> {
		self.levels.first()?.get(usize::try_from(index).ok()?).copied()
	}

	/// Append a leaf; returns its index.
	pub fn append(&mut self, leaf: Scalar) -> Result<u64, TreeFull> {
		let index = self.len();
		if index >= CAPACITY {
			return Err(TreeFull);
		}
		if self.levels.len() != DEPTH + 1 {
			*self = MerkleTree::new();
		}
		let mut node = leaf;
		let mut position = index as usize;
		for (height, level) in self.levels.iter_mut().enumerate() {
			match level.get_mut(position) {
				Some(slot) => *slot = node,
				None => level.push(node),
			}
			let Some(zero) = ZERO_HASHES.get(height).filter(|_| height < DEPTH) else { break };
			let sibling = level.get(position ^ 1).copied().unwrap_or(*zero);
			node = if position & 1 == 0 { merkle_node(&node, &sibling) } else { merkle_node(&sibling, &node) };
			position >>= 1;
		}
		Ok(index)
	}

	/// The current root.
	pub fn root(&self) -> Scalar {
		self.levels.get(DEPTH).and_then(|top| top.first()).copied().unwrap_or(ZERO_HASHES[DEPTH])
	}

	/// The authentication path of leaf `index` (siblings from the leaf level up).
	pub fn path(&self, index: u64) -> Option<[Scalar; DEPTH]> {
		if index >= self.len() {
			return None;
		}
		let mut path = ZERO_HASHES_BELOW_ROOT;
		for (height, (sibling, level)) in path.iter_mut().zip(&self.levels).enumerate() {
			if let Some(node) = level.get(((index >> height) ^ 1) as usize) {
				*sibling = *node;
			}
		}
		Some(path)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn empty_tree_root_is_the_top_zero_hash() {
		assert_eq!(Frontier::default().root, ZERO_HASHES[DEPTH]);
		// Recompute at run time: the compile-time table is the same function.
		let mut z = empty_leaf();
		for expected in ZERO_HASHES.iter().skip(1) {
			z = merkle_node(&z, &z);
			assert_eq!(z, *expected);
		}
	}

	#[test]
	fn frontier_root_matches_paths() {
		let mut frontier = Frontier::default();
		let leaves: [Scalar; 5] = [3u64, 1, 4, 1, 5].map(Scalar::from);
		for (i, leaf) in leaves.iter().enumerate() {
			assert_eq!(frontier.insert(*leaf), Ok(i as u64));
		}
		// Build the path of leaf 2 by hand: siblings are leaf 3, node(0,1), node(node(4,Z),Z1), …
		let level1_right = merkle_node(&leaves[0], &leaves[1]);
		let level1_4 = merkle_node(&leaves[4], &ZERO_HASHES[0]);
		let level2_right = merkle_node(&level1_4, &ZERO_HASHES[1]);
		let mut path = ZERO_HASHES[..DEPTH].try_into().unwrap();
		let path: &mut [Scalar; DEPTH] = &mut path;
		path[0] = leaves[3];
		path[1] = level1_right;
		path[2] = level2_right;
		assert_eq!(root_from_path(&leaves[2], 2, path), frontier.root);
	}

	#[test]
	fn whole_tree_agrees_with_frontier_and_paths() {
		let mut frontier = Frontier::default();
		let mut tree = MerkleTree::new();
		assert_eq!(tree.root(), frontier.root);
		for i in 0..37u64 {
			let leaf = Scalar::from(1000 + i);
			assert_eq!(tree.append(leaf), frontier.insert(leaf));
			assert_eq!(tree.root(), frontier.root);
		}
		for i in [0u64, 1, 16, 35, 36] {
			let path = tree.path(i).unwrap();
			assert_eq!(root_from_path(&tree.leaf(i).unwrap(), i, &path), tree.root());
			// A path does not authenticate another leaf or another position.
			assert_ne!(root_from_path(&Scalar::from(7u64), i, &path), tree.root());
			assert_ne!(root_from_path(&tree.leaf(i).unwrap(), i ^ 1, &path), tree.root());
		}
		assert_eq!(tree.path(37), None);
	}

	#[test]
	fn paths_via_subtrees_match_the_whole_tree() {
		const HEIGHT: usize = 3;
		let mut frontier = Frontier::default();
		let mut tree = MerkleTree::new();
		let mut completed_roots = Vec::new();
		let leaves: Vec<Scalar> = (0..21u64).map(|i| Scalar::from(77 + i)).collect();
		for leaf in &leaves {
			let (index, node) = frontier.insert_tracking(*leaf, HEIGHT).unwrap();
			tree.append(*leaf).unwrap();
			if (index + 1) % (1 << HEIGHT) == 0 {
				completed_roots.push(node);
			}
		}
		assert_eq!(frontier.root, tree.root());
		// The roots the runtime would hold: completed subtrees, then the partial last one.
		let mut roots = completed_roots.clone();
		let partial_start = roots.len() << HEIGHT;
		roots.push(subtree_root(&leaves[partial_start..], 0, HEIGHT));
		for index in [0u64, 7, 8, 15, 16, 20] {
			let start = ((index >> HEIGHT) << HEIGHT) as usize;
			let end = (start + (1 << HEIGHT)).min(leaves.len());
			let path = path_via_subtrees(index, &leaves[start..end], &roots, HEIGHT).unwrap();
			assert_eq!(Some(path), tree.path(index), "leaf {index}");
		}
		assert_eq!(path_via_subtrees(21, &leaves[16..], &roots, HEIGHT), None);
		// Tracking the root gives the root; tracking height 0 gives the leaf.
		let mut f = Frontier::default();
		assert_eq!(f.insert_tracking(Scalar::one(), DEPTH).unwrap().1, f.root);
		assert_eq!(f.insert_tracking(Scalar::from(2u64), 0).unwrap().1, Scalar::from(2u64));
	}

	/// Batches of every size from every starting point give the frontier and the completed
	/// subtrees that one-by-one insertion gives.
	#[test]
	fn append_batch_equals_one_by_one_insertion() {
		const HEIGHT: usize = 2;
		let leaf = |i: u64| Scalar::from(5000 + i);
		for start in 0..11u64 {
			for count in 0..13u64 {
				let mut single = Frontier::default();
				for i in 0..start {
					single.insert(leaf(i)).unwrap();
				}
				let mut batched = single.clone();
				let mut expected = Vec::new();
				for i in start..start + count {
					let (index, node) = single.insert_tracking(leaf(i), HEIGHT).unwrap();
					if (index + 1) % (1 << HEIGHT) == 0 {
						expected.push((index >> HEIGHT, node));
					}
				}
				let leaves: Vec<Scalar> = (start..start + count).map(leaf).collect();
				assert_eq!(batched.append_batch(&leaves, HEIGHT), Ok(expected), "start {start}, count {count}");
				assert_eq!(batched, single, "start {start}, count {count}");
			}
		}
	}

	#[test]
	fn append_batch_into_a_nearly_full_tree() {
		let mut frontier = Frontier { next_index: CAPACITY - 2, ..Default::default() };
		let before = frontier.clone();
		assert_eq!(frontier.append_batch(&[Scalar::one(); 3], 0), Err(TreeFull));
		assert_eq!(frontier, before);
		let mut single = frontier.clone();
		single.insert(Scalar::one()).unwrap();
		single.insert(Scalar::from(2u64)).unwrap();
		let completed = frontier.append_batch(&[Scalar::one(), Scalar::from(2u64)], DEPTH).unwrap();
		assert_eq!(frontier, single);
		assert_eq!(completed, vec![(0, single.root)]);
	}

	#[test]
	fn full_tree_is_rejected_without_change() {
		let mut frontier = Frontier { next_index: CAPACITY, ..Default::default() };
		let before = frontier.clone();
		assert_eq!(frontier.insert(Scalar::one()), Err(TreeFull));
		assert_eq!(frontier, before);
	}
}
