//! Cross-checks against `bls12_381`, the reference: points through their encodings, pairings
//! through the coefficients of `G_T` elements (read from `bls12_381`'s `Debug` output, the only
//! place its `F_p¹²` coordinates are public), and the tower's algebra on random elements.

use alloc::vec::Vec;
use bls12_381::{G1Projective, G2Projective, Scalar};
use group::Curve as _;
use proptest::prelude::*;

use crate::differential::same_gt;

use super::{
	fp::tests::element,
	g1::{self, G1Affine, G1Jacobian},
	g2::{self, G2Affine, G2Jacobian},
	pairing::{final_exponentiation, multi_miller_loop, pairing, G2Prepared},
	Fp, Fp12, Fp2, Fp6,
};

fn fp(v: num_bigint::BigUint) -> Fp {
	let bytes = v.to_bytes_be();
	let mut out = [0u8; 48];
	out[48 - bytes.len()..].copy_from_slice(&bytes);
	Fp::from_bytes_be(&out).unwrap()
}

prop_compose! {
	fn fp2()(c0 in element(), c1 in element()) -> Fp2 { Fp2 { c0: fp(c0), c1: fp(c1) } }
}
prop_compose! {
	fn fp6()(c0 in fp2(), c1 in fp2(), c2 in fp2()) -> Fp6 { Fp6 { c0, c1, c2 } }
}
prop_compose! {
	fn fp12()(c0 in fp6(), c1 in fp6()) -> Fp12 { Fp12 { c0, c1 } }
}
prop_compose! {
	fn scalar()(bytes in proptest::array::uniform32(any::<u8>()), more in proptest::array::uniform32(any::<u8>())) -> Scalar {
		let mut wide = [0u8; 64];
		wide[..32].copy_from_slice(&bytes);
		wide[32..].copy_from_slice(&more);
		Scalar::from_bytes_wide(&wide)
	}
}

fn ours_g1(p: &bls12_381::G1Affine) -> G1Affine {
	g1::from_uncompressed_unchecked(&p.to_uncompressed()).unwrap()
}

fn ours_g2(p: &bls12_381::G2Affine) -> G2Affine {
	g2::from_uncompressed_unchecked(&p.to_uncompressed()).unwrap()
}


