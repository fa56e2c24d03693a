//! The Grain LFSR of the Poseidon paper (Grassi et al., "Poseidon: A New Hash Function for
//! Zero-Knowledge Proof Systems", USENIX Security 2021, Appendix F), used to derive round
//! constants and the MDS matrix.
//!
//! Everything here is `const fn`: the parameters are derived while compiling, so neither the
//! runtime (wasm, no `std`) nor a wallet pays for the derivation at run time, and no table of
//! unexplained numbers appears in the source. The derivation follows the reference script
//! `generate_parameters_grain.sage` step by step:
//!
//! 1. The 80-bit state is initialised with `field (2 bits) ‖ sbox (4) ‖ n (12) ‖ t (12) ‖
//!    R_F (10) ‖ R_P (10) ‖ 1^30`, most significant bit first, and clocked 160 times.
//! 2. Each new bit is `b62 ⊕ b51 ⊕ b38 ⊕ b23 ⊕ b13 ⊕ b0`.
//! 3. Output bits are produced in pairs: if the first bit is 1 the second is output, else both are
//!    discarded (the "self-shrinking" mode).
//! 4. A field element is `n` output bits read big-endian. Round constants reject values `≥ p`
//!    and draw again; the `2t` MDS seeds `x_0..x_{t-1}, y_0..y_{t-1}` are reduced mod `p`.
//! 5. `M[i][j] = 1 / (x_i + y_j)` (a Cauchy matrix, which is MDS when the seeds are distinct).
//!
//! The reference script also runs three checks against infinitely long subspace trails and
//! draws a new matrix if one fails. For both instances used here (t = 3 and t = 5 over the
//! BLS12-381 scalar field) the first matrix drawn passes, which the published test vectors of
//! the reference implementation confirm (see the tests in `poseidon/mod.rs`). The derivation
//! refuses to build rather than silently differ if the seeds were ever not distinct.

// These are `const fn`s, evaluated at compile time, where iterators are not available: indexing
// is the only way to walk the arrays. Every index is bounded by a loop over the array's own
// constant length (an out-of-bounds index in constant evaluation is a compile error), and the
// reference test vectors exercise every path.
#![allow(clippy::indexing_slicing)]

use bls12_381::Scalar;

/// Field type bit pattern for a prime field (`GF(p)`).
const FIELD_PRIME: u128 = 1;
/// S-box bit pattern for `x^alpha`.
const SBOX_POWER: u128 = 0;
/// `n`: the bit length of the BLS12-381 scalar field modulus.
pub const FIELD_BITS: u32 = 255;

/// The BLS12-381 scalar field modulus `p`, little-endian 64-bit limbs.
pub const MODULUS: [u64; 4] = [
	0xffff_ffff_0000_0001,
	0x53bd_a402_fffe_5bfe,
	0x3339_d808_09a1_d805,
	0x73ed_a753_299d_7d48,
];

/// The self-shrinking Grain LFSR of the Poseidon paper.
pub struct Grain {
	/// The 80-bit register; bit 79 is the oldest bit (`b0` of the paper), bit 0 the newest.
	state: u128,
}

impl Grain {
	/// Initialise and warm up (160 clocks) the LFSR for a Poseidon instance.
	pub const fn new(t: u32, full_rounds: u32, partial_rounds: u32) -> Self {
		let mut state: u128 = FIELD_PRIME;
		state = (state << 4) | SBOX_POWER;
		state = (state << 12) | FIELD_BITS as u128;
		state = (state << 12) | t as u128;
		state = (state << 10) | full_rounds as u128;
		state = (state << 10) | partial_rounds as u128;
		state = (state << 30) | ((1u128 << 30) - 1);
		let mut grain = Grain { state };
		let mut i = 0;
		while i < 160 {
			grain.clock();
			i += 1;
		}
		grain
	}

