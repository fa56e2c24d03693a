//! The note-commitment tree: a 4-ary Merkle tree of depth 16 (`2^32` leaves) whose inner nodes
//! are the width-5 Poseidon hash of their four children.
//!
//! Why 4-ary: in the circuit a level costs one width-5 Poseidon (300 constraints) and three
//! conditional swaps, where the binary tree of the same capacity took two levels of a width-3
//! Poseidon (2 × 244). Both paths of a transfer drop from 15 616 to 9 696 constraints, which
//! puts the whole statement under 2^14 and halves the prover's FFTs; in the runtime a block's
//! insertion hashes about a third as many nodes.
//!
//! An **authentication path** ([`Path`]) holds, per level from the leaves up, the three siblings
//! of the node on the path, left to right (the node's own position, its *digit*, is the index's
//! two bits of that level).
//!
//! The runtime keeps only the *frontier* ([`Frontier`]): per level, the nodes left of the newest
//! node in its group of four, which is all an append-only tree needs to insert and to compute its
//! root, in `O(depth)` storage however many notes exist. Wallets keep whole trees
//! ([`MerkleTree`]) to produce authentication paths.

use alloc::vec::Vec;
use bls12_381::Scalar;

use crate::hash::{empty_leaf, merkle_node};

/// Children per inner node.
pub const ARITY: usize = 4;

/// Siblings per level of an authentication path.
pub const SIBLINGS: usize = ARITY - 1;

/// Depth of the note tree: `4^16 = 2^32` leaves.
pub const DEPTH: usize = 16;

/// Bits of a leaf index: two per level.
pub const INDEX_BITS: usize = 2 * DEPTH;

/// Leaves a tree can hold.
pub const CAPACITY: u64 = 1 << INDEX_BITS;

/// An authentication path: per level, leaf level first, the node's three siblings left to right.
pub type Path = [[Scalar; SIBLINGS]; DEPTH];

/// Leaves under a node of height `height` (`4^height`; `height ≤ DEPTH`).
pub const fn leaves_below(height: usize) -> u64 {
	1 << (2 * height)
}

/// `ZERO_HASHES[i]` is the root of an empty subtree of height `i`: `ZERO_HASHES[0]` is the empty
/// leaf, `ZERO_HASHES[i + 1] = node(ZERO_HASHES[i] × 4)`, and `ZERO_HASHES[DEPTH]` the root of the
/// empty tree. Computed at compile time.
#[allow(clippy::indexing_slicing)] // constant evaluation, loop-bounded
pub const ZERO_HASHES: [Scalar; DEPTH + 1] = {
	let mut zeros = [Scalar::zero(); DEPTH + 1];
	zeros[0] = empty_leaf();
	let mut i = 0;
	while i < DEPTH {
		let z = zeros[i];
		zeros[i + 1] = merkle_node(&[z, z, z, z]);
		i += 1;
	}
	zeros
};

/// The empty subtree of `height` (the empty tree's root above [`DEPTH`]).
fn zero(height: usize) -> Scalar {
	ZERO_HASHES.get(height.min(DEPTH)).copied().unwrap_or(Scalar::zero())
}

/// The authentication path of any leaf of an empty tree.
fn empty_path() -> Path {
	core::array::from_fn(|height| [zero(height); SIBLINGS])
}

/// The digit (position among its group of four) of the node at `position` of its level.
fn digit(position: u64) -> usize {
	(position & 3) as usize
}

/// The four children of a node: `node` at `digit`, the siblings around it in order.
pub fn children(node: Scalar, digit: usize, siblings: &[Scalar; SIBLINGS]) -> [Scalar; ARITY] {
	let mut rest = siblings.iter();
	core::array::from_fn(|j| if j == digit { node } else { rest.next().copied().unwrap_or(Scalar::zero()) })
}

/// The three siblings of the child at `digit` among `children`, left to right.
pub fn siblings(children: &[Scalar; ARITY], digit: usize) -> [Scalar; SIBLINGS] {
	let mut rest = children.iter().enumerate().filter(|(j, _)| *j != digit).map(|(_, c)| *c);
	core::array::from_fn(|_| rest.next().unwrap_or(Scalar::zero()))
}

/// The tree is full: all [`CAPACITY`] leaves are used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeFull;

/// The append-only frontier of the tree.
///
/// `filled[h]` is canonical: for the newest node of height `h`, at digit `d` of its group,
/// `filled[h][j]` is the group's node at digit `j` for `j ≤ min(d, 2)` and zero above `d`; all
/// zero in an empty tree. One-by-one and batched insertion leave the same bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frontier {
	/// Leaves inserted so far; the index the next leaf gets.
	pub next_index: u64,
	/// Per height, the newest group's nodes (see above).
	pub filled: [[Scalar; SIBLINGS]; DEPTH],
	/// The current root.
	pub root: Scalar,
}