proptest! {
	#![proptest_config(ProptestConfig::with_cases(32))]

	#[test]
	fn fp2_fp6_fp12_are_fields(a in fp12(), b in fp12(), c in fp12()) {
		for (x, y, z) in [(a.c0.c0, b.c0.c0, c.c0.c0), (a.c1.c2, b.c0.c1, c.c1.c1)] {
			prop_assert_eq!(x * y, y * x);
			prop_assert_eq!((x * y) * z, x * (y * z));
			prop_assert_eq!(x * (y + z), x * y + x * z);
			prop_assert_eq!(x.square(), x * x);
			prop_assert_eq!(x.mul_by_nonresidue(), x * Fp2 { c0: Fp::ONE, c1: Fp::ONE });
			prop_assert_eq!(x.invert().map(|i| i * x), (!x.is_zero()).then_some(Fp2::ONE));
		}
		for (x, y, z) in [(a.c0, b.c0, c.c0), (a.c1, b.c1, c.c1)] {
			prop_assert_eq!(x * y, y * x);
			prop_assert_eq!((x * y) * z, x * (y * z));
			prop_assert_eq!(x * (y + z), x * y + x * z);
			prop_assert_eq!(x.square(), x * x);
			prop_assert_eq!(x.invert().map(|i| i * x), (!x.is_zero()).then_some(Fp6::ONE));
			let v = Fp6 { c0: Fp2::ZERO, c1: Fp2::ONE, c2: Fp2::ZERO };
			prop_assert_eq!(x.mul_by_nonresidue(), x * v);
			prop_assert_eq!(x.mul_by_1(&y.c1), x * Fp6 { c0: Fp2::ZERO, c1: y.c1, c2: Fp2::ZERO });
			prop_assert_eq!(x.mul_by_01(&y.c0, &y.c1), x * Fp6 { c0: y.c0, c1: y.c1, c2: Fp2::ZERO });
			prop_assert_eq!(x.frobenius_map() * y.frobenius_map(), (x * y).frobenius_map());
		}
		prop_assert_eq!(a * b, b * a);
		prop_assert_eq!((a * b) * c, a * (b * c));
		prop_assert_eq!(a * (b + c), a * b + a * c);
		prop_assert_eq!(a.square(), a * a);
		prop_assert_eq!(a.invert().map(|i| i * a), (!(a.c0.is_zero() && a.c1.is_zero())).then_some(Fp12::ONE));
		let sparse = Fp12 {
			c0: Fp6 { c0: b.c0.c0, c1: b.c0.c1, c2: Fp2::ZERO },
			c1: Fp6 { c0: Fp2::ZERO, c1: b.c1.c1, c2: Fp2::ZERO },
		};
		prop_assert_eq!(a.mul_by_014(&b.c0.c0, &b.c0.c1, &b.c1.c1), a * sparse);
		prop_assert_eq!(a.frobenius_map() * b.frobenius_map(), (a * b).frobenius_map());
		prop_assert_eq!((0..12).fold(a, |f, _| f.frobenius_map()), a);
	}

	#[test]
	fn group_law_matches_bls12_381(k in scalar(), l in scalar()) {
		let (p, q) = (G1Projective::generator() * k, G1Projective::generator() * l);
		let (p_ours, q_ours) = (ours_g1(&p.to_affine()), ours_g1(&q.to_affine()));
		let sum = G1Jacobian::from(p_ours).add_affine(&q_ours);
		prop_assert_eq!(g1::to_uncompressed(&sum.to_affine()), (p + q).to_affine().to_uncompressed());
		let general = G1Jacobian::from(p_ours).double().add(&G1Jacobian::from(q_ours).double());
		prop_assert_eq!(g1::to_uncompressed(&general.to_affine()), (p.double() + q.double()).to_affine().to_uncompressed());
		prop_assert!(p_ours.is_on_curve() && g1::is_torsion_free(&p_ours));

		let (p, q) = (G2Projective::generator() * k, G2Projective::generator() * l);
		let (p_ours, q_ours) = (ours_g2(&p.to_affine()), ours_g2(&q.to_affine()));
		let sum = G2Jacobian::from(p_ours).add_affine(&q_ours).double();
		prop_assert_eq!(g2::to_uncompressed(&sum.to_affine()), (p + q).double().to_affine().to_uncompressed());
		prop_assert!(p_ours.is_on_curve() && g2::is_torsion_free(&p_ours));
	}

	#[test]
	fn subgroup_checks_agree_with_bls12_381(x in proptest::array::uniform32(any::<u8>()), more in any::<[u8; 16]>()) {
		// Points on the curves, most of them outside the subgroups: decompress random x.
		let mut compressed = [0u8; 48];
		compressed[16..].copy_from_slice(&x);
		compressed[..16].copy_from_slice(&more);
		compressed[0] = (compressed[0] & 0x0f) | 0x80;
		if let Some(p) = Option::<bls12_381::G1Affine>::from(bls12_381::G1Affine::from_compressed_unchecked(&compressed)) {
			let ours = ours_g1(&p);
			prop_assert!(ours.is_on_curve());
			prop_assert_eq!(g1::is_torsion_free(&ours), bool::from(p.is_torsion_free()));
		}
		let mut compressed = [0u8; 96];
		compressed[64..].copy_from_slice(&x);
		compressed[0] = 0x80;
		if let Some(p) = Option::<bls12_381::G2Affine>::from(bls12_381::G2Affine::from_compressed_unchecked(&compressed)) {
			let ours = ours_g2(&p);
			prop_assert!(ours.is_on_curve());
			prop_assert_eq!(g2::is_torsion_free(&ours), bool::from(p.is_torsion_free()));
		}
	}

	#[test]
	fn decoding_accepts_exactly_what_bls12_381_accepts(k in scalar(), byte in 0usize..96, bit in 0u8..8) {
		let mut bytes = (G1Projective::generator() * k).to_affine().to_uncompressed();
		bytes[byte] ^= 1 << bit;
		let reference = Option::<bls12_381::G1Affine>::from(bls12_381::G1Affine::from_uncompressed_unchecked(&bytes));
		let ours = g1::from_uncompressed_unchecked(&bytes);
		prop_assert_eq!(ours.map(|p| g1::to_uncompressed(&p)), reference.map(|p| p.to_uncompressed()));
		if let Some(p) = ours {
			prop_assert_eq!(p.is_on_curve(), bool::from(reference.unwrap().is_on_curve()));
		}
	}

	#[test]
	fn pairings_match_bls12_381(k in scalar(), l in scalar()) {
		let (p, q) = ((G1Projective::generator() * k).to_affine(), (G2Projective::generator() * l).to_affine());
		let ours = pairing(&ours_g1(&p), &ours_g2(&q)).unwrap();
		prop_assert!(same_gt(&ours, &bls12_381::pairing(&p, &q)));
	}
}

