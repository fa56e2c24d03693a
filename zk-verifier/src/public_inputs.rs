//! The public inputs of the shielded-transfer circuit, in the order the circuit allocates them.
//!
//! The runtime rebuilds these from a call's fields — it never takes public inputs from the
//! caller — and the prover fills them from the same fields, so this module is the single
//! definition both sides use.

use bls12_381::Scalar;

/// Number of public inputs of the transfer circuit.
pub const TRANSFER_INPUTS: usize = 8;

/// Bits of a note value, and of the magnitude of the public amount.
pub const AMOUNT_BITS: u32 = 64;

/// Personalisation of the external-data hash.
const EXT_DATA_PERSONAL: &[u8; 16] = b"zkSettle_ExtData";

/// The statement a transfer proof proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransferPublicInputs {
	/// A recent root of the note tree; both spent notes are members (unless of value 0).
	pub root: Scalar,
	/// `ext_amount - fee` as a field element: positive shields, negative unshields, zero for a
	/// pure transfer. See [`public_amount`].
	pub public_amount: Scalar,
	/// Hash of the data that is not part of the statement but must not be changed by a
	/// front-runner: recipient, relayer, fee, encrypted notes. See [`ext_data_hash`].
	pub ext_data_hash: Scalar,
	/// The asset every non-zero note of the transaction is denominated in.
	pub asset: Scalar,
	/// Nullifiers of the two spent notes.
	pub nullifiers: [Scalar; 2],
	/// Commitments of the two new notes.
	pub commitments: [Scalar; 2],
}

impl TransferPublicInputs {
	/// The inputs in circuit order: root, public amount, ext-data hash, asset, nullifier 0,
	/// nullifier 1, commitment 0, commitment 1.
	pub fn to_scalars(&self) -> [Scalar; TRANSFER_INPUTS] {
		[
			self.root,
			self.public_amount,
			self.ext_data_hash,
			self.asset,
			self.nullifiers[0],
			self.nullifiers[1],
			self.commitments[0],
			self.commitments[1],
		]
	}
}

/// A signed integer as a field element (`-v` is `r - v`).
pub fn signed_scalar(value: i128) -> Scalar {
	let magnitude = value.unsigned_abs();
	let scalar = Scalar::from_raw([magnitude as u64, (magnitude >> 64) as u64, 0, 0]);
	if value < 0 {
		-scalar
	} else {
		scalar
	}
}

/// The public amount `ext_amount - fee`, or `None` outside `[-2^64, 2^64)`, the range the circuit
/// accepts (it range-checks `public_amount + 2^64` to 65 bits, so the value balance can never
/// wrap around the field modulus).
pub fn public_amount(ext_amount: i128, fee: u128) -> Option<Scalar> {
	let fee = i128::try_from(fee).ok()?;
	let amount = ext_amount.checked_sub(fee)?;
	let bound = 1i128 << AMOUNT_BITS;
	(-bound..bound).contains(&amount).then(|| signed_scalar(amount))
}

/// BLAKE2b-512 of the encoded external data, personalised `zkSettle_ExtData`, reduced to a scalar.
/// The 512-bit output makes the reduction's bias negligible (`2^-257`).
pub fn ext_data_hash(encoded: &[u8]) -> Scalar {
	let hash = blake2b_simd::Params::new().hash_length(64).personal(EXT_DATA_PERSONAL).hash(encoded);
	let mut wide = [0u8; 64];
	wide.copy_from_slice(hash.as_bytes());
	Scalar::from_bytes_wide(&wide)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn public_amount_range() {
		let max = (1i128 << 64) - 1;
		assert_eq!(public_amount(max, 0), Some(signed_scalar(max)));
		assert_eq!(public_amount(max + 1, 0), None);
		assert_eq!(public_amount(-(1i128 << 64), 0), Some(-Scalar::from_raw([0, 1, 0, 0])));
		assert_eq!(public_amount(-(1i128 << 64), 1), None);
		assert_eq!(public_amount(10, 3), Some(Scalar::from(7u64)));
		assert_eq!(public_amount(-10, 3), Some(-Scalar::from(13u64)));
		assert_eq!(public_amount(0, u128::MAX), None);
		assert_eq!(public_amount(i128::MIN, 1), None);
	}

	#[test]
	fn ext_data_hash_depends_on_every_byte() {
		let a = ext_data_hash(b"recipient|relayer|fee|notes");
		assert_ne!(a, ext_data_hash(b"recipient|relayer|fee|notez"));
		assert_eq!(a, ext_data_hash(b"recipient|relayer|fee|notes"));
	}
}