impl Default for Frontier {
	fn default() -> Self {
		Frontier { next_index: 0, filled: [[Scalar::zero(); SIBLINGS]; DEPTH], root: ZERO_HASHES[DEPTH] }
	}
}

impl Frontier {
	/// Append a leaf; returns its index. The tree is unchanged when full.
	pub fn insert(&mut self, leaf: Scalar) -> Result<u64, TreeFull> {
		self.insert_nodes(leaf).map(|(index, _)| index)
	}

	/// Append a leaf; returns its index and the nodes on its path after the insertion, by height:
	/// the leaf itself at 0, the root at [`DEPTH`], each with the subtrees right of the leaf
	/// empty. When the leaf is the last of its height-`h` subtree, node `h` is that subtree's
	/// final root (the runtime stores those, see [`path_via_subtrees`]); wallets update their
	/// witnesses from these nodes ([`crate::witness::Witness::update`]).
	pub fn insert_nodes(&mut self, leaf: Scalar) -> Result<(u64, [Scalar; DEPTH + 1]), TreeFull> {
		let index = self.next_index;
		if index >= CAPACITY {
			return Err(TreeFull);
		}
		let nodes = self.push(leaf, 0);
		self.next_index = index + 1;
		Ok((index, nodes))
	}

	/// Put `node`, of height `height`, at the next position of that height, updating the
	/// frontier from that height up and the root (not `next_index`). Returns the nodes on its
	/// path (`node` itself below `height`).
	pub(crate) fn push(&mut self, node: Scalar, height: usize) -> [Scalar; DEPTH + 1] {
		let mut nodes = [node; DEPTH + 1];
		let mut node = node;
		let mut position = self.next_index >> (2 * height.min(DEPTH));
		for (level, filled) in self.filled.iter_mut().enumerate().skip(height) {
			let d = digit(position);
			// Left of the node: this group's older nodes; right of it: nothing yet.
			let mut group = [zero(level); ARITY];
			for (slot, older) in group.iter_mut().zip(filled.iter()).take(d) {
				*slot = *older;
			}
			if let Some(slot) = group.get_mut(d) {
				*slot = node;
			}
			if d == 0 {
				*filled = [node, Scalar::zero(), Scalar::zero()];
			} else if let Some(slot) = filled.get_mut(d) {
				*slot = node;
			}
			node = merkle_node(&group);
			if let Some(slot) = nodes.get_mut(level + 1) {
				*slot = node;
			}
			position >>= 2;
		}
		self.root = node;
		nodes
	}
}

