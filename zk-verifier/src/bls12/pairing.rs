//! The optimal ate pairing: Miller loop over prepared `G2` points, final exponentiation.
//!
//! Follows `bls12_381` (itself after Costello–Lange–Naehrig, ePrint 2010/354, for the line
//! functions, and the Guide to Pairing-Based Cryptography, Alg. 5.5.4, for cyclotomic
//! squaring), so that the two agree on every output, which the tests check.

use alloc::vec::Vec;

use super::{fp12::Fp12, fp2::Fp2, fp6::Fp6, g1::G1Affine, g2::G2Affine, BLS_X_ABS};

/// One line of the Miller loop: the coefficients `(c0, c1, c2)` of
/// `c2 + c1·x_P·v + c0·y_P·v·w` before `P` is known.
pub type LineCoefficients = (Fp2, Fp2, Fp2);

/// Lines of a Miller loop: one per doubling (63) and per addition (5) over the bits of `|x|`.
pub const LINES: usize = 68;

/// A `G2` point with its Miller-loop lines computed ([`LINES`] of them), reusable for every
/// `G1` point it is paired with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct G2Prepared {
	/// The lines, in loop order; empty for the identity (which pairs to one).
	pub lines: Vec<LineCoefficients>,
}

/// The point `T` of the Miller loop, in Jacobian coordinates.
struct Accumulator {
	x: Fp2,
	y: Fp2,
	z: Fp2,
}

impl G2Prepared {
	/// Compute the lines of `Q`.
	pub fn new(q: &G2Affine) -> G2Prepared {
		if q.infinity {
			return G2Prepared { lines: Vec::new() };
		}
		let mut t = Accumulator { x: q.x, y: q.y, z: Fp2::ONE };
		let mut lines = Vec::with_capacity(LINES);
		for bit in loop_bits() {
			lines.push(t.doubling_step());
			if bit {
				lines.push(t.addition_step(q));
			}
		}
		lines.push(t.doubling_step());
		G2Prepared { lines }
	}

	/// Scale every line so that its `c0` is one, which loses nothing: a factor in `F_p²` is
	/// removed by the final exponentiation (`(p¹² - 1)/r` is a multiple of `p² - 1`). A stored
	/// key then needs two `F_p²` elements per line, not three. `false` (lines unchanged) if
	/// some `c0` is zero, which no point of `G2` produces.
	pub fn normalize(&mut self) -> bool {
		let mut inverses: Vec<Fp2> = self.lines.iter().map(|(c0, _, _)| *c0).collect();
		if inverses.iter().any(Fp2::is_zero) {
			return false;
		}
		super::group::batch_invert(&mut inverses);
		for ((c0, c1, c2), inverse) in self.lines.iter_mut().zip(inverses) {
			*c0 = Fp2::ONE;
			*c1 *= inverse;
			*c2 *= inverse;
		}
		true
	}

	/// Whether every line has `c0 = 1` (see [`G2Prepared::normalize`]).
	pub fn is_normalized(&self) -> bool {
		self.lines.iter().all(|(c0, _, _)| *c0 == Fp2::ONE)
	}
}

/// The bits of `|x| >> 1` below its leading one, most significant first: one Miller-loop
/// iteration each (the last bit of `|x|`, zero, is the final doubling).
fn loop_bits() -> impl Iterator<Item = bool> {
	let top = 63 - (BLS_X_ABS >> 1).leading_zeros();
	(0..top).rev().map(|b| ((BLS_X_ABS >> 1) >> b) & 1 == 1)
}

impl Accumulator {
	/// `T ← 2T`, returning the tangent line (Costello–Lange–Naehrig, Alg. 26).
	fn doubling_step(&mut self) -> LineCoefficients {
		let tmp0 = self.x.square();
		let tmp1 = self.y.square();
		let tmp2 = tmp1.square();
		let tmp3 = ((tmp1 + self.x).square() - tmp0 - tmp2).double();
		let tmp4 = tmp0.double() + tmp0;
		let tmp6 = self.x + tmp4;
		let tmp5 = tmp4.square();
		let zsquared = self.z.square();
		self.x = tmp5 - tmp3 - tmp3;
		self.z = (self.z + self.y).square() - tmp1 - zsquared;
		self.y = (tmp3 - self.x) * tmp4 - tmp2.double().double().double();
		let tmp3 = -(tmp4 * zsquared).double();
		let tmp6 = tmp6.square() - tmp0 - tmp5 - tmp1.double().double();
		let tmp0 = (self.z * zsquared).double();
		(tmp0, tmp3, tmp6)
	}

	/// `T ← T + Q`, returning the chord (Costello–Lange–Naehrig, Alg. 27).
	fn addition_step(&mut self, q: &G2Affine) -> LineCoefficients {
		let zsquared = self.z.square();
		let ysquared = q.y.square();
		let t0 = zsquared * q.x;
		let t1 = ((q.y + self.z).square() - ysquared - zsquared) * zsquared;
		let t2 = t0 - self.x;
		let t3 = t2.square();
		let t4 = t3.double().double();
		let t5 = t4 * t2;
		let t6 = t1 - self.y - self.y;
		let t9 = t6 * q.x;
		let t7 = t4 * self.x;
		self.x = t6.square() - t5 - t7 - t7;
		self.z = (self.z + t2).square() - zsquared - t3;
		let t10 = q.y + self.z;
		let t8 = (t7 - self.x) * t6;
		let t0 = (self.y * t5).double();
		self.y = t8 - t0;
		let t10 = t10.square() - ysquared - self.z.square();
		let t9 = t9.double() - t10;
		let t10 = self.z.double();
		let t1 = (-t6).double();
		(t10, t1, t9)
	}
}

