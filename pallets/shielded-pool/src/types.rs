//! The transaction shape shared by shield, private transfer and unshield, and the stored tree
//! state.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{pallet_prelude::*, CloneNoBound, EqNoBound, PartialEqNoBound, DebugNoBound},
	sp_runtime::{traits::UniqueSaturatedInto, DigestItem},
};
use scale_info::TypeInfo;
use zk_verifier::{merkle, public_inputs::TRANSFER_INPUTS, Scalar, PROOF_UNCOMPRESSED_SIZE};

use crate::{BalanceOf, Config};

/// A 32-byte field element or hash, little-endian as `bls12_381::Scalar::to_bytes`.
pub type Hash32 = [u8; 32];

/// An encoded Groth16 proof with uncompressed points: `A` (96) ‖ `B` (192) ‖ `C` (96), each in
/// the `bls12_381` uncompressed encoding ([`zk_verifier::Proof::to_uncompressed_bytes`]).
///
/// Not the `groth16` crate's compressed `Proof::write` (192 bytes): decompressing needs a square
/// root in `Fp` for `A` and `C` and one in `Fp2` for `B`, about 2 ms of the runtime's wasm per
/// proof (BENCHMARKS.md), paid by every validator that executes the block. 192 more bytes per
/// transaction cost the sender length fees and the block a little space; decoding then checks
/// the same things (flags, canonical coordinates, on the curve, in the subgroup, not the
/// identity) without the roots.
pub type ProofBytes = [u8; PROOF_UNCOMPRESSED_SIZE];

/// The size of a prepared transfer-circuit key ([`crate::PreparedKeys`]).
pub type PreparedKeyLen = ConstU32<{ zk_verifier::prepared_key_len(TRANSFER_INPUTS) as u32 }>;

/// What a transaction moves: the native token, a local `pallet-assets` asset, or a foreign
/// asset (one that lives on another chain and arrived over XCM) registered with the pool.
///
/// Notes carry the asset as one field element ([`Asset::field_value`]), and the three kinds
/// never share a value: the native token is 0, a local asset `id + 1` (below
/// [`FOREIGN_ASSET_TAG`]), a foreign asset `FOREIGN_ASSET_TAG | index`. A foreign asset is named by
/// its registration index rather than by its XCM location, which does not fit a field element
/// and has several encodings across XCM versions; the index is given once by governance
/// ([`crate::Call::allow_foreign_asset`]) and never reused.
#[derive(
	Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum Asset<AssetId> {
	/// The chain's native token (field value 0 in notes).
	Native,
	/// A `pallet-assets` asset (field value `id + 1` in notes).
	Fungible(AssetId),
	/// A foreign asset by its registration index ([`crate::ForeignAssetRegistry`]; field value
	/// `FOREIGN_ASSET_TAG | index` in notes).
	Foreign(u32),
}

/// The bit that marks a foreign asset's field value (see [`Asset`]).
pub const FOREIGN_ASSET_TAG: u64 = 1 << 63;

impl<AssetId: Copy + Into<u64>> Asset<AssetId> {
	/// The asset as notes carry it; `None` for a local id that does not fit below
	/// [`FOREIGN_ASSET_TAG`].
	pub fn field_value(&self) -> Option<u64> {
		match self {
			Asset::Native => Some(0),
			Asset::Fungible(id) => (*id).into().checked_add(1).filter(|value| *value < FOREIGN_ASSET_TAG),
			Asset::Foreign(index) => Some(FOREIGN_ASSET_TAG | u64::from(*index)),
		}
	}
}

/// A foreign asset registered with the pool ([`crate::ForeignAssetRegistry`]).
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
pub struct ForeignAssetInfo<ForeignAssetId> {
	/// The asset's id in the foreign-assets pallet (its XCM location in the runtime).
	pub id: ForeignAssetId,
	/// Whether it may be shielded now. A disallowed asset's notes can still be spent and
	/// unshielded.
	pub allowed: bool,
}

/// Data a proof commits to through `ext_data_hash` without it being part of the statement:
/// whoever relays a transaction cannot redirect the withdrawal, the fee or the notes.
#[derive(Encode, Decode, DecodeWithMemTracking, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ExtData<T: Config> {
	/// Who receives an unshielded amount (required exactly when `ext_amount < 0`).
	pub recipient: Option<T::AccountId>,
	/// Who receives the fee; `None` pays it to the block author.
	pub relayer: Option<T::AccountId>,
	/// Fee taken from the shielded value, in the transaction's asset.
	pub fee: BalanceOf<T>,
	/// The two new notes, encrypted to their recipients (opaque to the chain).
	pub encrypted_notes: [BoundedVec<u8, T::MaxEncryptedNoteLen>; 2],
}

impl<T: Config> ExtData<T> {
	/// The `ext_data_hash` public input on the chain whose genesis hash is `chain`
	/// ([`crate::Pallet::chain_binding`]): the proof then verifies on this chain only, not on
	/// another that shares the verifying key and a root. The fee is hashed as a `u128` so that
	/// the hash does not depend on the width of the runtime's balance type.
	pub fn hash(&self, chain: &Hash32) -> Scalar {
		zk_verifier::public_inputs::ext_data_hash(&self.preimage(chain))
	}

