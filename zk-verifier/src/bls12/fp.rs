//! The base field `F_p` of BLS12-381, laid out for 32-bit WebAssembly.
//!
//! # Why not `bls12_381::Fp`
//!
//! The runtime runs as wasm32, which has a 64 × 64 → 64-bit multiplication and no high half.
//! Six saturated 64-bit limbs (the layout of `bls12_381`) need 128-bit products, which the
//! compiler lowers to `__multi3` calls and carry chains. Here an element is 13 **unsaturated**
//! limbs of 30 bits, each in a `u64`: a limb product is one `i64.mul` of at most 60 bits, so
//! 14 of them add up in a `u64` without any carry handling ("lazy carries", as in the ZPrize
//! 2022 wasm MSM entries). 13 × 30 = 390 bits hold a 381-bit element with room to spare.
//!
//! # Montgomery form with lazy reduction
//!
//! An element `a` is stored as `a·R mod p` with `R = 2^390`, as an integer in `[0, 2p)`: the
//! representation is not unique, and [`Fp::canonical`] reduces it to `[0, p)` where a unique
//! one is needed (equality, encoding). Montgomery multiplication of inputs `a, b < 4p` returns
//! `(a·b + m·p) / R < p·(1 + 16p/R) < 2p` (as `16p < 2^385 < R`), so it needs no final
//! subtraction at all; additions and subtractions reduce modulo `2p`.
//!
//! Every limb of a stored element is below `2^30` (carries are propagated at the end of each
//! operation), which is what the lazy accumulation in [`mont_mul`] relies on.
//!
//! These are `const fn`s (constants such as `R^2 mod p` are derived at compile time from `p`
//! alone), so loops index fixed-size arrays with counters below their constant bounds.
#![allow(clippy::indexing_slicing)]

/// Bits per limb.
const W: u32 = 30;
/// Limbs per element.
pub(crate) const N: usize = 13;
const MASK: u64 = (1 << W) - 1;

/// `p`, big-endian hex.
const MODULUS_HEX: &str = "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab";
/// `p` in limbs.
const P: [u64; N] = limbs_from_hex(MODULUS_HEX);
/// `2p` in limbs.
const TWO_P: [u64; N] = add_limbs(&P, &P);
/// `-p^{-1} mod 2^30`.
const P_INV: u64 = neg_inverse_mod_2w(P[0]);
/// `R^2 mod p`: multiplying a canonical integer by it (Montgomery) enters Montgomery form.
const R2: [u64; N] = r_squared();
/// `p - 2`, the exponent of inversion, as little-endian 64-bit words.
const P_MINUS_2: [u64; 6] = words_minus_2(&P);

/// An element of `F_p`; see the module documentation for the representation.
#[derive(Clone, Copy)]
pub struct Fp(pub(crate) [u64; N]);

impl Fp {
	/// `0`.
	pub const ZERO: Fp = Fp([0; N]);
	/// `1`.
	pub const ONE: Fp = Fp::from_canonical_limbs(&one_limbs());

	/// An element from big-endian hex digits of a canonical integer (for constants; evaluated at
	/// compile time).
	pub const fn from_hex(hex: &str) -> Fp {
		Fp::from_canonical_limbs(&limbs_from_hex(hex))
	}

	const fn from_canonical_limbs(x: &[u64; N]) -> Fp {
		Fp(mont_mul(x, &R2))
	}

	/// A small integer.
	pub const fn from_u64(v: u64) -> Fp {
		let mut x = [0u64; N];
		x[0] = v & MASK;
		x[1] = (v >> W) & MASK;
		x[2] = v >> (2 * W);
		Fp::from_canonical_limbs(&x)
	}

	/// Decode a big-endian integer, `None` unless it is below `p` (the `bls12_381` encoding
	/// of a coordinate, flags cleared).
	pub fn from_bytes_be(bytes: &[u8; 48]) -> Option<Fp> {
		let x = limbs_from_be_bytes(bytes);
		if !less_than(&x, &P) {
			return None;
		}
		Some(Fp::from_canonical_limbs(&x))
	}

	/// The canonical big-endian encoding.
	pub fn to_bytes_be(&self) -> [u8; 48] {
		let x = canonical(&mont_mul(&self.0, &one_limbs()));
		let mut out = [0u8; 48];
		let mut acc: u64 = 0;
		let mut bits = 0;
		let mut limb = 0;
		for byte in out.iter_mut().rev() {
			if bits < 8 {
				acc |= x.get(limb).copied().unwrap_or(0) << bits;
				bits += W;
				limb += 1;
			}
			*byte = acc as u8;
			acc >>= 8;
			bits -= 8;
		}
		out
	}

