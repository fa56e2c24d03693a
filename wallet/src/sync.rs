//! Syncing a wallet from what an ordinary node keeps: finalized headers and bodies, and the
//! current state. No historical state is read, so a wallet offline for days, or restored from its
//! mnemonic with an old birthday, syncs against a node that prunes state after 256 blocks.
//!
//! The scan goes in windows of [`WINDOW`] blocks: their hashes in one request, their headers
//! with [`IN_FLIGHT`] requests in flight; the blocks whose header carries a notes digest (and
//! only those) have their bodies fetched, [`BODIES`] at a time, which bounds memory whatever the
//! blocks hold; the leaves those blocks added come from the runtime API in aligned chunks of
//! [`CHUNK`] leaves, so that every request names a range any wallet scanning these blocks would
//! name, never a note of this one. The state is saved after every window, so an interrupted
//! sync resumes where it was.

use futures::{stream, StreamExt, TryStreamExt};
use subxt::utils::H256;
use zk_verifier::{merkle::Frontier, Scalar};

use crate::{
	chain::Chain,
	compact::{pool_txs, CompactBlock, NotesDigest},
	error::WalletError,
	keys::Keys,
	pending::Pending,
	store::{Rewound, State, Tip},
};

/// Blocks per window (one request for their hashes; the state is saved after each).
pub const WINDOW: u64 = 1024;

/// Header requests in flight.
pub const IN_FLIGHT: usize = 64;

/// Bodies fetched and held at once.
pub const BODIES: usize = 32;

/// Leaves per runtime-API request, aligned: `pallet_shielded_pool::SUBTREE_HEIGHT`'s 1024, so
/// that a wallet's first request (its frontier's partial subtree) is one of these chunks too.
pub const CHUNK: u64 = 1024;

/// The height of the subtrees whose roots the chain stores (1024 leaves).
const SUBTREE_HEIGHT: usize = 5;

/// What a scan found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
	/// First block scanned.
	pub from: u64,
	/// Last block scanned (the finalized head).
	pub to: u64,
	/// Blocks with notes among them (whose bodies were fetched).
	pub with_notes: u64,
	/// Notes found.
	pub received: usize,
	/// Own notes seen spent.
	pub spent: usize,
	/// Set when the node no longer had the last block the wallet scanned, so the wallet
	/// rewound to its birthday before this scan ([`State::rewind`]).
	pub rewound: Option<Rewound>,
}

fn scalars(bytes: &[[u8; 32]]) -> Result<Vec<Scalar>, WalletError> {
	bytes
		.iter()
		.map(|b| Option::from(Scalar::from_bytes(b)).ok_or_else(|| WalletError::Node("a non-canonical leaf".into())))
		.collect()
}

/// Leaves `start..end` of the tree in the state of block `at` (the finalized head if `None`),
/// fetched in aligned chunks of [`CHUNK`], [`IN_FLIGHT`] at a time; an error if the tree does
/// not hold them all.
pub async fn leaves(chain: &Chain, at: Option<H256>, start: u64, end: u64) -> Result<Vec<[u8; 32]>, WalletError> {
	if end <= start {
		return Ok(Vec::new());
	}
	let first_chunk = start / CHUNK;
	let chunks: Vec<Vec<[u8; 32]>> = stream::iter(first_chunk..=(end - 1) / CHUNK)
		.map(|k| chain.leaves(at, k * CHUNK, CHUNK as u32))
		.buffered(IN_FLIGHT)
		.try_collect()
		.await?;
	let all: Vec<[u8; 32]> = chunks.into_iter().flatten().collect();
	let from = usize::try_from(start - first_chunk * CHUNK).map_err(|_| WalletError::Node("leaf range".into()))?;
	let to = usize::try_from(end - first_chunk * CHUNK).map_err(|_| WalletError::Node("leaf range".into()))?;
	all.get(from..to)
		.map(<[_]>::to_vec)
		.ok_or_else(|| WalletError::Node(format!("the node's tree does not hold leaves {start}..{end}")))
}

/// The tree's frontier after its first `position` leaves, from the roots of the complete
/// subtrees before it and the leaves of the one it ends in (at most [`CHUNK`] of them), read in
/// the state of block `at` (the finalized head if `None`).
pub async fn frontier_at(chain: &Chain, at: Option<H256>, position: u64) -> Result<Frontier, WalletError> {
	if position == 0 {
		return Ok(Frontier::default());
	}
	// The subtree holding the last leaf before `position` is given by leaves, so that the
	// frontier is canonical.
	let base = (position - 1) / CHUNK;
	let mut roots = Vec::new();
	while (roots.len() as u64) < base {
		let want = u32::try_from(base - roots.len() as u64).unwrap_or(u32::MAX);
		let page = chain.subtree_roots(at, roots.len() as u64, want).await?;
		if page.is_empty() {
			return Err(WalletError::Node(format!("the node has {} of {base} subtree roots", roots.len())));
		}
		roots.extend(page);
	}
	let partial = leaves(chain, at, base * CHUNK, position).await?;
	Frontier::from_subtrees(&scalars(&roots)?, SUBTREE_HEIGHT, &scalars(&partial)?)
		.ok_or_else(|| WalletError::Node("a note tree past its capacity".into()))
}