impl Frontier {
	/// Append `leaves` at once, hashing each node of the tree they touch once: about
	/// `leaves.len() / 3 + DEPTH` hashes where one-by-one insertion takes `DEPTH` per leaf. The
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
		for (h, filled) in self.filled.iter_mut().enumerate() {
			if h == height {
				// Node `p` of height `h` is complete once leaf `(p + 1)·4^h − 1` is in
				// (`p < 4^(DEPTH−h)`, so the product stays within `CAPACITY`).
				completed.extend(
					(first..)
						.zip(level.iter())
						.filter(|(p, _)| (p + 1).saturating_mul(leaves_below(h)) <= end)
						.map(|(p, node)| (p, *node)),
				);
			}
			let last = first + level.len() as u64 - 1;
			// The node at `position` of this height: new, in the frontier (older, same group as
			// `first`), or empty.
			let at = |position: u64, filled: &[Scalar; SIBLINGS]| -> Scalar {
				if position >= first {
					usize::try_from(position - first).ok().and_then(|i| level.get(i)).copied().unwrap_or(zero(h))
				} else {
					filled.get(digit(position)).copied().unwrap_or(zero(h))
				}
			};
			let parents: Vec<Scalar> = (first >> 2..=last >> 2)
				.map(|group| {
					let base = group << 2;
					merkle_node(&core::array::from_fn(|j| {
						let position = base + j as u64;
						if position > last {
							zero(h)
						} else {
							at(position, filled)
						}
					}))
				})
				.collect();
			// The frontier keeps the newest group, up to its newest node, zero above it.
			let (base, d) = (last & !3, digit(last));
			*filled = core::array::from_fn(|j| if j > d { Scalar::zero() } else { at(base + j as u64, filled) });
			level = parents;
			first >>= 2;
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

/// One level up: hash the nodes of height `height` in groups of four, padding the last group
/// with empty subtrees.
fn parent_level(nodes: &[Scalar], height: usize) -> Vec<Scalar> {
	nodes
		.chunks(ARITY)
		.map(|group| {
			let mut children = [zero(height); ARITY];
			for (slot, node) in children.iter_mut().zip(group) {
				*slot = *node;
			}
			merkle_node(&children)
		})
		.collect()
}

/// The node at `position` among `nodes` of height `height` (empty past their end).
fn node_at(nodes: &[Scalar], position: u64, height: usize) -> Scalar {
	usize::try_from(position).ok().and_then(|i| nodes.get(i)).copied().unwrap_or(zero(height))
}

/// The siblings of the node at `position` among `nodes` (of height `height`).
fn siblings_at(nodes: &[Scalar], position: u64, height: usize) -> [Scalar; SIBLINGS] {
	let base = position & !3;
	siblings(&core::array::from_fn(|j| node_at(nodes, base + j as u64, height)), digit(position))
}

/// Fill `path[i]` with the siblings at height `base + i` of the node at `position` among
/// `nodes` (the leftmost nodes of height `base`; everything right of them is empty).
fn fill_siblings(nodes: &[Scalar], mut position: u64, base: usize, path: &mut [[Scalar; SIBLINGS]]) {
	let mut level = nodes.to_vec();
	for (offset, siblings) in path.iter_mut().enumerate() {
		let height = base + offset;
		*siblings = siblings_at(&level, position, height);
		level = parent_level(&level, height);
		position >>= 2;
	}
}

/// The root of a subtree of height `levels` whose leftmost leaves (at height `base`) are
/// `nodes`, the rest empty.
pub fn subtree_root(nodes: &[Scalar], base: usize, levels: usize) -> Scalar {
	let mut level = nodes.to_vec();
	for height in base..base + levels {
		if level.is_empty() {
			break;
		}
		level = parent_level(&level, height);
	}
	level.first().copied().unwrap_or_else(|| zero(base + levels))
}

/// The authentication path of leaf `index`, from the leaves of its height-`height` subtree
/// (`subtree_leaves`, starting at the subtree's first leaf) and the roots of all height-`height`
/// subtrees from the first (`subtree_roots`; the last may be that of a partial subtree). Costs
/// `O(4^height + n / 4^height)` hashes for `n` leaves instead of `O(n)`.
///
/// `None` when the inputs cannot contain the leaf.
pub fn path_via_subtrees(
	index: u64,
	subtree_leaves: &[Scalar],
	subtree_roots: &[Scalar],
	height: usize,
) -> Option<Path> {
	if height > DEPTH {
		return None;
	}
	let width = leaves_below(height);
	let within = index % width;
	if within >= subtree_leaves.len() as u64 || index / width >= subtree_roots.len() as u64 {
		return None;
	}
	let mut path = empty_path();
	let (low, high) = path.split_at_mut(height);
	fill_siblings(subtree_leaves, within, 0, low);
	fill_siblings(subtree_roots, index / width, height, high);
	Some(path)
}

/// The root reached from `leaf` at `index` with authentication `path`.
pub fn root_from_path(leaf: &Scalar, index: u64, path: &Path) -> Scalar {
	let mut node = *leaf;
	let mut position = index;
	for siblings in path {
		node = merkle_node(&children(node, digit(position), siblings));
		position >>= 2;
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
		let mut position = index;
		for (height, level) in self.levels.iter_mut().enumerate() {
			let Ok(slot) = usize::try_from(position) else { break };
			match level.get_mut(slot) {
				Some(old) => *old = node,
				None => level.push(node),
			}
			if height >= DEPTH {
				break;
			}
			let base = position & !3;
			node = merkle_node(&core::array::from_fn(|j| node_at(level, base + j as u64, height)));
			position >>= 2;
		}
		Ok(index)
	}

	/// The current root.
	pub fn root(&self) -> Scalar {
		self.levels.get(DEPTH).and_then(|top| top.first()).copied().unwrap_or(ZERO_HASHES[DEPTH])
	}

	/// The authentication path of leaf `index`.
	pub fn path(&self, index: u64) -> Option<Path> {
		if index >= self.len() {
			return None;
		}
		let mut path = empty_path();
		for (height, (siblings, level)) in path.iter_mut().zip(&self.levels).enumerate() {
			*siblings = siblings_at(level, index >> (2 * height), height);
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
			z = merkle_node(&[z, z, z, z]);
			assert_eq!(z, *expected);
		}
		assert_eq!(CAPACITY, 1 << 32);
	}

	#[test]
	fn children_and_siblings_are_inverse() {
		let group: [Scalar; ARITY] = [11u64, 12, 13, 14].map(Scalar::from);
		for d in 0..ARITY {
			assert_eq!(children(group[d], d, &siblings(&group, d)), group);
		}
		assert_eq!(siblings(&group, 2), [group[0], group[1], group[3]]);
	}

	#[test]
	fn frontier_root_matches_a_hand_built_path() {
		let mut frontier = Frontier::default();
		let leaves: [Scalar; 6] = [3u64, 1, 4, 1, 5, 9].map(Scalar::from);
		for (i, leaf) in leaves.iter().enumerate() {
			assert_eq!(frontier.insert(*leaf), Ok(i as u64));
		}
		// Leaf 5 is at digit 1 of group 1; its parent is at digit 1 of the level-1 group 0.
		let z = ZERO_HASHES;
		let group0 = merkle_node(&[leaves[0], leaves[1], leaves[2], leaves[3]]);
		let mut path = empty_path();
		path[0] = [leaves[4], z[0], z[0]];
		path[1] = [group0, z[1], z[1]];
		assert_eq!(root_from_path(&leaves[5], 5, &path), frontier.root);
		// By hand all the way: the root is the level-1 nodes hashed up through empty subtrees.
		let mut node = merkle_node(&[group0, merkle_node(&[leaves[4], leaves[5], z[0], z[0]]), z[1], z[1]]);
		for zero in z.iter().take(DEPTH).skip(2) {
			node = merkle_node(&[node, *zero, *zero, *zero]);
		}
		assert_eq!(node, frontier.root);
	}

	#[test]
	fn whole_tree_agrees_with_frontier_and_paths() {
		let mut frontier = Frontier::default();
		let mut tree = MerkleTree::new();
		assert_eq!(tree.root(), frontier.root);
		for i in 0..70u64 {
			let leaf = Scalar::from(1000 + i);
			assert_eq!(tree.append(leaf), frontier.insert(leaf));
			assert_eq!(tree.root(), frontier.root);
		}
		for i in [0u64, 1, 3, 4, 15, 16, 63, 64, 69] {
			let path = tree.path(i).unwrap();
			assert_eq!(root_from_path(&tree.leaf(i).unwrap(), i, &path), tree.root());
			// A path does not authenticate another leaf or another position.
			assert_ne!(root_from_path(&Scalar::from(7u64), i, &path), tree.root());
			assert_ne!(root_from_path(&tree.leaf(i).unwrap(), i ^ 1, &path), tree.root());
			assert_ne!(root_from_path(&tree.leaf(i).unwrap(), i ^ 2, &path), tree.root());
		}
		assert_eq!(tree.path(70), None);
	}

	#[test]
	fn paths_via_subtrees_match_the_whole_tree() {
		const HEIGHT: usize = 2;
		let width = leaves_below(HEIGHT);
		let mut frontier = Frontier::default();
		let mut tree = MerkleTree::new();
		let mut completed_roots = Vec::new();
		let leaves: Vec<Scalar> = (0..45u64).map(|i| Scalar::from(77 + i)).collect();
		for leaf in &leaves {
			let (index, nodes) = frontier.insert_nodes(*leaf).unwrap();
			let node = nodes[HEIGHT];
			tree.append(*leaf).unwrap();
			if (index + 1) % width == 0 {
				completed_roots.push(node);
			}
		}
		assert_eq!(frontier.root, tree.root());
		// The roots the runtime would hold: completed subtrees, then the partial last one.
		let mut roots = completed_roots.clone();
		let partial_start = roots.len() * width as usize;
		roots.push(subtree_root(&leaves[partial_start..], 0, HEIGHT));
		for index in [0u64, 15, 16, 31, 32, 40, 44] {
			let start = (index - index % width) as usize;
			let end = (start + width as usize).min(leaves.len());
			let path = path_via_subtrees(index, &leaves[start..end], &roots, HEIGHT).unwrap();
			assert_eq!(Some(path), tree.path(index), "leaf {index}");
		}
		assert_eq!(path_via_subtrees(45, &leaves[32..], &roots, HEIGHT), None);
		// The path's nodes run from the leaf to the root, and agree with the whole tree's.
		let mut f = Frontier::default();
		let (_, nodes) = f.insert_nodes(Scalar::from(2u64)).unwrap();
		assert_eq!((nodes[0], nodes[DEPTH]), (Scalar::from(2u64), f.root));
		assert_eq!(nodes[1], subtree_root(&[Scalar::from(2u64)], 0, 1));
	}

	/// Batches of every size from every starting point give the frontier (byte for byte) and
	/// the completed subtrees that one-by-one insertion gives.
	#[test]
	fn append_batch_equals_one_by_one_insertion() {
		const HEIGHT: usize = 1;
		let leaf = |i: u64| Scalar::from(5000 + i);
		for start in 0..22u64 {
			for count in 0..23u64 {
				let mut single = Frontier::default();
				for i in 0..start {
					single.insert(leaf(i)).unwrap();
				}
				let mut batched = single.clone();
				let mut expected = Vec::new();
				for i in start..start + count {
					let (index, nodes) = single.insert_nodes(leaf(i)).unwrap();
					let node = nodes[HEIGHT];
					if (index + 1) % leaves_below(HEIGHT) == 0 {
						expected.push((index / leaves_below(HEIGHT), node));
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