	/// The same element with its integer in `[0, p)`: the unique representation.
	pub const fn canonical(&self) -> Fp {
		Fp(canonical(&self.0))
	}

	/// `self == 0`.
	pub const fn is_zero(&self) -> bool {
		let c = canonical(&self.0);
		let mut i = 0;
		while i < N {
			if c[i] != 0 {
				return false;
			}
			i += 1;
		}
		true
	}

	/// `self + rhs`.
	pub const fn add(&self, rhs: &Fp) -> Fp {
		Fp(sub_if_at_least(&add_limbs(&self.0, &rhs.0), &TWO_P))
	}

	/// `self - rhs`.
	pub const fn sub(&self, rhs: &Fp) -> Fp {
		// a + 2p - b lies in (0, 4p); one conditional subtraction brings it below 2p.
		let mut d = [0u64; N];
		let mut i = 0;
		while i < N {
			d[i] = self.0[i].wrapping_add(TWO_P[i]).wrapping_sub(rhs.0[i]);
			i += 1;
		}
		Fp(sub_if_at_least(&normalize_signed(d), &TWO_P))
	}

	/// `-self`.
	pub const fn neg(&self) -> Fp {
		Fp::ZERO.sub(self)
	}

	/// `2·self`.
	pub const fn double(&self) -> Fp {
		self.add(self)
	}

	/// `self · rhs`.
	pub const fn mul(&self, rhs: &Fp) -> Fp {
		Fp(mont_mul(&self.0, &rhs.0))
	}

	/// `self²`.
	pub const fn square(&self) -> Fp {
		Fp(mont_square(&self.0))
	}

	/// `(a0 + a1·u)(b0 + b1·u)` in `F_p[u]/(u² + 1)`, returned as its two coordinates, with
	/// two Montgomery reductions instead of three: the three Karatsuba products stay
	/// double-width and unreduced, `a0·b0 - a1·b1` and `a0·b1 + a1·b0` are formed on them
	/// (the first with `4p²` added, which is `0 mod p` and keeps it non-negative), and only the
	/// two results are reduced. Both are below `8p² < R·p`, so each reduction lands below `2p`.
	pub const fn mul_fp2(a0: &Fp, a1: &Fp, b0: &Fp, b1: &Fp) -> (Fp, Fp) {
		let v0 = mul_wide(&a0.0, &b0.0);
		let v1 = mul_wide(&a1.0, &b1.0);
		let s = mul_wide(&add_limbs(&a0.0, &a1.0), &add_limbs(&b0.0, &b1.0));
		let mut c0 = [0u64; 2 * N + 1];
		let mut c1 = [0u64; 2 * N + 1];
		let mut k = 0;
		while k < 2 * N {
			c0[k] = v0[k].wrapping_add(FOUR_P_SQUARED[k]).wrapping_sub(v1[k]);
			c1[k] = s[k].wrapping_sub(v0[k]).wrapping_sub(v1[k]);
			k += 1;
		}
		(Fp(mont_reduce(normalize_signed(c0))), Fp(mont_reduce(normalize_signed(c1))))
	}

	/// `self^e` for a public exponent (little-endian 64-bit words), variable time.
	pub const fn pow_vartime(&self, exponent: &[u64]) -> Fp {
		let mut acc = Fp::ONE;
		let mut i = exponent.len();
		while i > 0 {
			i -= 1;
			let mut bit = 64;
			while bit > 0 {
				bit -= 1;
				acc = acc.square();
				if (exponent[i] >> bit) & 1 == 1 {
					acc = acc.mul(self);
				}
			}
		}
		acc
	}

	/// `self^{-1}`, or `None` for zero (Fermat: `self^{p-2}`; every input here is public).
	pub const fn invert(&self) -> Option<Fp> {
		if self.is_zero() {
			return None;
		}
		Some(self.pow_vartime(&P_MINUS_2))
	}
}

super::ops::field_ops!(Fp);

impl PartialEq for Fp {
	fn eq(&self, other: &Fp) -> bool {
		canonical(&self.0) == canonical(&other.0)
	}
}

impl Eq for Fp {}

impl core::fmt::Debug for Fp {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "0x")?;
		for byte in self.to_bytes_be() {
			write!(f, "{byte:02x}")?;
		}
		Ok(())
	}
}

/// `(2p)² = 4p²` as a double-width integer: added to `a0·b0 - a1·b1` in [`Fp::mul_fp2`].
const FOUR_P_SQUARED: [u64; 2 * N] = mul_wide(&TWO_P, &TWO_P);

