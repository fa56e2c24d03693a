//! `F_p` against `num-bigint`, on representatives anywhere in the ranges the operations accept
//! (`[0, 2p)` for every operation, `[0, 4p)` for products), for the differential fuzzer
//! ([`crate::differential`]). The property tests draw canonical elements; this drives the lazy
//! representatives and the range bounds, where a carry or a skipped subtraction would hide.

use alloc::vec::Vec;
use num_bigint::BigUint;

use super::{less_than, Fp, MASK, MODULUS_HEX, N, TWO_P, W};

/// `p` and `R⁻¹ mod p`, computed once.
fn constants() -> &'static (BigUint, BigUint) {
	static CONSTANTS: std::sync::OnceLock<(BigUint, BigUint)> = std::sync::OnceLock::new();
	CONSTANTS.get_or_init(|| {
		let p = BigUint::parse_bytes(MODULUS_HEX.as_bytes(), 16).unwrap_or_default();
		let r = BigUint::from(1u8) << (W as usize * N);
		let r_inv = r.modpow(&(&p - 2u8), &p);
		(p, r_inv)
	})
}

/// The limbs of `v < 2^390`.
fn limbs(v: &BigUint) -> [u64; N] {
	let mask = BigUint::from(MASK);
	core::array::from_fn(|i| u64::try_from(&((v >> (W as usize * i)) & &mask)).unwrap_or(u64::MAX))
}

fn integer(x: &[u64; N]) -> BigUint {
	x.iter().rev().fold(BigUint::default(), |acc, limb| (acc << W) + *limb)
}

/// The element a stored integer represents: `x · R⁻¹ mod p`, `R = 2^390`.
fn value(x: &Fp, p: &BigUint, r_inv: &BigUint) -> BigUint {
	integer(&x.0) * r_inv % p
}

/// A representative below `bound · p` from `bytes`, steered by `mode` to the edges of the
/// range: the bottom, the top, and either side of each multiple of `p`.
fn representative(mode: u8, bytes: &[u8], bound: u8, p: &BigUint) -> BigUint {
	let top = p * bound;
	let small = BigUint::from(bytes.iter().take(2).fold(0u32, |acc, b| acc << 8 | u32::from(*b)));
	let multiple = p * (u32::from(mode >> 3) % u32::from(bound));
	match mode & 7 {
		0 => small % &top,
		1 => &top - 1u8 - small % &top,
		2 => (&multiple + small) % &top,
		3 => (&multiple + &top - 1u8 - small % p) % &top,
		_ => BigUint::from_bytes_be(bytes) % &top,
	}
}

/// Panics where the field disagrees with `num-bigint` or breaks its representation's bounds.
pub fn check(data: &[u8]) {
	let (p, r_inv) = constants();
	let mut chunks = data.chunks(50);
	let mut next = |bound: u8| {
		let chunk = chunks.next().unwrap_or(&[]);
		let (mode, bytes) = chunk.split_first().unwrap_or((&0, &[]));
		let v = representative(*mode, bytes, bound, p);
		(Fp(limbs(&v)), v)
	};
	let (a, a_int) = next(2);
	let (b, b_int) = next(2);
	let (d, _) = next(2);
	let (e, _) = next(2);
	let (wide, wide_int) = next(4);
	assert_eq!((integer(&a.0), integer(&b.0), integer(&wide.0)), (a_int, b_int, wide_int), "limbs of the representatives");
	let (va, vb, vd, vw) = (value(&a, p, r_inv), value(&b, p, r_inv), value(&d, p, r_inv), value(&wide, p, r_inv));

	let bounded = |x: &Fp, what: &str| {
		assert!(x.0.iter().all(|l| *l <= MASK), "{what}: a limb above 2^30");
		assert!(less_than(&x.0, &TWO_P), "{what}: not below 2p");
	};
	let results: Vec<(&str, Fp, BigUint)> = alloc::vec![
		("add", a.add(&b), (&va + &vb) % p),
		("sub", a.sub(&b), (&va + p - &vb) % p),
		("neg", a.neg(), (p - &va) % p),
		("double", a.double(), (&va * 2u8) % p),
		("mul", a.mul(&b), (&va * &vb) % p),
		("mul below 4p", wide.mul(&a), (&vw * &va) % p),
		("square", a.square(), (&va * &va) % p),
		("square below 4p", wide.square(), (&vw * &vw) % p),
		("canonical", a.canonical(), va.clone()),
	];
	for (what, result, expected) in results {
		bounded(&result, what);
		assert_eq!(value(&result, p, r_inv), expected, "{what}");
	}
	assert!(integer(&a.canonical().0) < *p, "canonical is below p");
	// Every input below 2p (the products' bound of 8p² and 16p² below R·p depends on it).
	let (c0, c1) = Fp::mul_fp2(&a, &b, &d, &e);
	let vc = &value(&e, p, r_inv);
	bounded(&c0, "mul_fp2 c0");
	bounded(&c1, "mul_fp2 c1");
	assert_eq!(value(&c0, p, r_inv), (&va * &vd + p * p - &vb * vc) % p, "mul_fp2 c0");
	assert_eq!(value(&c1, p, r_inv), (&va * vc + &vb * &vd) % p, "mul_fp2 c1");
	assert_eq!(a.is_zero(), va == BigUint::default(), "is_zero");
	assert_eq!(a == b, va == vb, "equality");
	match a.invert() {
		None => assert_eq!(va, BigUint::default(), "only 0 has no inverse"),
		Some(inverse) => assert_eq!(value(&inverse, p, r_inv) * &va % p, BigUint::from(1u8), "invert"),
	}
	// The encoding: big-endian canonical integers, anything at or above p refused.
	let encoded = a.to_bytes_be();
	assert_eq!(BigUint::from_bytes_be(&encoded), va, "to_bytes_be");
	let mut raw = [0u8; 48];
	for (slot, byte) in raw.iter_mut().zip(data.iter().rev()) {
		*slot = *byte;
	}
	let raw_int = BigUint::from_bytes_be(&raw);
	match Fp::from_bytes_be(&raw) {
		Some(x) => assert_eq!(value(&x, p, r_inv), raw_int, "from_bytes_be"),
		None => assert!(raw_int >= *p, "from_bytes_be refused a canonical integer"),
	}
}
