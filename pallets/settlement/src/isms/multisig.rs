//! Threshold ECDSA verification over validator sets (`AbstractMultisigIsm.verify`).
//!
//! The first `threshold` signatures must recover to validators in the set's order (an ordered
//! subsequence: no validator twice, none out of order). Signatures after the first `threshold`
//! are not examined, as in Hyperlane. Each signature is `r ‖ s ‖ v`; `s` must be in the lower
//! half of the curve order (OpenZeppelin's malleability rule) and `v` is 27/28 (Ethereum) or
//! 0/1 (accepted by Hyperlane's Sealevel ISM too).

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

use polkadot_sdk::sp_io::{crypto::secp256k1_ecdsa_recover, hashing::keccak_256};

/// A 20-byte Ethereum address.
pub type EthAddress = [u8; 20];
/// A 65-byte `r ‖ s ‖ v` signature.
pub type Signature = [u8; 65];

/// `n / 2` for secp256k1, big-endian: the largest accepted `s`.
const HALF_ORDER: [u8; 32] = [
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e,
	0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// Why a signature set does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MultisigError {
	/// `s` is in the upper half of the curve order (a malleated signature).
	HighS,
	/// `v` is not 27, 28, 0 or 1.
	InvalidV,
	/// The signature does not recover to any public key.
	InvalidSignature,
	/// A signer is not a validator, is out of order, or signed twice.
	UnexpectedSigner,
	/// Fewer signatures than the threshold.
	BelowThreshold,
	/// A threshold of zero or above the set size.
	InvalidThreshold,
}

/// The Ethereum address of the key that made `signature` over `digest`.
pub fn recover(digest: &[u8; 32], signature: &Signature) -> Result<EthAddress, MultisigError> {
	let s: &[u8; 32] = signature[32..64].try_into().map_err(|_| MultisigError::InvalidSignature)?;
	if s > &HALF_ORDER {
		return Err(MultisigError::HighS);
	}
	let v = match signature[64] {
		27 | 28 => signature[64] - 27,
		0 | 1 => signature[64],
		_ => return Err(MultisigError::InvalidV),
	};
	let mut normalized = *signature;
	normalized[64] = v;
	let public = secp256k1_ecdsa_recover(&normalized, digest).map_err(|_| MultisigError::InvalidSignature)?;
	let hash = keccak_256(&public);
	let mut address = [0u8; 20];
	address.copy_from_slice(&hash[12..]);
	Ok(address)
}

/// Check that the first `threshold` signatures over `digest` come from an ordered subsequence
/// of `validators`.
pub fn verify(
	digest: &[u8; 32],
	signatures: &[Signature],
	validators: &[EthAddress],
	threshold: u8,
) -> Result<(), MultisigError> {
	let threshold = usize::from(threshold);
	if threshold == 0 || threshold > validators.len() {
		return Err(MultisigError::InvalidThreshold);
	}
	let signing = signatures.get(..threshold).ok_or(MultisigError::BelowThreshold)?;
	let mut remaining = validators.iter();
	for signature in signing {
		let signer = recover(digest, signature)?;
		// Advance through the validator list to the signer; it must come after the previous one.
		if !remaining.by_ref().any(|validator| *validator == signer) {
			return Err(MultisigError::UnexpectedSigner);
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_vectors::{hex, sealevel_checkpoint, sealevel_validators, sign, SEALEVEL_SIGNATURES};

	fn signatures() -> [Signature; 3] {
		SEALEVEL_SIGNATURES.map(|h| hex(h).try_into().unwrap())
	}

	/// Signatures by Hyperlane's own test validators recover to them.
	#[test]
	fn upstream_signatures_recover() {
		let digest = sealevel_checkpoint().digest();
		for (signature, validator) in signatures().iter().zip(sealevel_validators()) {
			assert_eq!(recover(&digest, signature), Ok(validator));
		}
	}

	#[test]
	fn ordered_subsequence_rules() {
		let digest = sealevel_checkpoint().digest();
		let [s0, s1, s2] = signatures();
		let validators = sealevel_validators();
		assert_eq!(verify(&digest, &[s0, s1], &validators, 2), Ok(()));
		assert_eq!(verify(&digest, &[s0, s2], &validators, 2), Ok(()));
		assert_eq!(verify(&digest, &[s0, s1, s2], &validators, 3), Ok(()));
		// Extra signatures beyond the threshold are not examined.
		assert_eq!(verify(&digest, &[s1, s2, [0; 65]], &validators, 2), Ok(()));
		// Out of order, duplicated, below threshold.
		assert_eq!(verify(&digest, &[s1, s0], &validators, 2), Err(MultisigError::UnexpectedSigner));
		assert_eq!(verify(&digest, &[s0, s0], &validators, 2), Err(MultisigError::UnexpectedSigner));
		assert_eq!(verify(&digest, &[s0], &validators, 2), Err(MultisigError::BelowThreshold));
		// Not a validator: a key outside the set.
		let outsider = sign(&[0x42; 32], &digest);
		assert_eq!(verify(&digest, &[s0, outsider], &validators, 2), Err(MultisigError::UnexpectedSigner));
		// Another digest recovers to someone else.
		let mut other = digest;
		other[0] ^= 1;
		assert_eq!(verify(&other, &[s0, s1], &validators, 2), Err(MultisigError::UnexpectedSigner));
		assert_eq!(verify(&digest, &[s0], &validators, 0), Err(MultisigError::InvalidThreshold));
		assert_eq!(verify(&digest, &[s0], &validators, 4), Err(MultisigError::InvalidThreshold));
	}

	#[test]
	fn malleability_and_v_rules() {
		let digest = sealevel_checkpoint().digest();
		let [s0, ..] = signatures();
		let validator = sealevel_validators()[0];
		// v as 0/1 is accepted.
		let mut zero_one = s0;
		zero_one[64] -= 27;
		assert_eq!(recover(&digest, &zero_one), Ok(validator));
		// v outside {0, 1, 27, 28}.
		let mut bad_v = s0;
		bad_v[64] = 29;
		assert_eq!(recover(&digest, &bad_v), Err(MultisigError::InvalidV));
		// The malleated twin (n - s, flipped v) is valid ECDSA but rejected.
		let high = malleate(&s0);
		assert_eq!(recover(&digest, &high), Err(MultisigError::HighS));
	}

	/// `(r, s, v) -> (r, n - s, v ^ 1)`.
	fn malleate(signature: &Signature) -> Signature {
		const ORDER: [u8; 32] = [
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xba,
			0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
		];
		let mut out = *signature;
		let mut borrow = 0i16;
		for i in (0..32).rev() {
			let d = ORDER[i] as i16 - signature[32 + i] as i16 - borrow;
			out[32 + i] = d.rem_euclid(256) as u8;
			borrow = if d < 0 { 1 } else { 0 };
		}
		out[64] = if signature[64] == 27 { 28 } else { 27 };
		out
	}
}