/// The double-width product `a·b` of normalised inputs, normalised: 26 limbs of 30 bits (the
/// last takes any excess). A slot sums at most 13 products below `2^60`, which fits a `u64`.
#[inline]
const fn mul_wide(a: &[u64; N], b: &[u64; N]) -> [u64; 2 * N] {
	let mut t = [0u64; 2 * N];
	let mut i = 0;
	while i < N {
		let mut j = 0;
		while j < N {
			t[i + j] += a[i] * b[j];
			j += 1;
		}
		i += 1;
	}
	let mut k = 0;
	while k + 1 < 2 * N {
		t[k + 1] += t[k] >> W;
		t[k] &= MASK;
		k += 1;
	}
	t
}

/// Montgomery reduction of a double-width integer `t < R·p` (normalised limbs, one spare
/// slot): `t·R^{-1} mod p`, in `[0, 2p)`.
#[inline]
const fn mont_reduce(mut t: [u64; 2 * N + 1]) -> [u64; N] {
	let mut i = 0;
	while i < N {
		reduce_row(&mut t, i);
		i += 1;
	}
	result_limbs(&mut t)
}

/// Montgomery multiplication: `a·b·R^{-1} mod p`, in `[0, 2p)` for `a, b < 4p`.
///
/// Operand scanning: row `i` adds `a_i·b` and `m_i·p` at limb offset `i`, with `m_i` chosen
/// to clear limb `i`, whose carry moves up one limb; after 13 rows the result is limbs
/// 13..26. Slots accumulate 60-bit products without carries; [`reduce_row`] normalises the
/// slots still to come every 4 rows, which bounds what a slot holds (see there).
#[inline]
const fn mont_mul(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
	let mut t = [0u64; 2 * N + 1];
	let mut i = 0;
	while i < N {
		let ai = a[i];
		let mut j = 0;
		while j < N {
			t[i + j] += ai * b[j];
			j += 1;
		}
		reduce_row(&mut t, i);
		i += 1;
	}
	result_limbs(&mut t)
}

/// Montgomery squaring: as [`mont_mul`] with the symmetric products `a_i·a_j = a_j·a_i`
/// computed once and doubled (91 limb products instead of 169 for `a²`).
#[inline]
const fn mont_square(a: &[u64; N]) -> [u64; N] {
	let mut t = [0u64; 2 * N + 1];
	let mut i = 0;
	while i < N {
		let ai = a[i];
		// Row `i` of the square: a_i² once, and 2·a_i·a_j for j > i (all at offset i + j).
		t[2 * i] += ai * ai;
		let twice = ai << 1;
		let mut j = i + 1;
		while j < N {
			t[i + j] += twice * a[j];
			j += 1;
		}
		reduce_row(&mut t, i);
		i += 1;
	}
	result_limbs(&mut t)
}

/// The reduction half of row `i`: add `m·p` at offset `i` so that limb `i` becomes divisible
/// by `2^30`, and move its carry up.
///
/// In [`mont_square`] a slot can receive more than two products in one row (doubled cross
/// products are 61 bits), so both kernels normalise the slots still to be reduced every 4 rows:
/// between two normalisations a slot receives at most 4 rows × (one 61-bit product + one
/// 60-bit product) plus a 34-bit carry, below `2^64`.
#[inline(always)]
const fn reduce_row(t: &mut [u64; 2 * N + 1], i: usize) {
	let m = t[i].wrapping_mul(P_INV) & MASK;
	let mut j = 0;
	while j < N {
		t[i + j] += m * P[j];
		j += 1;
	}
	t[i + 1] += t[i] >> W;
	if i % 4 == 3 {
		let mut k = i + 1;
		while k < 2 * N {
			t[k + 1] += t[k] >> W;
			t[k] &= MASK;
			k += 1;
		}
	}
}

/// Limbs `N..2N` of a finished accumulator, carries propagated.
#[inline(always)]
const fn result_limbs(t: &mut [u64; 2 * N + 1]) -> [u64; N] {
	let mut out = [0u64; N];
	let mut carry = 0u64;
	let mut k = 0;
	while k < N {
		let v = t[N + k] + carry;
		out[k] = v & MASK;
		carry = v >> W;
		k += 1;
	}
	// The value is below 2p < 2^382: the last limb takes the rest (it fits in 30 bits).
	out[N - 1] += carry << W;
	out
}

/// Limb-wise sum, carries propagated (inputs below `2^389` each).
const fn add_limbs(a: &[u64; N], b: &[u64; N]) -> [u64; N] {
	let mut out = [0u64; N];
	let mut carry = 0;
	let mut i = 0;
	while i < N {
		let v = a[i] + b[i] + carry;
		out[i] = v & MASK;
		carry = v >> W;
		i += 1;
	}
	out[N - 1] += carry << W;
	out
}