#[test]
fn multi_miller_loop_matches_bls12_381_with_identities() {
	let k = Scalar::from(0x1234_5678u64);
	let p = [bls12_381::G1Affine::generator(), (G1Projective::generator() * k).to_affine(), bls12_381::G1Affine::identity()];
	let q = [(G2Projective::generator() * k.double()).to_affine(), bls12_381::G2Affine::generator(), bls12_381::G2Affine::generator()];
	let ours_p: Vec<G1Affine> = p.iter().map(ours_g1).collect();
	let ours_q: Vec<G2Prepared> = q.iter().map(|q| G2Prepared::new(&ours_g2(q))).collect();
	let terms: Vec<(&G1Affine, &G2Prepared)> = ours_p.iter().zip(ours_q.iter()).collect();
	let ours = final_exponentiation(&multi_miller_loop(&terms)).unwrap();
	let reference_q: Vec<bls12_381::G2Prepared> = q.iter().map(|q| bls12_381::G2Prepared::from(*q)).collect();
	let reference_terms: Vec<_> = p.iter().zip(reference_q.iter()).collect();
	let reference = bls12_381::multi_miller_loop(&reference_terms).final_exponentiation();
	assert!(same_gt(&ours, &reference));
	assert!(!same_gt(&Fp12::ONE, &reference));
	assert!(same_gt(&Fp12::ONE, &bls12_381::Gt::identity()));
	assert_eq!(ours_q[0].lines.len(), 68);
	assert!(G2Prepared::new(&G2Affine::IDENTITY).lines.is_empty());
	// Bilinearity: e(k·P, Q) · e(-P, k·Q) = 1.
	let kp = ours_g1(&p[1]);
	let minus_p = ours_g1(&p[0]).neg();
	let (q, kq) = (G2Prepared::new(&ours_g2(&q[1])), G2Prepared::new(&ours_g2(&(G2Projective::generator() * k).to_affine())));
	let product = final_exponentiation(&multi_miller_loop(&[(&kp, &q), (&minus_p, &kq)])).unwrap();
	assert_eq!(product, Fp12::ONE);
	assert_ne!(final_exponentiation(&multi_miller_loop(&[(&kp, &q)])).unwrap(), Fp12::ONE);
}

#[test]
fn the_endomorphism_is_multiplication_by_minus_x_squared_on_g1() {
	// The batch verifier relies on φ(P) = λ·P with λ = -x² (mod r).
	let lambda = -Scalar::from(super::BLS_X_ABS).square();
	for k in [1u64, 7, 0xdead_beef] {
		let p = (G1Projective::generator() * Scalar::from(k)).to_affine();
		let image = g1::endomorphism(&ours_g1(&p));
		assert_eq!(g1::to_uncompressed(&image), (p * lambda).to_affine().to_uncompressed());
	}
}

#[test]
fn normalised_lines_give_the_same_pairing() {
	let p = ours_g1(&(G1Projective::generator() * Scalar::from(5u64)).to_affine());
	let q = ours_g2(&(G2Projective::generator() * Scalar::from(3u64)).to_affine());
	let mut prepared = G2Prepared::new(&q);
	let before = final_exponentiation(&multi_miller_loop(&[(&p, &prepared)])).unwrap();
	assert!(!prepared.is_normalized());
	assert!(prepared.normalize());
	assert!(prepared.is_normalized());
	assert_eq!(final_exponentiation(&multi_miller_loop(&[(&p, &prepared)])).unwrap(), before);
}
