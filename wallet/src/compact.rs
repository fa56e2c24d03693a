//! Compact blocks: what a wallet needs of a block to find its notes and their spends, read from
//! what every node keeps (headers and bodies of finalized blocks), never from historical state.
//!
//! As in Zcash's compact-block scanning, a wallet fetches only what trial decryption needs:
//! - every header, for the shielded pool's notes digest (`pallet_shielded_pool::NotesDigest`:
//!   the block's leaf range and the root after it). A block without one added no note, and since
//!   every shielded transaction adds two, spent no nullifier either: its body is not fetched.
//! - the bodies of the blocks with a digest, from which the pool's calls give each transaction's
//!   nullifiers, output commitments and encrypted notes ([`PoolTx`]).
//!
//! Which transactions were applied, and at which leaf, comes from the tree itself: the leaves of
//! the digest's range (read from the current state) are the commitments the block added, in
//! order, and a transaction whose commitments are among them was applied (it is atomic, so its
//! nullifiers were spent). A failed transaction's commitments are not in the tree.

use subxt::config::substrate::{DigestItem, SubstrateHeader};

use crate::error::WalletError;

/// `pallet_shielded_pool::NotesDigest`: the leaves a block added and the root after them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotesDigest {
	/// The block's first leaf.
	pub first: u64,
	/// One past its last leaf.
	pub end: u64,
	/// The tree's root after the block.
	pub root: [u8; 32],
}

impl NotesDigest {
	/// The tag the pallet puts before the fields (`NotesDigest::TAG`).
	pub const TAG: [u8; 4] = *b"zkpn";

	/// The digest among a header's items, if the block added notes. An item that carries the tag
	/// but not the fields is an error, not a block without notes.
	pub fn from_header<H>(header: &SubstrateHeader<H>) -> Result<Option<Self>, WalletError> {
		let mut found = None;
		for item in &header.digest.logs {
			let DigestItem::Other(data) = item else { continue };
			let Some(fields) = data.strip_prefix(&Self::TAG[..]) else { continue };
			let bad = || WalletError::Node(format!("a malformed notes digest in block {}", header.number));
			let (first, rest) = fields.split_first_chunk::<8>().ok_or_else(bad)?;
			let (end, root) = rest.split_first_chunk::<8>().ok_or_else(bad)?;
			let root: [u8; 32] = root.try_into().map_err(|_| bad())?;
			let digest = NotesDigest { first: u64::from_le_bytes(*first), end: u64::from_le_bytes(*end), root };
			if digest.end <= digest.first || found.replace(digest).is_some() {
				return Err(bad());
			}
		}
		Ok(found)
	}
}

/// What a shielded transaction shows the wallet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolTx {
	/// The nullifiers it reveals.
	pub nullifiers: [[u8; 32]; 2],
	/// Its two output commitments, with their encrypted notes.
	pub outputs: [([u8; 32], Vec<u8>); 2],
}

/// A block that added notes, as the wallet scans it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompactBlock {
	/// Block number.
	pub number: u64,
	/// Its notes digest.
	pub digest: NotesDigest,
	/// The shielded transactions in its body, applied or not, in order.
	pub txs: Vec<PoolTx>,
}

/// `pallet_shielded_pool::Transaction`, the fields the wallet reads (decoded by name against the
/// node's metadata: the others are skipped).
#[derive(scale_decode::DecodeAsType)]
struct TxFields {
	nullifiers: [[u8; 32]; 2],
	commitments: [[u8; 32]; 2],
	ext_data: ExtDataFields,
}

/// `pallet_shielded_pool::ExtData`, the field the wallet reads.
#[derive(scale_decode::DecodeAsType)]
struct ExtDataFields {
	encrypted_notes: [Vec<u8>; 2],
}

impl From<TxFields> for PoolTx {
	fn from(tx: TxFields) -> Self {
		let [n0, n1] = tx.ext_data.encrypted_notes;
		let [c0, c1] = tx.commitments;
		PoolTx { nullifiers: tx.nullifiers, outputs: [(c0, n0), (c1, n1)] }
	}
}

/// The shielded transactions of one extrinsic: the pool's `transact`, `transact_unsigned`,
/// `transact_to_reserve` and `transact_batch` calls (the ones that add notes), none for
/// anything else.
pub(crate) fn pool_txs<T, C>(ext: &subxt::extrinsics::Extrinsic<'_, T, C>) -> Result<Vec<PoolTx>, WalletError>
where
	T: subxt::Config,
	C: subxt::client::OfflineClientAtBlockT<T>,
{
	if ext.pallet_name() != crate::chain::POOL {
		return Ok(Vec::new());
	}
	let bad = |e: &dyn std::fmt::Display| WalletError::Node(format!("an undecodable shielded transaction: {e}"));
	let mut out = Vec::new();
	for field in ext.iter_call_data_fields() {
		match (ext.call_name(), field.name()) {
			("transact" | "transact_unsigned" | "transact_to_reserve", "tx") => out.push(field.decode_as::<TxFields>().map_err(|e| bad(&e))?.into()),
			("transact_batch", "txs") => {
				out.extend(field.decode_as::<Vec<TxFields>>().map_err(|e| bad(&e))?.into_iter().map(PoolTx::from))
			},
			_ => {},
		}
	}
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use subxt::{config::substrate::Digest, utils::H256};

	fn header(logs: Vec<DigestItem>) -> SubstrateHeader<H256> {
		SubstrateHeader {
			parent_hash: H256::zero(),
			number: 7,
			state_root: H256::zero(),
			extrinsics_root: H256::zero(),
			digest: Digest { logs },
		}
	}

	fn item(first: u64, end: u64, root: u8) -> DigestItem {
		let mut data = NotesDigest::TAG.to_vec();
		data.extend(first.to_le_bytes());
		data.extend(end.to_le_bytes());
		data.extend([root; 32]);
		DigestItem::Other(data)
	}

	/// The layout the pallet writes (its own test pins the same bytes), among other items.
	#[test]
	fn the_notes_digest_is_read_from_the_header() {
		let other = DigestItem::Other(b"else".to_vec());
		let seal = DigestItem::Seal(*b"aura", vec![1, 2]);
		assert_eq!(NotesDigest::from_header(&header(vec![other.clone(), seal])).unwrap(), None);
		let digest = NotesDigest::from_header(&header(vec![other, item(4, 10, 9)])).unwrap();
		assert_eq!(digest, Some(NotesDigest { first: 4, end: 10, root: [9; 32] }));
		// Malformed or repeated: an error, never taken for "no notes".
		let DigestItem::Other(mut short) = item(4, 10, 9) else { unreachable!() };
		short.pop();
		assert!(NotesDigest::from_header(&header(vec![DigestItem::Other(short)])).is_err());
		assert!(NotesDigest::from_header(&header(vec![item(4, 10, 9), item(10, 12, 1)])).is_err());
		assert!(NotesDigest::from_header(&header(vec![item(4, 4, 9)])).is_err());
	}
}