/// Propagate carries through limbs that may have gone negative (two's complement in `u64`),
/// for a non-negative total; the last limb takes what is left.
const fn normalize_signed<const L: usize>(mut d: [u64; L]) -> [u64; L] {
	let mut carry: i64 = 0;
	let mut i = 0;
	while i < L {
		let v = (d[i] as i64) + carry;
		d[i] = (v as u64) & MASK;
		carry = v >> W;
		i += 1;
	}
	d[L - 1] = d[L - 1].wrapping_add((carry << W) as u64);
	d
}

/// `x - m` if `x ≥ m`, else `x` (normalised limbs).
const fn sub_if_at_least(x: &[u64; N], m: &[u64; N]) -> [u64; N] {
	let mut d = [0u64; N];
	let mut borrow: i64 = 0;
	let mut i = 0;
	while i < N {
		let v = x[i] as i64 - m[i] as i64 + borrow;
		d[i] = (v as u64) & MASK;
		borrow = v >> W;
		i += 1;
	}
	if borrow < 0 {
		*x
	} else {
		d
	}
}

/// `x < m` (normalised limbs).
const fn less_than(x: &[u64; N], m: &[u64; N]) -> bool {
	let mut i = N;
	while i > 0 {
		i -= 1;
		if x[i] != m[i] {
			return x[i] < m[i];
		}
	}
	false
}

/// `[0, 2p) → [0, p)`.
const fn canonical(x: &[u64; N]) -> [u64; N] {
	sub_if_at_least(x, &P)
}

const fn one_limbs() -> [u64; N] {
	let mut x = [0u64; N];
	x[0] = 1;
	x
}

/// `-m^{-1} mod 2^30` for odd `m`, by Newton's iteration (each step doubles the correct bits).
const fn neg_inverse_mod_2w(m: u64) -> u64 {
	let mut inv: u64 = 1;
	let mut i = 0;
	while i < 5 {
		inv = inv.wrapping_mul(2u64.wrapping_sub(m.wrapping_mul(inv)));
		i += 1;
	}
	inv.wrapping_neg() & MASK
}

/// `R^2 mod p = 2^780 mod p`, by doubling `1` modulo `p` 780 times.
const fn r_squared() -> [u64; N] {
	let mut x = one_limbs();
	let mut i = 0;
	while i < 2 * N * W as usize {
		x = sub_if_at_least(&add_limbs(&x, &x), &P);
		i += 1;
	}
	x
}

/// Big-endian hex digits to limbs (for constants below `2^390`).
const fn limbs_from_hex(hex: &str) -> [u64; N] {
	let digits = hex.as_bytes();
	let mut x = [0u64; N];
	let mut i = digits.len();
	let mut bit = 0usize;
	while i > 0 {
		i -= 1;
		let d = match digits[i] {
			c @ b'0'..=b'9' => c - b'0',
			c @ b'a'..=b'f' => c - b'a' + 10,
			c @ b'A'..=b'F' => c - b'A' + 10,
			_ => panic!("not a hex digit"),
		} as u64;
		let (limb, shift) = (bit / W as usize, (bit % W as usize) as u32);
		x[limb] |= (d << shift) & MASK;
		if shift + 4 > W {
			x[limb + 1] |= d >> (W - shift);
		}
		bit += 4;
	}
	x
}

/// 48 big-endian bytes to limbs.
const fn limbs_from_be_bytes(bytes: &[u8; 48]) -> [u64; N] {
	let mut x = [0u64; N];
	let mut acc: u64 = 0;
	let mut bits = 0u32;
	let mut limb = 0;
	let mut i = 48;
	while i > 0 {
		i -= 1;
		acc |= (bytes[i] as u64) << bits;
		bits += 8;
		if bits >= W {
			x[limb] = acc & MASK;
			acc >>= W;
			bits -= W;
			limb += 1;
		}
	}
	x[limb] = acc;
	x
}

/// `m - 2` as six little-endian 64-bit words (for `m = p`, whose low limb is above 2).
const fn words_minus_2(m: &[u64; N]) -> [u64; 6] {
	let mut words = [0u64; 6];
	let mut bit = 0usize;
	let mut i = 0;
	while i < N {
		let mut value = m[i];
		if i == 0 {
			value -= 2;
		}
		let (word, shift) = (bit / 64, (bit % 64) as u32);
		if word < 6 {
			words[word] |= value << shift;
		}
		if shift + W > 64 && word + 1 < 6 {
			words[word + 1] |= value >> (64 - shift);
		}
		bit += W as usize;
		i += 1;
	}
	words
}

#[cfg(test)]
#[path = "fp_tests.rs"]
pub(crate) mod tests;

#[cfg(any(test, feature = "differential"))]
#[path = "fp_differential.rs"]
pub mod differential;
