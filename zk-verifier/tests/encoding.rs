//! Every malformed encoding is rejected with its own typed error, never a panic.

use bls12_381::{G1Affine, G1Projective, G2Affine, Scalar};
use zk_verifier::bls12::{g1, g2};
use zk_verifier::{decode_inputs, Element, Error, PointFault, Proof, VerifyingKey, PROOF_SIZE, PROOF_UNCOMPRESSED_SIZE};

fn point_error(element: Element, fault: PointFault) -> Error {
	Error::Point { element, fault }
}

/// A valid-looking proof built from arbitrary group elements (decoding does not judge validity).
fn some_proof() -> [u8; PROOF_SIZE] {
	Proof {
		a: g1::from_reference(&G1Affine::generator()),
		b: g2::from_reference(&G2Affine::generator()),
		c: g1::from_reference(&G1Affine::from(G1Projective::generator().double())),
	}
	.to_bytes()
	.unwrap()
}

/// A compressed G1 encoding of a curve point outside the prime-order subgroup: the first `x`
/// (counting up) whose decompression succeeds but is not torsion-free.
fn g1_outside_subgroup() -> [u8; 48] {
	for x in 1u64.. {
		let mut bytes = [0u8; 48];
		bytes[40..].copy_from_slice(&x.to_be_bytes());
		bytes[0] |= 0x80; // compressed flag
		if let Some(p) = Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(&bytes)) {
			if !bool::from(p.is_torsion_free()) {
				return bytes;
			}
		}
	}
	unreachable!()
}

#[test]
fn proof_length_is_checked() {
	let bytes = some_proof();
	assert_eq!(Proof::from_bytes(&bytes[..191]), Err(Error::ProofLength));
	assert_eq!(Proof::from_bytes(&[bytes.as_slice(), &[0]].concat()), Err(Error::ProofLength));
	assert!(Proof::from_bytes(&bytes).is_ok());
}

#[test]
fn proof_points_are_checked() {
	let good = some_proof();

	// Identity for A (compressed infinity: flags 0b110, rest zero).
	let mut bytes = good;
	bytes[..48].fill(0);
	bytes[0] = 0xc0;
	assert_eq!(Proof::from_bytes(&bytes), Err(point_error(Element::ProofA, PointFault::Identity)));

	// Missing compression flag on C.
	let mut bytes = good;
	bytes[144] &= 0x7f;
	assert_eq!(Proof::from_bytes(&bytes), Err(point_error(Element::ProofC, PointFault::Encoding)));

	// Non-canonical x coordinate for A (all ones is above the base-field modulus).
	let mut bytes = good;
	bytes[..48].fill(0xff);
	bytes[0] = 0x9f;
	assert_eq!(Proof::from_bytes(&bytes), Err(point_error(Element::ProofA, PointFault::Encoding)));

	// A point on the curve but outside the subgroup.
	let mut bytes = good;
	bytes[144..].copy_from_slice(&g1_outside_subgroup());
	assert_eq!(Proof::from_bytes(&bytes), Err(point_error(Element::ProofC, PointFault::NotInSubgroup)));

	// B: identity.
	let mut bytes = good;
	bytes[48..144].fill(0);
	bytes[48] = 0xc0;
	assert_eq!(Proof::from_bytes(&bytes), Err(point_error(Element::ProofB, PointFault::Identity)));
}

/// The uncompressed encoding decodes to the same proof and is checked as strictly: length,
/// on-curve, subgroup, identity, each with its own error.
#[test]
fn uncompressed_proofs_are_checked() {
	let proof = Proof::from_bytes(&some_proof()).unwrap();
	let good = proof.to_uncompressed_bytes();
	assert_eq!(good.len(), PROOF_UNCOMPRESSED_SIZE);
	assert_eq!(Proof::from_uncompressed_bytes(&good), Ok(proof.clone()));
	assert_eq!(Proof::from_uncompressed_bytes(&good[..383]), Err(Error::ProofLength));
	assert_eq!(Proof::from_uncompressed_bytes(&some_proof()), Err(Error::ProofLength));

	// A off the curve: perturb its y coordinate (bytes 48..96).
	let mut bytes = good;
	bytes[95] ^= 1;
	assert_eq!(Proof::from_uncompressed_bytes(&bytes), Err(point_error(Element::ProofA, PointFault::NotOnCurve)));
	// B off the curve.
	let mut bytes = good;
	bytes[96 + 191] ^= 1;
	assert_eq!(Proof::from_uncompressed_bytes(&bytes), Err(point_error(Element::ProofB, PointFault::NotOnCurve)));
	// C on the curve, outside the subgroup.
	let outside = Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(&g1_outside_subgroup())).unwrap();
	let mut bytes = good;
	bytes[288..].copy_from_slice(&outside.to_uncompressed());
	assert_eq!(Proof::from_uncompressed_bytes(&bytes), Err(point_error(Element::ProofC, PointFault::NotInSubgroup)));
	// B the identity.
	let mut bytes = good;
	bytes[96..288].copy_from_slice(&G2Affine::identity().to_uncompressed());
	assert_eq!(Proof::from_uncompressed_bytes(&bytes), Err(point_error(Element::ProofB, PointFault::Identity)));
	// A compressed flag in an uncompressed encoding.
	let mut bytes = good;
	bytes[0] |= 0x80;
	assert_eq!(Proof::from_uncompressed_bytes(&bytes), Err(point_error(Element::ProofA, PointFault::Encoding)));
}

