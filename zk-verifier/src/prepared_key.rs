//! The prepared form of a verifying key, and its encoding for storage.
//!
//! What every verification under a key shares, computed once when the key is installed:
//! `α` and `IC` as affine points, the Miller-loop lines of `-β`, `-γ`, `-δ`, each scaled to
//! `c0 = 1` ([`G2Prepared::normalize`]), and `e(α, β)`, against which a single proof is checked
//! with three Miller loops instead of four (a batch needs the lines of `-β` instead: its `α`
//! term carries `Σ r_j`). Reading it back needs no subgroup check and no pairing
//! precomputation, only the decoding of canonical coordinates.
//!
//! # Encoding
//!
//! ```text
//! digest (32) ‖ α (96) ‖ count of IC as u32 BE (4) ‖ IC (96 each)
//!   ‖ for -β, -γ, -δ: LINES × (c1 ‖ c2), each F_p² element as c0 ‖ c1 (96)
//!   ‖ e(α, β): twelve F_p coordinates in tower order (576)
//! ```
//!
//! with points in the `bls12_381` uncompressed encoding and every coordinate canonical
//! big-endian. [`PreparedVerifyingKey::from_prepared_bytes`] checks lengths, counts, flags and
//! canonical coordinates, not that the content was derived from a valid key: that is the writer's
//! promise (the shielded pool writes only what it prepared from a key that passed every check,
//! and its `try_state` re-derives it).

use alloc::vec::Vec;

use crate::{
	bls12::{
		g1::{self, G1Affine},
		pairing::{G2Prepared, LINES},
		Fp, Fp12, Fp2, Fp6,
	},
	error::Error,
	verifying_key::MAX_PUBLIC_INPUTS,
};

const G1_BYTES: usize = 96;
const FP2_BYTES: usize = 96;
/// Bytes of one prepared `G2` point: two `F_p²` elements per line.
const PREPARED_G2_BYTES: usize = LINES * 2 * FP2_BYTES;
/// Bytes of an `F_p¹²` element.
const FP12_BYTES: usize = 6 * FP2_BYTES;

/// The encoded size of a prepared key for `num_inputs` public inputs.
pub const fn prepared_len(num_inputs: usize) -> usize {
	32 + G1_BYTES + 4 + (num_inputs + 1) * G1_BYTES + 3 * PREPARED_G2_BYTES + FP12_BYTES
}

/// A verifying key prepared for verification: see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedVerifyingKey {
	pub(crate) alpha_g1: G1Affine,
	pub(crate) ic: Vec<G1Affine>,
	pub(crate) neg_beta_g2: G2Prepared,
	pub(crate) neg_gamma_g2: G2Prepared,
	pub(crate) neg_delta_g2: G2Prepared,
	pub(crate) alpha_beta: Fp12,
	pub(crate) digest: [u8; 32],
}

impl PreparedVerifyingKey {
	/// BLAKE2b-256 of the key's encoding (personalised `zkSettle_G16__VK`): binds batch
	/// coefficients to the key and identifies a key in logs.
	pub fn digest(&self) -> &[u8; 32] {
		&self.digest
	}

	/// The number of public inputs the key expects.
	pub fn num_inputs(&self) -> usize {
		self.ic.len().saturating_sub(1)
	}

	/// The storage encoding; `None` if a prepared point is not normalised (only a key that is
	/// not a valid Groth16 key could produce one).
	pub fn to_prepared_bytes(&self) -> Option<Vec<u8>> {
		let mut out = Vec::with_capacity(prepared_len(self.num_inputs()));
		out.extend_from_slice(&self.digest);
		out.extend_from_slice(&g1::to_uncompressed(&self.alpha_g1));
		out.extend_from_slice(&u32::try_from(self.ic.len()).ok()?.to_be_bytes());
		for p in &self.ic {
			out.extend_from_slice(&g1::to_uncompressed(p));
		}
		for prepared in [&self.neg_beta_g2, &self.neg_gamma_g2, &self.neg_delta_g2] {
			if prepared.lines.len() != LINES || !prepared.is_normalized() {
				return None;
			}
			for (_, c1, c2) in &prepared.lines {
				for element in [c1, c2] {
					out.extend_from_slice(&element.c0.to_bytes_be());
					out.extend_from_slice(&element.c1.to_bytes_be());
				}
			}
		}
		for element in fp2_coordinates(&self.alpha_beta) {
			out.extend_from_slice(&element.c0.to_bytes_be());
			out.extend_from_slice(&element.c1.to_bytes_be());
		}
		Some(out)
	}

	/// Decode [`PreparedVerifyingKey::to_prepared_bytes`]'s output; see the module
	/// documentation for what is checked.
	pub fn from_prepared_bytes(bytes: &[u8]) -> Result<Self, Error> {
		let mut reader = crate::verifying_key::Reader::new(bytes);
		let digest = *reader.array::<32>()?;
		let alpha_g1 = point(reader.array()?)?;
		let count = u32::from_be_bytes(*reader.array()?) as usize;
		if count == 0 || count > MAX_PUBLIC_INPUTS + 1 {
			return Err(Error::VerifyingKeyInputCount);
		}
		if reader.remaining() != count * G1_BYTES + 3 * PREPARED_G2_BYTES + FP12_BYTES {
			return Err(Error::VerifyingKeyLength);
		}
		let ic = (0..count).map(|_| point(reader.array()?)).collect::<Result<Vec<_>, _>>()?;
		let mut prepared = || -> Result<G2Prepared, Error> {
			let mut lines = Vec::with_capacity(LINES);
			for _ in 0..LINES {
				let c1 = fp2(reader.array()?, reader.array()?)?;
				let c2 = fp2(reader.array()?, reader.array()?)?;
				lines.push((Fp2::ONE, c1, c2));
			}
			Ok(G2Prepared { lines })
		};
		let (neg_beta_g2, neg_gamma_g2, neg_delta_g2) = (prepared()?, prepared()?, prepared()?);
		let mut element = || fp2(reader.array()?, reader.array()?);
		let (a, b, c, d, e, f) = (element()?, element()?, element()?, element()?, element()?, element()?);
		let alpha_beta = Fp12 { c0: Fp6 { c0: a, c1: b, c2: c }, c1: Fp6 { c0: d, c1: e, c2: f } };
		Ok(PreparedVerifyingKey { alpha_g1, ic, neg_beta_g2, neg_gamma_g2, neg_delta_g2, alpha_beta, digest })
	}
}

/// The six `F_p²` coordinates of an `F_p¹²` element, in tower order.
fn fp2_coordinates(f: &Fp12) -> [Fp2; 6] {
	[f.c0.c0, f.c0.c1, f.c0.c2, f.c1.c0, f.c1.c1, f.c1.c2]
}

fn point(bytes: &[u8; G1_BYTES]) -> Result<G1Affine, Error> {
	g1::from_uncompressed_unchecked(bytes).ok_or(Error::PreparedKeyEncoding)
}

fn fp2(c0: &[u8; 48], c1: &[u8; 48]) -> Result<Fp2, Error> {
	let coordinate = |bytes| Fp::from_bytes_be(bytes).ok_or(Error::PreparedKeyEncoding);
	Ok(Fp2 { c0: coordinate(c0)?, c1: coordinate(c1)? })
}
