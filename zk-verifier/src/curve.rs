//! Checked decoding of group elements, and variable-time scalar multiplication in G1, on the
//! verifier's own arithmetic ([`crate::bls12`]).
//!
//! Decoding never trusts the bytes: coordinates must be canonical, points must be on the curve,
//! in the prime-order subgroup, and not the identity (no honest Groth16 proof or key element is
//! the identity). Each failure is reported as its own [`PointFault`]. The encodings are
//! `bls12_381`'s (Zcash's); compressed points are decompressed by `bls12_381` (a square root),
//! then checked here like the others.
//!
//! Scalar multiplication here is variable-time on purpose: every scalar a verifier multiplies by
//! is public (public inputs, batch coefficients), and the width-5 NAF with interleaved (Straus)
//! evaluation is several times faster than constant-time double-and-add.

use alloc::vec::Vec;
use bls12_381::Scalar;

use crate::{
	bls12::{
		g1::{self, G1Affine, G1Jacobian},
		g2::{self, G2Affine},
		group::Jacobian,
	},
	error::{Element, Error, PointFault},
};

fn fault(element: Element, fault: PointFault) -> Error {
	Error::Point { element, fault }
}

/// Decode a compressed G1 point (48 bytes, the `groth16` proof encoding of `A` and `C`).
pub fn g1_compressed(bytes: &[u8; 48], element: Element) -> Result<G1Affine, Error> {
	// `_unchecked` decompression still rejects bad flags, non-canonical `x` and `x` with no `y`;
	// it skips only the subgroup check, which is done below so that it gets its own error.
	let point = Option::<bls12_381::G1Affine>::from(bls12_381::G1Affine::from_compressed_unchecked(bytes))
		.ok_or(fault(element, PointFault::Encoding))?;
	let point = g1::from_uncompressed_unchecked(&point.to_uncompressed()).ok_or(fault(element, PointFault::Encoding))?;
	check_g1(point, element)
}

/// Decode an uncompressed G1 point (96 bytes: proofs in calls, verifying keys).
pub fn g1_uncompressed(bytes: &[u8; 96], element: Element) -> Result<G1Affine, Error> {
	let point = g1_uncompressed_trusted(bytes, element)?;
	if !point.is_on_curve() {
		return Err(fault(element, PointFault::NotOnCurve));
	}
	check_g1(point, element)
}

/// Decode a compressed G2 point (96 bytes, proof element `B`).
pub fn g2_compressed(bytes: &[u8; 96], element: Element) -> Result<G2Affine, Error> {
	let point = Option::<bls12_381::G2Affine>::from(bls12_381::G2Affine::from_compressed_unchecked(bytes))
		.ok_or(fault(element, PointFault::Encoding))?;
	let point = g2::from_uncompressed_unchecked(&point.to_uncompressed()).ok_or(fault(element, PointFault::Encoding))?;
	check_g2(point, element)
}

/// Decode an uncompressed G2 point (192 bytes).
pub fn g2_uncompressed(bytes: &[u8; 192], element: Element) -> Result<G2Affine, Error> {
	let point = g2_uncompressed_trusted(bytes, element)?;
	if !point.is_on_curve() {
		return Err(fault(element, PointFault::NotOnCurve));
	}
	check_g2(point, element)
}

/// Decode an uncompressed G1 point that was checked before: flags and canonical coordinates
/// only (see [`crate::VerifyingKey::from_checked_bytes`]).
pub fn g1_uncompressed_trusted(bytes: &[u8; 96], element: Element) -> Result<G1Affine, Error> {
	g1::from_uncompressed_unchecked(bytes).ok_or(fault(element, PointFault::Encoding))
}

/// Decode an uncompressed G2 point that was checked before: flags and canonical coordinates
/// only.
pub fn g2_uncompressed_trusted(bytes: &[u8; 192], element: Element) -> Result<G2Affine, Error> {
	g2::from_uncompressed_unchecked(bytes).ok_or(fault(element, PointFault::Encoding))
}

fn check_g1(point: G1Affine, element: Element) -> Result<G1Affine, Error> {
	if point.infinity {
		return Err(fault(element, PointFault::Identity));
	}
	if !g1::is_torsion_free(&point) {
		return Err(fault(element, PointFault::NotInSubgroup));
	}
	Ok(point)
}

fn check_g2(point: G2Affine, element: Element) -> Result<G2Affine, Error> {
	if point.infinity {
		return Err(fault(element, PointFault::Identity));
	}
	if !g2::is_torsion_free(&point) {
		return Err(fault(element, PointFault::NotInSubgroup));
	}
	Ok(point)
}

/// Decode a public input: a canonical (`< r`) little-endian scalar.
pub fn scalar(bytes: &[u8; 32], index: usize) -> Result<Scalar, Error> {
	Option::from(Scalar::from_bytes(bytes))
		.ok_or(Error::NonCanonicalScalar { index: index.try_into().unwrap_or(u32::MAX) })
}

/// NAF window width. Width 5 keeps 8 odd multiples per point.
const WINDOW: u32 = 5;

/// The width-[`WINDOW`] non-adjacent form of a little-endian integer: digits are zero or odd in
/// `(-2^(w-1), 2^(w-1))`, least significant first.
fn wnaf(limbs: &[u64]) -> Vec<i8> {
	// One spare limb absorbs the carry of a negative digit at the top.
	let mut k: Vec<u64> = limbs.iter().copied().chain(core::iter::once(0)).collect();
	let mut digits = Vec::with_capacity(k.len() * 64 + 1);
	let width_mask: u64 = (1 << WINDOW) - 1;
	let half: i64 = 1 << (WINDOW - 1);
	while k.iter().any(|&limb| limb != 0) {
		let low = k.first().copied().unwrap_or(0);
		let digit = if low & 1 == 1 {
			let mut d = (low & width_mask) as i64;
			if d >= half {
				d -= 1 << WINDOW;
			}
			// k -= d
			if d > 0 {
				sub_small(&mut k, d as u64);
			} else {
				add_small(&mut k, (-d) as u64);
			}
			d as i8
		} else {
			0
		};
		digits.push(digit);
		shr1(&mut k);
	}
	digits
}

