//! Typed errors of the verifier. Every rejection has its own variant so that a caller (the
//! shielded-pool pallet, a wallet) can report precisely what was wrong with untrusted bytes.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Which group element of a proof or verifying key an error refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
pub enum Element {
	/// Proof element `A` (G1).
	ProofA,
	/// Proof element `B` (G2).
	ProofB,
	/// Proof element `C` (G1).
	ProofC,
	/// Verifying key `alpha` (G1).
	Alpha,
	/// Verifying key `beta` in G1.
	BetaG1,
	/// Verifying key `beta` in G2.
	BetaG2,
	/// Verifying key `gamma` (G2).
	Gamma,
	/// Verifying key `delta` in G1.
	DeltaG1,
	/// Verifying key `delta` in G2.
	DeltaG2,
	/// Verifying key input commitment `IC[i]` (G1).
	Ic(u32),
}

/// Why a group element was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
pub enum PointFault {
	/// The bytes are not an encoding of a point: wrong flag bits, a coordinate that is not a
	/// canonical field element, or (compressed form) no curve point has that `x`.
	Encoding,
	/// Uncompressed coordinates that do not satisfy the curve equation.
	NotOnCurve,
	/// A curve point outside the prime-order subgroup (small-subgroup / invalid-curve attacks).
	NotInSubgroup,
	/// The point at infinity where it is not allowed (no honest proof or key contains it).
	Identity,
}

/// Errors of decoding and verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
pub enum Error {
	/// A group element was rejected.
	Point {
		/// The element.
		element: Element,
		/// What was wrong with it.
		fault: PointFault,
	},
	/// Proof bytes are not exactly [`crate::PROOF_SIZE`] long (compressed) or
	/// [`crate::PROOF_UNCOMPRESSED_SIZE`] (uncompressed).
	ProofLength,
	/// Verifying key bytes are shorter or longer than their `IC` length prefix implies.
	VerifyingKeyLength,
	/// A prepared key's point or coordinate does not decode (bad flags, not canonical).
	PreparedKeyEncoding,
	/// A verifying key with no `IC` element (it must commit at least to the constant `1`), or
	/// more than [`crate::MAX_PUBLIC_INPUTS`] public inputs.
	VerifyingKeyInputCount,
	/// A public input is not a canonical little-endian encoding of a scalar (it is `≥ r`).
	NonCanonicalScalar {
		/// Position of the offending input.
		index: u32,
	},
	/// The number of public inputs does not match the verifying key.
	InputCount {
		/// Inputs the key expects (`IC` length minus one).
		expected: u32,
		/// Inputs supplied.
		got: u32,
	},
	/// Well-formed inputs, but the pairing check failed: the proof is not valid for these public
	/// inputs under this key (for a batch: at least one proof is not).
	VerificationFailed,
}

impl core::fmt::Display for Error {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Error::Point { element, fault } => write!(f, "invalid group element {element:?}: {fault:?}"),
			Error::ProofLength => write!(
				f,
				"a proof is exactly {} bytes compressed, {} uncompressed",
				crate::PROOF_SIZE,
				crate::PROOF_UNCOMPRESSED_SIZE
			),
			Error::VerifyingKeyLength => write!(f, "verifying key length does not match its IC count"),
			Error::PreparedKeyEncoding => write!(f, "prepared verifying key does not decode"),
			Error::VerifyingKeyInputCount => write!(f, "verifying key has no IC or too many"),
			Error::NonCanonicalScalar { index } => write!(f, "public input {index} is not a canonical scalar"),
			Error::InputCount { expected, got } => {
				write!(f, "expected {expected} public inputs, got {got}")
			},
			Error::VerificationFailed => write!(f, "proof verification failed"),
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