	/// The `ext_data_hash` of an unshield to `beneficiary` on the asset's reserve chain
	/// ([`crate::Call::transact_to_reserve`]): the plain preimage, then [`Self::RESERVE_TAG`] and
	/// the beneficiary's encoding. The plain preimage is a SCALE encoding, which no other
	/// ext-data's encoding extends, so the two hashes never coincide: a proof made for the
	/// reserve does not verify as a plain unshield (which would strand the funds in the keyless
	/// outbox), and the beneficiary cannot be swapped.
	pub fn hash_to_reserve(&self, chain: &Hash32, beneficiary: &impl Encode) -> Scalar {
		let mut preimage = self.preimage(chain);
		preimage.extend_from_slice(Self::RESERVE_TAG);
		beneficiary.encode_to(&mut preimage);
		zk_verifier::public_inputs::ext_data_hash(&preimage)
	}

	/// Marks the preimage of an unshield to a reserve.
	pub const RESERVE_TAG: &'static [u8] = b"zksettle/reserve";

	fn preimage(&self, chain: &Hash32) -> alloc::vec::Vec<u8> {
		let fee: u128 = self.fee.unique_saturated_into();
		(chain, &self.recipient, &self.relayer, fee, &self.encrypted_notes).encode()
	}
}

/// A shielded transaction: shield (`ext_amount > 0`, paid by the caller), private transfer
/// (`ext_amount = 0`) or unshield (`ext_amount < 0`, paid to `ext_data.recipient`), all proven
/// by one Groth16 proof of the transfer circuit.
#[derive(Encode, Decode, DecodeWithMemTracking, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Transaction<T: Config> {
	/// The proof.
	pub proof: ProofBytes,
	/// Version of the verifying key the proof was made for.
	pub key_version: u32,
	/// The note-tree root the proof refers to (the current root or a recent one).
	pub root: Hash32,
	/// Nullifiers of the two notes spent.
	pub nullifiers: [Hash32; 2],
	/// Commitments of the two notes created.
	pub commitments: [Hash32; 2],
	/// The asset of every note of the transaction.
	pub asset: Asset<T::AssetId>,
	/// Public value entering (`> 0`) or leaving (`< 0`) the pool, before the fee.
	pub ext_amount: i128,
	/// Data bound by the proof.
	pub ext_data: ExtData<T>,
}

/// The stored append-only note tree: the frontier of [`zk_verifier::merkle::Frontier`] as bytes.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
pub struct TreeState {
	/// Leaves so far.
	pub next_index: u64,
	/// The frontier, height 0 first: per height, the newest group's nodes (see
	/// [`merkle::Frontier`]).
	pub filled: [[Hash32; merkle::SIBLINGS]; merkle::DEPTH],
	/// The current root.
	pub root: Hash32,
}

impl Default for TreeState {
	fn default() -> Self {
		TreeState::from(&merkle::Frontier::default())
	}
}

impl From<&merkle::Frontier> for TreeState {
	fn from(frontier: &merkle::Frontier) -> Self {
		TreeState {
			next_index: frontier.next_index,
			filled: frontier.filled.map(|group| group.map(|s| s.to_bytes())),
			root: frontier.root.to_bytes(),
		}
	}
}

impl TreeState {
	/// The frontier, or `None` if stored bytes are not canonical scalars (never written so).
	pub fn frontier(&self) -> Option<merkle::Frontier> {
		let mut filled = [[Scalar::zero(); merkle::SIBLINGS]; merkle::DEPTH];
		for (out, bytes) in filled.iter_mut().flatten().zip(self.filled.iter().flatten()) {
			*out = Option::from(Scalar::from_bytes(bytes))?;
		}
		Some(merkle::Frontier {
			next_index: self.next_index,
			filled,
			root: Option::from(Scalar::from_bytes(&self.root))?,
		})
	}
}

/// What a block did to the note tree, in its header: the leaves it added (`first..end`) and the
/// root after them. Deposited by every block that adds notes, none by the others.
///
/// Why in the header: every node keeps the headers and bodies of finalized blocks, while the state
/// (events included) of all but the last 256 is pruned by default. With this digest a wallet
/// knows from headers alone which blocks hold notes (and only those bodies need fetching: every
/// shielded transaction adds notes, so a block without the digest spent no nullifier either),
/// which leaf index each of a block's notes got, and the root to check its own copy of the tree
/// against, without any historical state. Encoded as [`DigestItem::Other`]: the tag
/// [`NotesDigest::TAG`], then `first`, `end` (u64 little-endian) and `root`.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, Debug)]
pub struct NotesDigest {
	/// The block's first leaf.
	pub first: u64,
	/// One past its last leaf: the tree's size after the block.
	pub end: u64,
	/// The tree's root after the block.
	pub root: Hash32,
}

impl NotesDigest {
	/// The tag that starts the digest item's data.
	pub const TAG: [u8; 4] = *b"zkpn";

	/// The digest item.
	pub fn to_digest_item(&self) -> DigestItem {
		let mut data = Self::TAG.to_vec();
		self.encode_to(&mut data);
		DigestItem::Other(data)
	}

	/// The notes digest in `item`, if it is one.
	pub fn from_digest_item(item: &DigestItem) -> Option<Self> {
		match item {
			DigestItem::Other(data) => {
				let rest = data.strip_prefix(&Self::TAG[..])?;
				Self::decode(&mut &rest[..]).ok().filter(|_| rest.len() == 48)
			},
			_ => None,
		}
	}
}
