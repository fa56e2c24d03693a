//! Building a shielded transaction: choose notes, encrypt the outputs, bind the external data,
//! prove, and encode the call exactly as the pallet decodes it.
//!
//! The call types here mirror `pallet_shielded_pool::Transaction` field for field (SCALE is not
//! self-describing); the chain module re-decodes the call bytes against the node's metadata
//! before submitting, so a mismatch is caught as an error instead of a wrong transaction.

use codec::Encode;
use zk_verifier::{
	merkle,
	note::Note,
	prover::{build_witness_with_paths, ProvingKey, SpendableNote},
	public_inputs::ext_data_hash,
	Scalar, PROOF_UNCOMPRESSED_SIZE,
};

use crate::{error::WalletError, keys::{Address, Keys}, note_encryption, store::OwnedNote};

/// `pallet_shielded_pool::Asset<u32>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, codec::Decode)]
pub enum AssetArg {
	/// The native token.
	Native,
	/// A local `pallet-assets` asset.
	Fungible(u32),
	/// A foreign asset by the index the pool registered it under.
	Foreign(u32),
}

/// `pallet_shielded_pool::FOREIGN_ASSET_TAG`: the bit of a foreign asset's field value.
pub const FOREIGN_ASSET_TAG: u64 = 1 << 63;

impl AssetArg {
	/// The asset as notes carry it.
	pub fn field_value(&self) -> u64 {
		match self {
			AssetArg::Native => 0,
			AssetArg::Fungible(id) => u64::from(*id) + 1,
			AssetArg::Foreign(index) => FOREIGN_ASSET_TAG | u64::from(*index),
		}
	}

	/// The asset a note's field value names (`None` for a value no asset has).
	pub fn of_field(field: u64) -> Option<AssetArg> {
		if field & FOREIGN_ASSET_TAG != 0 {
			return u32::try_from(field & !FOREIGN_ASSET_TAG).ok().map(AssetArg::Foreign);
		}
		match field.checked_sub(1) {
			None => Some(AssetArg::Native),
			Some(id) => u32::try_from(id).ok().map(AssetArg::Fungible),
		}
	}
}

/// `pallet_shielded_pool::ExtData`.
#[derive(Clone, Debug, PartialEq, Eq, Encode)]
pub struct ExtDataArg {
	/// Unshield recipient.
	pub recipient: Option<[u8; 32]>,
	/// Fee recipient (`None`: the block author).
	pub relayer: Option<[u8; 32]>,
	/// Fee.
	pub fee: u128,
	/// The two encrypted notes.
	pub encrypted_notes: [Vec<u8>; 2],
}

impl ExtDataArg {
	/// The `ext_data_hash` public input, as the pallet computes it on the chain with genesis
	/// hash `chain` (the proof is then valid on that chain only); for an unshield to a reserve,
	/// bound to the beneficiary there too (`ExtData::hash_to_reserve`).
	pub fn hash(&self, chain: &[u8; 32], reserve: Option<&Beneficiary>) -> Scalar {
		let mut preimage = (chain, &self.recipient, &self.relayer, self.fee, &self.encrypted_notes).encode();
		if let Some(beneficiary) = reserve {
			preimage.extend_from_slice(RESERVE_TAG);
			preimage.extend_from_slice(&beneficiary.0);
		}
		ext_data_hash(&preimage)
	}
}

/// `ExtData::RESERVE_TAG` of the pallet.
const RESERVE_TAG: &[u8] = b"zksettle/reserve";
/// The domain of the pallet's reserve outboxes.
const OUTBOX_DOMAIN: &[u8] = b"zksettle/shielded-pool/reserve-outbox";

/// A beneficiary on a foreign asset's reserve chain: the SCALE encoding of an XCM
/// `VersionedLocation` relative to that chain (the runtime re-decodes it before submitting).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Beneficiary(pub Vec<u8>);

impl Beneficiary {
	/// A 32-byte account on the reserve chain: `V5 (0, [AccountId32 { network: None, id }])`.
	pub fn account32(id: [u8; 32]) -> Self {
		// VersionedLocation::V5 (5), parents 0, Junctions::X1 (1), Junction::AccountId32 (1),
		// network None (0), id.
		let mut bytes = vec![5, 0, 1, 1, 0];
		bytes.extend_from_slice(&id);
		Beneficiary(bytes)
	}

	/// The pool's outbox for this beneficiary: `blake2_256((domain, beneficiary))`, the account
	/// the unshield pays and the transfer to the reserve empties in the same call.
	pub fn outbox(&self) -> [u8; 32] {
		let mut preimage = OUTBOX_DOMAIN.encode();
		preimage.extend_from_slice(&self.0);
		let hash = blake2b_simd::Params::new().hash_length(32).hash(&preimage);
		let mut outbox = [0u8; 32];
		outbox.copy_from_slice(hash.as_bytes());
		outbox
	}
}