/// Whether the node still has the block the wallet scanned last, with the hash it had; if
/// not, the state is rewound to its birthday (nothing it found can be trusted on this chain, and
/// the history of its own transactions is dropped with it: they happened on the other chain).
pub async fn check_continuity(chain: &Chain, state: &mut State) -> Result<Option<Rewound>, WalletError> {
	let Some(tip) = state.tip.clone() else { return Ok(None) };
	let found = chain.block_hash(tip.number).await?.map(|h| hex::encode(h.0));
	if found.as_deref() == Some(tip.hash.as_str()) {
		return Ok(None);
	}
	let rewound = state.rewind(false);
	tracing::warn!(
		target: "zksettle::sync",
		block = tip.number,
		scanned = %tip.hash,
		now = found.as_deref().unwrap_or("none"),
		birthday = rewound.to,
		notes = rewound.notes,
		"the node's chain is not the one this wallet scanned (a restarted chain with the same genesis): rescanning from the birthday"
	);
	Ok(Some(rewound))
}

/// Scan blocks `state.next_block..=head` into `state`. `progress(done, total)` (blocks of this
/// run) at the start and after each window, when `save(state)` is called too. The tree's leaves
/// are read in the state of block `at`: `None` for the finalized head, which `head` is when
/// syncing; a best block's hash when scanning ahead of finality ([`pending`]).
pub async fn sync(
	chain: &Chain,
	keys: &Keys,
	state: &mut State,
	(head, at): (u64, Option<H256>),
	mut progress: impl FnMut(u64, u64),
	mut save: impl FnMut(&State) -> Result<(), WalletError>,
) -> Result<SyncReport, WalletError> {
	let mut report = SyncReport { from: state.next_block, to: head, ..Default::default() };
	// Bodies decode against the metadata of the finalized head: shielded calls keep their
	// encoding across runtime versions (a change would be a new call).
	let metadata_at = chain.client().at_current_block().await.map_err(|e| WalletError::Node(e.to_string()))?;
	let total = head.saturating_add(1).saturating_sub(report.from);
	tracing::info!(target: "zksettle::sync", from = report.from, head, "scanning");
	progress(0, total);
	while state.next_block <= head {
		let from = state.next_block;
		let to = head.min(from.saturating_add(WINDOW - 1));
		let numbers: Vec<u64> = (from..=to).collect();
		let hashes = chain.block_hashes(&numbers).await?;
		let headers: Vec<_> = stream::iter(hashes.iter().copied())
			.map(|hash| async move { chain.header(hash).await.map(|h| (hash, h)) })
			.buffered(IN_FLIGHT)
			.try_collect()
			.await?;
		let mut with_notes = Vec::new();
		for (hash, header) in &headers {
			if let Some(digest) = NotesDigest::from_header(header)? {
				with_notes.push((header.number, *hash, digest));
			}
		}
		report.with_notes += with_notes.len() as u64;
		for group in with_notes.chunks(BODIES) {
			let bodies: Vec<Vec<Vec<u8>>> =
				stream::iter(group.iter().map(|(_, hash, _)| chain.body(*hash))).buffered(IN_FLIGHT).try_collect().await?;
			let (Some(first), Some(last)) = (group.first(), group.last()) else { continue };
			if state.frontier.is_none() {
				tracing::debug!(target: "zksettle::sync", position = first.2.first, "starting the tree from subtree roots");
				state.start_tree(&frontier_at(chain, at, first.2.first).await?);
			}
			let group_leaves = leaves(chain, at, first.2.first, last.2.end).await?;
			for ((number, _, digest), body) in group.iter().zip(bodies) {
				let mut txs = Vec::new();
				for ext in metadata_at.extrinsics().from_bytes(body).await.iter() {
					let ext = ext.map_err(|e| WalletError::Node(format!("block {number}: {e}")))?;
					txs.extend(pool_txs(&ext)?);
				}
				let range = usize::try_from(digest.first - first.2.first).ok().zip(usize::try_from(digest.end - first.2.first).ok());
				let block_leaves = range
					.and_then(|(a, b)| group_leaves.get(a..b))
					.ok_or_else(|| WalletError::Node(format!("block {number}: leaves outside its group")))?;
				let block = CompactBlock { number: *number, digest: *digest, txs };
				let found = state.apply_block(keys, &block, block_leaves)?;
				report.received += found.received;
				report.spent += found.spent;
			}
		}
		state.next_block = to.saturating_add(1);
		state.tip = hashes.last().map(|h| Tip { number: to, hash: hex::encode(h.0) });
		save(state)?;
		tracing::debug!(
			target: "zksettle::sync",
			from, to, with_notes = with_notes.len(), received = report.received, spent = report.spent,
			"window scanned"
		);
		progress(to + 1 - report.from, total);
	}
	Ok(report)
}

/// What the node's best chain holds for this wallet beyond what it has scanned (the finalized
/// head): the state is scanned on, in a copy that is never saved, to the best block, with the
/// tree read in that block's state, and compared ([`Pending::between`]). Computed afresh each
/// time, so a pending block the chain later abandons simply drops out.
pub async fn pending(chain: &Chain, keys: &Keys, state: &State) -> Result<Pending, WalletError> {
	let scanned = state.next_block.saturating_sub(1);
	let (best, hash) = chain.best().await?;
	if best < state.next_block {
		return Ok(Pending { scanned, best, arrivals: Vec::new() });
	}
	let mut ahead = state.clone();
	sync(chain, keys, &mut ahead, (best, Some(hash)), |_, _| {}, |_| Ok(())).await?;
	Ok(Pending::between(state, &ahead, scanned, best))
}
