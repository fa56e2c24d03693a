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
	/// A `pallet-assets` asset.
	Fungible(u32),
}

impl AssetArg {
	/// The asset as notes carry it.
	pub fn field_value(&self) -> u64 {
		match self {
			AssetArg::Native => 0,
			AssetArg::Fungible(id) => u64::from(*id) + 1,
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
	/// hash `chain` (the proof is then valid on that chain only).
	pub fn hash(&self, chain: &[u8; 32]) -> Scalar {
		ext_data_hash(&(chain, &self.recipient, &self.relayer, self.fee, &self.encrypted_notes).encode())
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
		ext_data.hash(&anchor.genesis),
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

	#[test]
	fn asset_field_values_match_the_pallet() {
		assert_eq!(AssetArg::Native.field_value(), 0);
		assert_eq!(AssetArg::Fungible(7).field_value(), 8);
		assert_eq!(AssetArg::Fungible(7).encode(), [1, 7, 0, 0, 0]);
	}
}