/// `pallet_shielded_pool::Transaction`.
#[derive(Clone, Debug, PartialEq, Eq, Encode)]
pub struct TransactionArg {
	/// The proof.
	pub proof: [u8; PROOF_UNCOMPRESSED_SIZE],
	/// Verifying key version.
	pub key_version: u32,
	/// Root the proof uses.
	pub root: [u8; 32],
	/// Nullifiers.
	pub nullifiers: [[u8; 32]; 2],
	/// Output commitments.
	pub commitments: [[u8; 32]; 2],
	/// Asset.
	pub asset: AssetArg,
	/// Public amount before the fee.
	pub ext_amount: i128,
	/// External data.
	pub ext_data: ExtDataArg,
}

/// What the transaction does.
#[derive(Clone, Debug)]
pub struct Plan {
	/// Asset.
	pub asset: AssetArg,
	/// Value entering (> 0) or leaving (< 0) the pool, before the fee.
	pub ext_amount: i128,
	/// Fee, from the shielded value.
	pub fee: u128,
	/// Unshield recipient.
	pub recipient: Option<[u8; 32]>,
	/// Fee recipient.
	pub relayer: Option<[u8; 32]>,
	/// Value for the other party, and their address (`None`: the wallet's own change only).
	pub payment: Option<(u64, Address)>,
	/// For an unshield to a foreign asset's reserve: the beneficiary there (`recipient` is then
	/// its outbox).
	pub reserve: Option<Beneficiary>,
}

impl Plan {
	/// The shielded value the transaction spends: payment and fee, less what enters the pool.
	pub fn spent_value(&self) -> Result<u128, WalletError> {
		let fee = i128::try_from(self.fee).map_err(|_| WalletError::Amount("fee".into()))?;
		let paid = self.payment.map(|(v, _)| i128::from(v)).unwrap_or(0);
		let spent = fee.checked_add(paid).and_then(|v| v.checked_sub(self.ext_amount)).ok_or(WalletError::Amount("overflow".into()))?;
		Ok(u128::try_from(spent).unwrap_or(0))
	}
}

/// The chain's view a proof is made against.
pub struct Anchor {
	/// Root.
	pub root: Scalar,
	/// Authentication path of each spent note to `root`, by leaf index.
	pub paths: Vec<(u64, merkle::Path)>,
	/// Verifying key version.
	pub key_version: u32,
	/// The chain's genesis hash, which the proof commits to.
	pub genesis: [u8; 32],
}

/// Fresh blinding from the operating system.
fn random_scalar() -> Result<Scalar, WalletError> {
	let mut wide = [0u8; 64];
	crate::random_bytes(&mut wide)?;
	Ok(Scalar::from_bytes_wide(&wide))
}

/// Build and prove `plan`, spending `spends` (chosen by [`crate::store::State::select`]).
/// Outputs: the payment (if any) and the change back to the wallet; a missing one is a zero
/// note to the wallet, encrypted like any other.
pub fn prove(
	keys: &Keys,
	plan: &Plan,
	spends: &[OwnedNote],
	anchor: &Anchor,
	params: &ProvingKey,
) -> Result<TransactionArg, WalletError> {
	let spending_key = *keys.spending_key()?;
	let asset = plan.asset.field_value();
	let me = keys.address();
	let value_in: i128 = spends.iter().map(|n| i128::from(n.value)).sum();
	let paid = plan.payment.map(|(v, _)| i128::from(v)).unwrap_or(0);
	let fee = i128::try_from(plan.fee).map_err(|_| WalletError::Amount("fee".into()))?;
	let change = value_in
		.checked_add(plan.ext_amount)
		.and_then(|v| v.checked_sub(fee))
		.and_then(|v| v.checked_sub(paid))
		.ok_or(WalletError::Amount("overflow".into()))?;
	let change = u64::try_from(change).map_err(|_| WalletError::InsufficientShieldedBalance {
		asset,
		needed: (paid + fee - plan.ext_amount).max(0) as u128,
		available: value_in as u128,
	})?;

	let payment = match plan.payment {
		Some((value, to)) => (Note { value, asset, owner: to.owner, blinding: random_scalar()? }, to),
		None => (Note { value: 0, asset, owner: me.owner, blinding: random_scalar()? }, me),
	};
	let change_note = (Note { value: change, asset, owner: me.owner, blinding: random_scalar()? }, me);
	let outputs = [payment, change_note];
	let encrypted_notes =
		[note_encryption::encrypt(&outputs[0].0, &outputs[0].1)?, note_encryption::encrypt(&outputs[1].0, &outputs[1].1)?];
	let ext_data = ExtDataArg { recipient: plan.recipient, relayer: plan.relayer, fee: plan.fee, encrypted_notes };

	let mut with_paths = Vec::with_capacity(spends.len());
	for owned in spends {
		let path = anchor
			.paths
			.iter()
			.find(|(i, _)| *i == owned.index)
			.map(|(_, p)| *p)
			.ok_or(WalletError::Node(format!("no path for note {}", owned.index)))?;
		with_paths.push((SpendableNote { note: owned.note(keys)?, spending_key, index: owned.index }, path));
	}
	let mut rng = rand_chacha_rng()?;
	let witness = build_witness_with_paths(
		anchor.root,
		&with_paths,
		[outputs[0].0, outputs[1].0],
		asset,
		plan.ext_amount,
		plan.fee,
		ext_data.hash(&anchor.genesis, plan.reserve.as_ref()),
		&mut rng,
	)
	.map_err(|e| WalletError::Prover(e.to_string()))?;
	let proof = params.prove(&witness).map_err(|e| WalletError::Prover(e.to_string()))?;
	Ok(TransactionArg {
		proof: proof.to_uncompressed_bytes(),
		key_version: anchor.key_version,
		root: anchor.root.to_bytes(),
		nullifiers: witness.public.nullifiers.map(|n| n.to_bytes()),
		commitments: witness.public.commitments.map(|c| c.to_bytes()),
		asset: plan.asset,
		ext_amount: plan.ext_amount,
		ext_data,
	})
}