/// `f · ℓ(P)` for one line.
fn ell(f: &Fp12, line: &LineCoefficients, p: &G1Affine) -> Fp12 {
	let (c0, c1, c2) = line;
	f.mul_by_014(c2, &c1.mul_fp(&p.x), &c0.mul_fp(&p.y))
}

/// `Π f_{x,Q_i}(P_i)`: the Miller loops of several pairs, sharing their squarings. Pairs with
/// an identity point contribute one.
pub fn multi_miller_loop(terms: &[(&G1Affine, &G2Prepared)]) -> Fp12 {
	let terms: Vec<(&G1Affine, &G2Prepared)> =
		terms.iter().copied().filter(|(p, q)| !p.infinity && !q.lines.is_empty()).collect();
	let mut lines: Vec<_> = terms.iter().map(|(p, q)| (*p, q.lines.iter())).collect();
	let mut f = Fp12::ONE;
	let mut step = |f: Fp12| {
		lines.iter_mut().fold(f, |f, (p, next)| match next.next() {
			Some(line) => ell(&f, line, p),
			None => f,
		})
	};
	for bit in loop_bits() {
		f = step(f);
		if bit {
			f = step(f);
		}
		f = f.square();
	}
	f = step(f);
	// x < 0: f_{x,Q} = 1 / f_{|x|,Q}, and after the final exponentiation the inverse is the
	// conjugate.
	f.conjugate()
}

/// `f^((p¹² - 1)/r)`, mapping a Miller-loop output into `G_T`; `None` for zero (which no
/// Miller loop outputs).
pub fn final_exponentiation(f: &Fp12) -> Option<Fp12> {
	let f = *f;
	// Easy part: f^((p⁶ - 1)(p² + 1)).
	let t0 = frobenius_n(&f, 6);
	let t1 = f.invert()?;
	let t2 = t0 * t1;
	let t1 = t2;
	let t2 = frobenius_n(&t2, 2) * t1;
	// Hard part, as bls12_381 (Hayashida–Hayasaka–Teruya chain in x).
	let t1 = cyclotomic_square(&t2).conjugate();
	let t3 = cyclotomic_exp(&t2);
	let t4 = cyclotomic_square(&t3);
	let t5 = t1 * t3;
	let t1 = cyclotomic_exp(&t5);
	let t0 = cyclotomic_exp(&t1);
	let t6 = cyclotomic_exp(&t0) * t4;
	let t4 = cyclotomic_exp(&t6);
	let t5 = t5.conjugate();
	let t4 = t4 * t5 * t2;
	let t5 = t2.conjugate();
	let t1 = frobenius_n(&(t1 * t2), 3);
	let t6 = (t6 * t5).frobenius_map();
	let t3 = frobenius_n(&(t3 * t0), 2) * t1 * t6;
	Some(t3 * t4)
}

/// The pairing `e(P, Q)`.
pub fn pairing(p: &G1Affine, q: &G2Affine) -> Option<Fp12> {
	final_exponentiation(&multi_miller_loop(&[(p, &G2Prepared::new(q))]))
}

fn frobenius_n(f: &Fp12, n: usize) -> Fp12 {
	(0..n).fold(*f, |f, _| f.frobenius_map())
}

/// `(a + b·s)²` in `F_p⁴ = F_p²[s]/(s² - ξ)`.
fn fp4_square(a: &Fp2, b: &Fp2) -> (Fp2, Fp2) {
	let t0 = a.square();
	let t1 = b.square();
	let c0 = t1.mul_by_nonresidue() + t0;
	let c1 = (*a + *b).square() - t0 - t1;
	(c0, c1)
}

/// Squaring in the cyclotomic subgroup (Granger–Scott; Guide to Pairing-Based Cryptography,
/// Alg. 5.5.4): three `F_p⁴` squarings.
fn cyclotomic_square(f: &Fp12) -> Fp12 {
	let (z0, z4, z3) = (f.c0.c0, f.c0.c1, f.c0.c2);
	let (z2, z1, z5) = (f.c1.c0, f.c1.c1, f.c1.c2);
	let (t0, t1) = fp4_square(&z0, &z1);
	let z0 = (t0 - z0).double() + t0;
	let z1 = (t1 + z1).double() + t1;
	let (t0, t1) = fp4_square(&z2, &z3);
	let (t2, t3) = fp4_square(&z4, &z5);
	let z4 = (t0 - z4).double() + t0;
	let z5 = (t1 + z5).double() + t1;
	let t0 = t3.mul_by_nonresidue();
	let z2 = (t0 + z2).double() + t0;
	let z3 = (t2 - z3).double() + t2;
	Fp12 { c0: Fp6 { c0: z0, c1: z4, c2: z3 }, c1: Fp6 { c0: z2, c1: z1, c2: z5 } }
}

/// `f^x` in the cyclotomic subgroup (`x < 0`: the conjugate of `f^|x|`).
fn cyclotomic_exp(f: &Fp12) -> Fp12 {
	let mut acc = Fp12::ONE;
	let mut started = false;
	for bit in (0..64).rev().map(|b| (BLS_X_ABS >> b) & 1 == 1) {
		if started {
			acc = cyclotomic_square(&acc);
		}
		if bit {
			started = true;
			acc *= *f;
		}
	}
	acc.conjugate()
}
