//! Groth16 verifying keys in the `groth16` crate's encoding, and their prepared form.

use alloc::vec::Vec;


use crate::{
	bls12::{
		g1::{self, G1Affine},
		g2::{self, G2Affine},
		pairing::{self, G2Prepared},
		Fp12, Fp6,
	},
	curve,
	error::{Element, Error},
	prepared_key::PreparedVerifyingKey,
};

/// Most public inputs a key may have. Bounds the work and memory a key can demand; the
/// shielded-transfer circuit has [`crate::public_inputs::TRANSFER_INPUTS`].
pub const MAX_PUBLIC_INPUTS: usize = 64;

const G1_UNCOMPRESSED: usize = 96;
const G2_UNCOMPRESSED: usize = 192;
/// Bytes before the `IC` elements: α, β₁, β₂, γ, δ₁, δ₂ and the `u32` length.
const FIXED_PART: usize = 3 * G1_UNCOMPRESSED + 3 * G2_UNCOMPRESSED + 4;

/// A checked Groth16 verifying key over BLS12-381.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyingKey {
	/// `α ∈ G1`.
	pub alpha_g1: G1Affine,
	/// `β ∈ G1` (unused by verification, kept for the byte format).
	pub beta_g1: G1Affine,
	/// `β ∈ G2`.
	pub beta_g2: G2Affine,
	/// `γ ∈ G2`.
	pub gamma_g2: G2Affine,
	/// `δ ∈ G1` (unused by verification, kept for the byte format).
	pub delta_g1: G1Affine,
	/// `δ ∈ G2`.
	pub delta_g2: G2Affine,
	/// `IC[0..=l]`: the commitment to the constant `1` and one per public input.
	pub ic: Vec<G1Affine>,
}

/// The encoded size of a key for `num_inputs` public inputs.
pub const fn encoded_len(num_inputs: usize) -> usize {
	FIXED_PART + (num_inputs + 1) * G1_UNCOMPRESSED
}