fn rand_chacha_rng() -> Result<rand_chacha::ChaCha20Rng, WalletError> {
	use rand_chacha::rand_core::SeedableRng;
	let mut seed = [0u8; 32];
	crate::random_bytes(&mut seed)?;
	Ok(rand_chacha::ChaCha20Rng::from_seed(seed))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ext_data_encoding_matches_the_pallets_layout() {
		// The pallet hashes `(genesis, recipient, relayer, fee as u128, [BoundedVec<u8>; 2])`; a
		// BoundedVec encodes as a Vec, an AccountId32 and a hash as their 32 bytes.
		let ext = ExtDataArg { recipient: Some([1; 32]), relayer: None, fee: 5, encrypted_notes: [vec![9], vec![]] };
		let genesis = [3u8; 32];
		let mut expected = genesis.to_vec();
		expected.push(1);
		expected.extend([1u8; 32]);
		expected.push(0);
		expected.extend(5u128.to_le_bytes());
		expected.extend([4, 9, 0]);
		assert_eq!((&genesis, &ext.recipient, &ext.relayer, ext.fee, &ext.encrypted_notes).encode(), expected);
	}

	/// The same vector as the runtime's `tests_xcm::the_wallets_outbox_is_the_pools`: an
	/// account beneficiary encodes as the runtime's `VersionedLocation`, and its outbox is the
	/// pool's.
	#[test]
	fn reserve_beneficiaries_and_outboxes_match_the_pallet() {
		let beneficiary = Beneficiary::account32([7; 32]);
		assert_eq!(&beneficiary.0[..5], &[5, 0, 1, 1, 0]);
		assert_eq!(hex::encode(beneficiary.outbox()), "da7764212fb02d1d6359b88c9fb5a152c1e7f26fc2885f7de0bae8932c1e07d9");
		// The reserve hash is the plain preimage, the tag and the beneficiary.
		let ext = ExtDataArg { recipient: Some(beneficiary.outbox()), relayer: None, fee: 5, encrypted_notes: [vec![9], vec![]] };
		let genesis = [3u8; 32];
		let mut preimage = (&genesis, &ext.recipient, &ext.relayer, ext.fee, &ext.encrypted_notes).encode();
		preimage.extend_from_slice(b"zksettle/reserve");
		preimage.extend_from_slice(&beneficiary.0);
		assert_eq!(ext.hash(&genesis, Some(&beneficiary)), ext_data_hash(&preimage));
		assert_ne!(ext.hash(&genesis, Some(&beneficiary)), ext.hash(&genesis, None));
	}

	#[test]
	fn asset_field_values_match_the_pallet() {
		assert_eq!(AssetArg::Native.field_value(), 0);
		assert_eq!(AssetArg::Fungible(7).field_value(), 8);
		assert_eq!(AssetArg::Fungible(7).encode(), [1, 7, 0, 0, 0]);
		assert_eq!(AssetArg::Foreign(2).field_value(), (1 << 63) | 2);
		assert_eq!(AssetArg::Foreign(2).encode(), [2, 2, 0, 0, 0]);
		for asset in [AssetArg::Native, AssetArg::Fungible(0), AssetArg::Fungible(u32::MAX), AssetArg::Foreign(0), AssetArg::Foreign(u32::MAX)] {
			assert_eq!(AssetArg::of_field(asset.field_value()), Some(asset));
		}
		assert_eq!(AssetArg::of_field(u64::from(u32::MAX) + 2), None);
		assert_eq!(AssetArg::of_field((1 << 63) | (1 << 32)), None);
	}
}