fn sub_small(k: &mut [u64], v: u64) {
	let mut borrow = v;
	for limb in k.iter_mut() {
		let (d, b) = limb.overflowing_sub(borrow);
		*limb = d;
		borrow = b as u64;
		if borrow == 0 {
			break;
		}
	}
}

fn add_small(k: &mut [u64], v: u64) {
	let mut carry = v;
	for limb in k.iter_mut() {
		let (s, c) = limb.overflowing_add(carry);
		*limb = s;
		carry = c as u64;
		if carry == 0 {
			break;
		}
	}
}

fn shr1(k: &mut [u64]) {
	let mut carry = 0u64;
	for limb in k.iter_mut().rev() {
		let next = *limb & 1;
		*limb = (*limb >> 1) | (carry << 63);
		carry = next;
	}
}

/// The little-endian limbs of a scalar's canonical integer.
pub fn scalar_limbs(s: &Scalar) -> [u64; 4] {
	let bytes = s.to_bytes();
	let mut limbs = [0u64; 4];
	for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
		let mut word = [0u8; 8];
		word.copy_from_slice(chunk);
		*limb = u64::from_le_bytes(word);
	}
	limbs
}

/// `Σ k_i · P_i` for public integers `k_i` (little-endian limbs), variable time.
pub fn msm_vartime(points: &[G1Affine], scalars: &[&[u64]]) -> G1Jacobian {
	Tables::new(points).msm(0, scalars)
}

/// `k · P` for a public integer `k`, variable time.
pub fn mul_vartime(point: &G1Affine, scalar: &[u64]) -> G1Jacobian {
	msm_vartime(core::slice::from_ref(point), &[scalar])
}

/// Odd multiples per table.
const TABLE: usize = 1 << (WINDOW - 2);

/// The odd multiples `[P, 3P, 5P, …, (2^(w-1) - 1)P]` of several points, concatenated, brought
/// to affine form with one inversion for all of them, so that every addition of a
/// multi-exponentiation is a mixed one.
pub struct Tables(Vec<G1Affine>);

impl Tables {
	/// The tables of `points`.
	pub fn new(points: &[G1Affine]) -> Tables {
		let mut jacobian = Vec::with_capacity(points.len() * TABLE);
		for p in points {
			let double = Jacobian::from(*p).double();
			let mut next = Jacobian::from(*p);
			for k in 0..TABLE {
				jacobian.push(next);
				if k + 1 < TABLE {
					next = next.add(&double);
				}
			}
		}
		Tables(Jacobian::batch_to_affine(&jacobian))
	}

	/// `Σ k_i · P_{first + i}`, variable time.
	///
	/// Straus' method: the doublings are shared by all terms, each term adds one precomputed
	/// odd multiple per non-zero NAF digit. Scalars beyond the tables count as zero.
	pub fn msm(&self, first: usize, scalars: &[&[u64]]) -> G1Jacobian {
		let tables = self.0.get(first.saturating_mul(TABLE)..).unwrap_or(&[]);
		let digits: Vec<Vec<i8>> = scalars.iter().map(|s| wnaf(s)).collect();
		let length = digits.iter().map(Vec::len).max().unwrap_or(0);
		let mut acc = G1Jacobian::IDENTITY;
		for i in (0..length).rev() {
			acc = acc.double();
			for (table, naf) in tables.chunks_exact(TABLE).zip(digits.iter()) {
				// Digits are odd and below 2^(w-1) in magnitude, so `|d| / 2` indexes the table.
				let digit = naf.get(i).copied().unwrap_or(0);
				if let Some(multiple) = table.get(usize::from(digit.unsigned_abs()) / 2) {
					match digit {
						0 => {},
						d if d > 0 => acc = acc.add_affine(multiple),
						_ => acc = acc.add_affine(&multiple.neg()),
					}
				}
			}
		}
		acc
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn wnaf_reconstructs_the_integer() {
		for v in [0u64, 1, 2, 15, 16, 17, 31, 0xdead_beef, u64::MAX] {
			let digits = wnaf(&[v, 0]);
			let mut acc: i128 = 0;
			for d in digits.iter().rev() {
				acc = acc * 2 + *d as i128;
				assert!(*d == 0 || (d % 2 != 0 && d.unsigned_abs() < 16));
			}
			assert_eq!(acc, v as i128);
		}
	}

	#[test]
	fn msm_matches_constant_time_multiplication() {
		use bls12_381::G1Projective;
		let reference = [G1Projective::generator(), G1Projective::generator() * Scalar::from(7u64)];
		let [g, h] = reference.map(|p| g1::from_reference(&p.into()));
		let a = -Scalar::from(3u64); // r - 3: a full-width scalar
		let b = Scalar::from(0x1234_5678_9abc_def0u64);
		let expected = reference[0] * a + reference[1] * b;
		let got = msm_vartime(&[g, h], &[&scalar_limbs(&a), &scalar_limbs(&b)]);
		assert_eq!(g1::to_reference(&got.to_affine()), Some(expected.into()));
		assert!(mul_vartime(&g, &[0, 0]).is_identity());
		assert!(msm_vartime(&[], &[]).is_identity());
	}
}