impl VerifyingKey {
	/// Decode and check a key in the `groth16::VerifyingKey::write` encoding: uncompressed
	/// α₁ ‖ β₁ ‖ β₂ ‖ γ₂ ‖ δ₁ ‖ δ₂ ‖ `u32` big-endian IC count ‖ IC (uncompressed).
	///
	/// Stricter than `groth16::VerifyingKey::read` in one respect: α, β, γ and δ may not be the
	/// identity either (no key from a real setup has them so; an identity γ or δ would make the
	/// pairing equation ignore the inputs or `C`).
	pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
		Self::decode(bytes, Checks::All)
	}

	/// Decode a key that [`VerifyingKey::from_bytes`] accepted before, e.g. one a chain stored
	/// after checking it: lengths, flags and canonical coordinates are still checked (a bad
	/// byte string is an error, never a panic), but not the curve equation, the subgroup or the
	/// identity, which are what make checking a key expensive. Never for untrusted bytes: a
	/// point outside the subgroup makes verification unsound.
	pub fn from_checked_bytes(bytes: &[u8]) -> Result<Self, Error> {
		Self::decode(bytes, Checks::EncodingOnly)
	}

	fn decode(bytes: &[u8], checks: Checks) -> Result<Self, Error> {
		if bytes.len() < FIXED_PART {
			return Err(Error::VerifyingKeyLength);
		}
		let mut reader = Reader { bytes };
		let g1 = |bytes: &[u8; G1_UNCOMPRESSED], element| match checks {
			Checks::All => curve::g1_uncompressed(bytes, element),
			Checks::EncodingOnly => curve::g1_uncompressed_trusted(bytes, element),
		};
		let g2 = |bytes: &[u8; G2_UNCOMPRESSED], element| match checks {
			Checks::All => curve::g2_uncompressed(bytes, element),
			Checks::EncodingOnly => curve::g2_uncompressed_trusted(bytes, element),
		};
		let alpha_g1 = g1(reader.array()?, Element::Alpha)?;
		let beta_g1 = g1(reader.array()?, Element::BetaG1)?;
		let beta_g2 = g2(reader.array()?, Element::BetaG2)?;
		let gamma_g2 = g2(reader.array()?, Element::Gamma)?;
		let delta_g1 = g1(reader.array()?, Element::DeltaG1)?;
		let delta_g2 = g2(reader.array()?, Element::DeltaG2)?;
		let ic_len = u32::from_be_bytes(*reader.array()?) as usize;
		if ic_len == 0 || ic_len > MAX_PUBLIC_INPUTS + 1 {
			return Err(Error::VerifyingKeyInputCount);
		}
		// The length is checked before anything is allocated from the untrusted count.
		if reader.bytes.len() != ic_len * G1_UNCOMPRESSED {
			return Err(Error::VerifyingKeyLength);
		}
		let mut ic = Vec::with_capacity(ic_len);
		for i in 0..ic_len {
			ic.push(g1(reader.array()?, Element::Ic(i as u32))?);
		}
		Ok(VerifyingKey { alpha_g1, beta_g1, beta_g2, gamma_g2, delta_g1, delta_g2, ic })
	}

	/// Encode as `groth16::VerifyingKey::write` does.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(encoded_len(self.num_inputs()));
		out.extend_from_slice(&g1::to_uncompressed(&self.alpha_g1));
		out.extend_from_slice(&g1::to_uncompressed(&self.beta_g1));
		out.extend_from_slice(&g2::to_uncompressed(&self.beta_g2));
		out.extend_from_slice(&g2::to_uncompressed(&self.gamma_g2));
		out.extend_from_slice(&g1::to_uncompressed(&self.delta_g1));
		out.extend_from_slice(&g2::to_uncompressed(&self.delta_g2));
		out.extend_from_slice(&(self.ic.len() as u32).to_be_bytes());
		for p in &self.ic {
			out.extend_from_slice(&g1::to_uncompressed(p));
		}
		out
	}

	/// Number of public inputs the key verifies (`IC` length minus one).
	pub fn num_inputs(&self) -> usize {
		self.ic.len().saturating_sub(1)
	}

	/// Precompute what every verification under this key shares: the Miller-loop lines of
	/// `-β`, `-γ`, `-δ`, normalised for storage, and `e(α, β)` ([`crate::PreparedVerifyingKey`]):
	/// one pairing, once per key, saves a Miller-loop term in every single verification.
	pub fn prepare(&self) -> PreparedVerifyingKey {
		let prepare = |q: &G2Affine| {
			let mut prepared = G2Prepared::new(&q.neg());
			// A key point outside G2 may fail to normalise; it keeps its (equally valid) lines
			// and cannot be stored (`to_prepared_bytes` refuses it).
			prepared.normalize();
			prepared
		};
		PreparedVerifyingKey {
			alpha_g1: self.alpha_g1,
			ic: self.ic.clone(),
			neg_beta_g2: prepare(&self.beta_g2),
			neg_gamma_g2: prepare(&self.gamma_g2),
			neg_delta_g2: prepare(&self.delta_g2),
			// `None` only for a Miller-loop output of zero, which no points give; zero then
			// fails every single verification instead of passing any.
			alpha_beta: pairing::pairing(&self.alpha_g1, &self.beta_g2)
				.unwrap_or(Fp12 { c0: Fp6::ZERO, c1: Fp6::ZERO }),
			digest: digest(&self.to_bytes()),
		}
	}
}

fn digest(encoded: &[u8]) -> [u8; 32] {
	let hash = blake2b_simd::Params::new()
		.hash_length(32)
		.personal(b"zkSettle_G16__VK")
		.hash(encoded);
	let mut out = [0u8; 32];
	out.copy_from_slice(hash.as_bytes());
	out
}

/// How much of a key's encoding [`VerifyingKey::decode`] checks.
#[derive(Clone, Copy)]
enum Checks {
	/// Everything: for bytes from outside.
	All,
	/// Lengths, flags and canonical coordinates: for bytes that passed `All` before.
	EncodingOnly,
}

/// A cursor over the key bytes that fails with a length error instead of panicking.
pub(crate) struct Reader<'a> {
	bytes: &'a [u8],
}

impl<'a> Reader<'a> {
	pub(crate) fn new(bytes: &'a [u8]) -> Self {
		Reader { bytes }
	}

	/// Bytes not read yet.
	pub(crate) fn remaining(&self) -> usize {
		self.bytes.len()
	}

	pub(crate) fn array<const N: usize>(&mut self) -> Result<&'a [u8; N], Error> {
		if self.bytes.len() < N {
			return Err(Error::VerifyingKeyLength);
		}
		let (head, tail) = self.bytes.split_at(N);
		self.bytes = tail;
		head.try_into().map_err(|_| Error::VerifyingKeyLength)
	}
}