	/// Clock the register once and return the new bit.
	const fn clock(&mut self) -> u128 {
		// Bit `k` of the paper (b_k, k = 0 the oldest) is register bit `79 - k`.
		let s = self.state;
		let bit = ((s >> (79 - 62)) ^ (s >> (79 - 51)) ^ (s >> (79 - 38)) ^ (s >> (79 - 23)) ^
			(s >> (79 - 13)) ^ (s >> 79)) &
			1;
		self.state = ((s << 1) | bit) & ((1u128 << 80) - 1);
		bit
	}

	/// The next output bit of the self-shrinking generator.
	pub const fn next_bit(&mut self) -> bool {
		loop {
			let first = self.clock();
			let second = self.clock();
			if first == 1 {
				return second == 1;
			}
		}
	}

	/// `FIELD_BITS` output bits read as a big-endian integer, as little-endian limbs.
	pub const fn next_raw(&mut self) -> [u64; 4] {
		let mut limbs = [0u64; 4];
		let mut i = 0;
		while i < FIELD_BITS {
			let position = FIELD_BITS - 1 - i;
			if self.next_bit() {
				limbs[(position / 64) as usize] |= 1u64 << (position % 64);
			}
			i += 1;
		}
		limbs
	}

	/// A round constant: an integer below `p`, drawn again while it is not.
	pub const fn next_round_constant(&mut self) -> Scalar {
		loop {
			let raw = self.next_raw();
			if lt_modulus(&raw) {
				return Scalar::from_raw(raw);
			}
		}
	}

	/// An MDS seed as a canonical integer: the drawn integer reduced modulo `p`
	/// (`F(grain_random_bits(n))` in the reference script).
	pub const fn next_reduced(&mut self) -> [u64; 4] {
		reduce(&self.next_raw())
	}
}

/// `a < p` for a little-endian 256-bit integer.
pub const fn lt_modulus(a: &[u64; 4]) -> bool {
	let mut i = 4;
	while i > 0 {
		i -= 1;
		if a[i] < MODULUS[i] {
			return true;
		}
		if a[i] > MODULUS[i] {
			return false;
		}
	}
	false
}

/// `x^(p-2)`, the inverse of a non-zero `x` (Fermat), by square-and-multiply in `const`.
pub const fn invert(x: &Scalar) -> Scalar {
	// p - 2: the modulus ends in ...0001, so subtracting 2 borrows from the low limb only.
	let exponent = [MODULUS[0] - 2, MODULUS[1], MODULUS[2], MODULUS[3]];
	let mut acc = Scalar::one();
	let mut i = 256;
	while i > 0 {
		i -= 1;
		acc = acc.square();
		if (exponent[i / 64] >> (i % 64)) & 1 == 1 {
			acc = acc.mul(x);
		}
	}
	acc
}

/// `a - b` on little-endian 256-bit integers, and whether it borrowed.
const fn sub_with_borrow(a: &[u64; 4], b: &[u64; 4]) -> ([u64; 4], bool) {
	let mut out = [0u64; 4];
	let mut borrow = false;
	let mut i = 0;
	while i < 4 {
		let (d, b1) = a[i].overflowing_sub(b[i]);
		let (d, b2) = d.overflowing_sub(borrow as u64);
		out[i] = d;
		borrow = b1 || b2;
		i += 1;
	}
	(out, borrow)
}

/// The canonical representative of a 256-bit integer modulo `p`.
pub const fn reduce(raw: &[u64; 4]) -> [u64; 4] {
	let mut value = *raw;
	while !lt_modulus(&value) {
		value = sub_with_borrow(&value, &MODULUS).0;
	}
	value
}

/// Whether `a + b ≡ 0 (mod p)` for canonical `a, b < p`: their sum is then `0` or `p`.
pub const fn sums_to_zero(a: &[u64; 4], b: &[u64; 4]) -> bool {
	let both_zero = a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0 && b[0] == 0 && b[1] == 0 &&
		b[2] == 0 && b[3] == 0;
	// a + b == p  <=>  p - a == b (no borrow since a < p).
	let (p_minus_a, _) = sub_with_borrow(&MODULUS, a);
	both_zero || limbs_eq(&p_minus_a, b)
}

/// Limb-wise equality.
pub const fn limbs_eq(a: &[u64; 4], b: &[u64; 4]) -> bool {
	a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3]
}
