//! Groth16 proofs in the `groth16` crate's encoding (compressed points), and in an uncompressed
//! one that decodes without square roots.


use crate::{
	bls12::{
		g1::{self, G1Affine},
		g2::{self, G2Affine},
	},
	curve,
	error::{Element, Error},
};

/// Size of an encoded proof: compressed `A` (48) ‖ compressed `B` (96) ‖ compressed `C` (48),
/// exactly `groth16::Proof::write`.
pub const PROOF_SIZE: usize = 192;

/// Size of a proof with uncompressed points: `A` (96) ‖ `B` (192) ‖ `C` (96), each in the
/// `bls12_381` uncompressed encoding (the one verifying keys use). Twice the bytes, but decoding
/// needs no square root: an on-curve check replaces the decompression.
pub const PROOF_UNCOMPRESSED_SIZE: usize = 384;

/// A decoded, fully checked Groth16 proof over BLS12-381.
///
/// Only [`Proof::from_bytes`] builds one from untrusted data, and it checks every element
/// (encoding, subgroup membership, not the identity), as `groth16::Proof::read` does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
	/// `A ∈ G1`.
	pub a: G1Affine,
	/// `B ∈ G2`.
	pub b: G2Affine,
	/// `C ∈ G1`.
	pub c: G1Affine,
}

impl Proof {
	/// Decode and check a proof.
	pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
		Self::decode_with(bytes, curve::g1_compressed, curve::g2_compressed)
	}

	/// Decode and check a proof in the uncompressed encoding: every check of
	/// [`Proof::from_bytes`] (canonical coordinates, flags, subgroup, not the identity), with the
	/// on-curve check in place of the decompression.
	pub fn from_uncompressed_bytes(bytes: &[u8]) -> Result<Self, Error> {
		Self::decode_with(bytes, curve::g1_uncompressed, curve::g2_uncompressed)
	}

	/// `A ‖ B ‖ C`, each decoded and checked by the given decoder.
	fn decode_with<const G1: usize, const G2: usize>(
		bytes: &[u8],
		g1: fn(&[u8; G1], Element) -> Result<G1Affine, Error>,
		g2: fn(&[u8; G2], Element) -> Result<G2Affine, Error>,
	) -> Result<Self, Error> {
		let (a, rest) = bytes.split_first_chunk::<G1>().ok_or(Error::ProofLength)?;
		let (b, c) = rest.split_first_chunk::<G2>().ok_or(Error::ProofLength)?;
		let c: &[u8; G1] = c.try_into().map_err(|_| Error::ProofLength)?;
		Ok(Proof { a: g1(a, Element::ProofA)?, b: g2(b, Element::ProofB)?, c: g1(c, Element::ProofC)? })
	}

	/// Encode with uncompressed points ([`PROOF_UNCOMPRESSED_SIZE`] bytes).
	pub fn to_uncompressed_bytes(&self) -> [u8; PROOF_UNCOMPRESSED_SIZE] {
		let mut out = [0u8; PROOF_UNCOMPRESSED_SIZE];
		out[..96].copy_from_slice(&g1::to_uncompressed(&self.a));
		out[96..288].copy_from_slice(&g2::to_uncompressed(&self.b));
		out[288..].copy_from_slice(&g1::to_uncompressed(&self.c));
		out
	}

	/// Encode as `groth16::Proof::write` does (compressing through `bls12_381`); `None` for a
	/// proof with a point off the curve, which only a hand-built `Proof` can hold.
	pub fn to_bytes(&self) -> Option<[u8; PROOF_SIZE]> {
		let mut out = [0u8; PROOF_SIZE];
		out[..48].copy_from_slice(&g1::to_reference(&self.a)?.to_compressed());
		out[48..144].copy_from_slice(&g2::to_reference(&self.b)?.to_compressed());
		out[144..].copy_from_slice(&g1::to_reference(&self.c)?.to_compressed());
		Some(out)
	}
}