fn a_key() -> VerifyingKey {
	let p = g1::from_reference(&G1Affine::generator());
	let q = g2::from_reference(&G2Affine::generator());
	VerifyingKey {
		alpha_g1: p,
		beta_g1: p,
		beta_g2: q,
		gamma_g2: q,
		delta_g1: p,
		delta_g2: q,
		ic: vec![p, g1::from_reference(&G1Affine::from(G1Projective::generator().double()))],
	}
}

#[test]
fn verifying_key_lengths_and_counts_are_checked() {
	let bytes = a_key().to_bytes();
	assert_eq!(bytes.len(), zk_verifier::verifying_key_len(1));
	assert_eq!(VerifyingKey::from_bytes(&bytes).unwrap(), a_key());
	assert_eq!(VerifyingKey::from_bytes(&bytes[..bytes.len() - 1]), Err(Error::VerifyingKeyLength));
	assert_eq!(VerifyingKey::from_bytes(&[bytes.as_slice(), &[0]].concat()), Err(Error::VerifyingKeyLength));
	assert_eq!(VerifyingKey::from_bytes(&bytes[..100]), Err(Error::VerifyingKeyLength));
	// The IC count claims 2^32 - 1 elements: rejected before any allocation.
	let count_at = bytes.len() - 2 * 96 - 4;
	let mut huge = bytes.clone();
	huge[count_at..count_at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
	assert_eq!(VerifyingKey::from_bytes(&huge), Err(Error::VerifyingKeyInputCount));
	let mut zero = bytes.clone();
	zero[count_at..count_at + 4].copy_from_slice(&0u32.to_be_bytes());
	assert_eq!(VerifyingKey::from_bytes(&zero[..count_at + 4]), Err(Error::VerifyingKeyInputCount));
}

#[test]
fn verifying_key_points_are_checked() {
	let bytes = a_key().to_bytes();
	// Off the curve: perturb the y coordinate of alpha (uncompressed, bytes 48..96).
	let mut off = bytes.clone();
	off[95] ^= 1;
	assert_eq!(VerifyingKey::from_bytes(&off), Err(point_error(Element::Alpha, PointFault::NotOnCurve)));
	// Identity gamma (uncompressed infinity: flag 0x40, rest zero) at offset 96*2 + 192.
	let mut identity = bytes.clone();
	let gamma = 96 * 2 + 192;
	identity[gamma..gamma + 192].fill(0);
	identity[gamma] = 0x40;
	assert_eq!(VerifyingKey::from_bytes(&identity), Err(point_error(Element::Gamma, PointFault::Identity)));
	// Outside the subgroup: IC[1] replaced by a non-torsion-free point.
	let point = G1Affine::from_compressed_unchecked(&g1_outside_subgroup()).unwrap();
	let mut outside = bytes.clone();
	let ic1 = bytes.len() - 96;
	outside[ic1..].copy_from_slice(&point.to_uncompressed());
	assert_eq!(VerifyingKey::from_bytes(&outside), Err(point_error(Element::Ic(1), PointFault::NotInSubgroup)));
	// Compression flag set in an uncompressed encoding (delta_g1 follows alpha, beta_g1, beta_g2,
	// gamma).
	let delta_g1 = 96 * 2 + 192 * 2;
	let mut flagged = bytes.clone();
	flagged[delta_g1] |= 0x80;
	assert_eq!(VerifyingKey::from_bytes(&flagged), Err(point_error(Element::DeltaG1, PointFault::Encoding)));
}

#[test]
fn checked_bytes_skip_only_the_expensive_checks() {
	let bytes = a_key().to_bytes();
	assert_eq!(VerifyingKey::from_checked_bytes(&bytes).unwrap(), a_key());
	// Lengths, counts, flags and coordinates are still refused with the same errors.
	assert_eq!(VerifyingKey::from_checked_bytes(&bytes[..bytes.len() - 1]), Err(Error::VerifyingKeyLength));
	let count_at = bytes.len() - 2 * 96 - 4;
	let mut huge = bytes.clone();
	huge[count_at..count_at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
	assert_eq!(VerifyingKey::from_checked_bytes(&huge), Err(Error::VerifyingKeyInputCount));
	let delta_g1 = 96 * 2 + 192 * 2;
	let mut flagged = bytes.clone();
	flagged[delta_g1] |= 0x80;
	assert_eq!(VerifyingKey::from_checked_bytes(&flagged), Err(point_error(Element::DeltaG1, PointFault::Encoding)));
	let mut non_canonical = bytes.clone();
	non_canonical[0] = 0x1f; // no flags, the top five bits of alpha.x set ...
	non_canonical[1..48].fill(0xff); // ... and the rest: alpha.x ≥ p
	assert_eq!(
		VerifyingKey::from_checked_bytes(&non_canonical),
		Err(point_error(Element::Alpha, PointFault::Encoding))
	);
	// What it skips: a point outside the subgroup decodes. This is why the pallet only ever
	// feeds it bytes that `from_bytes` accepted when they were installed.
	let point = G1Affine::from_compressed_unchecked(&g1_outside_subgroup()).unwrap();
	let mut outside = bytes.clone();
	let ic1 = bytes.len() - 96;
	outside[ic1..].copy_from_slice(&point.to_uncompressed());
	assert!(VerifyingKey::from_bytes(&outside).is_err());
	assert!(VerifyingKey::from_checked_bytes(&outside).is_ok());
}

#[test]
fn public_inputs_must_be_canonical() {
	let modulus_le: [u8; 32] = {
		let mut m = (-Scalar::one()).to_bytes();
		m[0] += 1; // r - 1 + 1 = r, little-endian; r ends in ...01 so no carry
		m
	};
	let ok = Scalar::from(5u64).to_bytes();
	assert_eq!(decode_inputs(&[ok, (-Scalar::one()).to_bytes()]).unwrap().len(), 2);
	assert_eq!(decode_inputs(&[ok, modulus_le]), Err(Error::NonCanonicalScalar { index: 1 }));
	assert_eq!(decode_inputs(&[[0xff; 32]]), Err(Error::NonCanonicalScalar { index: 0 }));
}

#[test]
fn wrong_input_count_is_a_typed_error() {
	let pvk = a_key().prepare();
	let proof = Proof::from_bytes(&some_proof()).unwrap();
	assert_eq!(
		zk_verifier::verify(&pvk, &proof, &[]),
		Err(Error::InputCount { expected: 1, got: 0 })
	);
	assert_eq!(
		zk_verifier::verify(&pvk, &proof, &[Scalar::one()]),
		Err(Error::VerificationFailed)
	);
}

#[test]
fn prepared_keys_round_trip_and_their_encoding_is_checked() {
	let prepared = a_key().prepare();
	let bytes = prepared.to_prepared_bytes().unwrap();
	assert_eq!(bytes.len(), zk_verifier::prepared_key_len(1));
	let decoded = zk_verifier::PreparedVerifyingKey::from_prepared_bytes(&bytes).unwrap();
	assert_eq!(decoded, prepared);
	assert_eq!(decoded.digest(), prepared.digest());

	// Lengths and counts.
	let from = zk_verifier::PreparedVerifyingKey::from_prepared_bytes;
	assert_eq!(from(&bytes[..bytes.len() - 1]), Err(Error::VerifyingKeyLength));
	assert_eq!(from(&[bytes.as_slice(), &[0]].concat()), Err(Error::VerifyingKeyLength));
	assert_eq!(from(&bytes[..20]), Err(Error::VerifyingKeyLength));
	let count_at = 32 + 96;
	let mut huge = bytes.clone();
	huge[count_at..count_at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
	assert_eq!(from(&huge), Err(Error::VerifyingKeyInputCount));
	// A line coordinate that is not canonical (the first line of -β, c1.c0 := all ones).
	let lines_at = count_at + 4 + 2 * 96;
	let mut bad = bytes.clone();
	bad[lines_at..lines_at + 48].fill(0xff);
	assert_eq!(from(&bad), Err(Error::PreparedKeyEncoding));
	// A compression flag on alpha.
	let mut bad = bytes.clone();
	bad[32] |= 0x80;
	assert_eq!(from(&bad), Err(Error::PreparedKeyEncoding));
}
