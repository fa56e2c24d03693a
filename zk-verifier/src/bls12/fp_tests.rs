//! `F_p` against `num-bigint`: constants, encodings, lazy representatives, every operation.

use super::*;
use num_bigint::BigUint;
use proptest::prelude::*;

pub(crate) fn modulus() -> BigUint {
	BigUint::parse_bytes(MODULUS_HEX.as_bytes(), 16).unwrap()
}

fn to_big(x: &Fp) -> BigUint {
	BigUint::from_bytes_be(&x.to_bytes_be())
}

fn from_big(v: &BigUint) -> Fp {
	let bytes = v.to_bytes_be();
	let mut out = [0u8; 48];
	out[48 - bytes.len()..].copy_from_slice(&bytes);
	Fp::from_bytes_be(&out).unwrap()
}

/// Elements from 48 random bytes reduced mod p, and edge values.
pub(crate) fn element() -> impl Strategy<Value = BigUint> {
	prop_oneof![
		4 => proptest::collection::vec(any::<u8>(), 48).prop_map(|b| BigUint::from_bytes_be(&b) % modulus()),
		1 => prop_oneof![
			Just(BigUint::from(0u8)),
			Just(BigUint::from(1u8)),
			Just(modulus() - 1u8),
			Just(modulus() - 2u8),
			Just((modulus() - 1u8) / 2u8),
		],
	]
}

#[test]
fn constants_are_derived_from_p() {
	let p = modulus();
	let r = BigUint::from(1u8) << 390;
	assert_eq!(limbs_from_big(&p), P);
	assert_eq!(limbs_from_big(&(&r * &r % &p)), R2);
	assert_eq!((BigUint::from(P_INV) * &p + 1u8) % (BigUint::from(1u8) << 30), BigUint::from(0u8));
	let words: BigUint = P_MINUS_2.iter().rev().fold(BigUint::from(0u8), |acc, w| (acc << 64) + *w);
	assert_eq!(words, &p - 2u8);
	assert_eq!(to_big(&Fp::ONE), BigUint::from(1u8));
	// 16p < R: Montgomery products of inputs below 4p need no final subtraction.
	assert!(&p * 16u8 < r);
}

fn limbs_from_big(v: &BigUint) -> [u64; N] {
	let mut x = [0u64; N];
	for (i, limb) in x.iter_mut().enumerate() {
		*limb = ((v >> (30 * i)) & BigUint::from(MASK)).try_into().unwrap();
	}
	x
}

#[test]
fn encoding_round_trips_and_rejects_non_canonical() {
	let p = modulus();
	for v in [BigUint::from(0u8), BigUint::from(1u8), &p - 1u8, BigUint::from(u64::MAX)] {
		assert_eq!(to_big(&from_big(&v)), v);
	}
	let mut bytes = [0u8; 48];
	bytes.copy_from_slice(&p.to_bytes_be());
	assert!(Fp::from_bytes_be(&bytes).is_none());
	assert!(Fp::from_bytes_be(&[0xff; 48]).is_none());
	assert_eq!(Fp::from_u64(u64::MAX), from_big(&BigUint::from(u64::MAX)));
}

#[test]
fn lazy_representatives_above_p_behave() {
	// p + 5 is a valid representative of 5 in [0, 2p): products and sums stay right.
	let five = Fp::from_u64(5);
	let lazy = Fp(add_limbs(&five.0, &P));
	assert_eq!(lazy, five);
	assert_eq!(lazy.mul(&lazy), Fp::from_u64(25));
	assert_eq!(lazy.square(), Fp::from_u64(25));
	assert_eq!(lazy.add(&lazy), Fp::from_u64(10));
	assert_eq!(lazy.sub(&Fp::from_u64(6)), Fp::from_u64(1).neg());
}

proptest! {
	#[test]
	fn arithmetic_matches_bigint(a in element(), b in element()) {
		let p = modulus();
		let (x, y) = (from_big(&a), from_big(&b));
		prop_assert_eq!(to_big(&x.add(&y)), (&a + &b) % &p);
		prop_assert_eq!(to_big(&x.sub(&y)), (&a + &p - &b) % &p);
		prop_assert_eq!(to_big(&x.neg()), (&p - &a) % &p);
		prop_assert_eq!(to_big(&x.mul(&y)), (&a * &b) % &p);
		prop_assert_eq!(to_big(&x.square()), (&a * &a) % &p);
		// Results stay in [0, 2p) with 30-bit limbs: the invariant the kernels rely on.
		for r in [x.add(&y), x.sub(&y), x.mul(&y), x.square()] {
			prop_assert!(r.0.iter().all(|l| *l <= MASK));
			prop_assert!(less_than(&r.0, &TWO_P));
		}
		// The Karatsuba product with one reduction saved, against the plain formula.
		let (c0, c1) = Fp::mul_fp2(&x, &y, &y, &y);
		prop_assert_eq!(to_big(&c0), (&a * &b + &p * &p - &b * &b) % &p);
		prop_assert_eq!(to_big(&c1), (&a * &b + &b * &b) % &p);
		prop_assert!(c0.0.iter().chain(c1.0.iter()).all(|l| *l <= MASK));
		prop_assert!(less_than(&c0.0, &TWO_P) && less_than(&c1.0, &TWO_P));
		match x.invert() {
			None => prop_assert_eq!(a, BigUint::from(0u8)),
			Some(inv) => prop_assert_eq!(to_big(&inv.mul(&x)), BigUint::from(1u8)),
		}
	}
}
