//! Helpers for tests.

use bls12_381::Scalar;

/// A scalar from big-endian hex (as the Poseidon reference prints them).
pub fn scalar_from_hex(hex: &str) -> Scalar {
	let hex = hex.trim_start_matches("0x");
	assert_eq!(hex.len(), 64);
	let mut bytes = [0u8; 32];
	for (i, byte) in bytes.iter_mut().enumerate() {
		*byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
	}
	bytes.reverse();
	Scalar::from_bytes(&bytes).unwrap()
}
