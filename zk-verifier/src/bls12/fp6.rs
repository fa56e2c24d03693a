//! `F_p⁶ = F_p²[v] / (v³ - ξ)`, `ξ = 1 + u`.

use super::{fp2::Fp2, ops::field_ops};

/// `c0 + c1·v + c2·v²`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fp6 {
	/// The constant coefficient.
	pub c0: Fp2,
	/// The coefficient of `v`.
	pub c1: Fp2,
	/// The coefficient of `v²`.
	pub c2: Fp2,
}

/// `ξ^((p-1)/3)`: the Frobenius map sends `v` to this multiple of `v`.
const FROBENIUS_V: Fp2 = Fp2::from_hex(
	"0",
	"1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd00000000aaac",
);
/// `ξ^(2(p-1)/3)`: the same for `v²`.
const FROBENIUS_V2: Fp2 = Fp2::from_hex(
	"1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd00000000aaad",
	"0",
);

impl Fp6 {
	/// Zero.
	pub const ZERO: Fp6 = Fp6 { c0: Fp2::ZERO, c1: Fp2::ZERO, c2: Fp2::ZERO };
	/// One.
	pub const ONE: Fp6 = Fp6 { c0: Fp2::ONE, c1: Fp2::ZERO, c2: Fp2::ZERO };

	/// `self + rhs`.
	pub fn add(&self, rhs: &Fp6) -> Fp6 {
		Fp6 { c0: self.c0 + rhs.c0, c1: self.c1 + rhs.c1, c2: self.c2 + rhs.c2 }
	}

	/// `self - rhs`.
	pub fn sub(&self, rhs: &Fp6) -> Fp6 {
		Fp6 { c0: self.c0 - rhs.c0, c1: self.c1 - rhs.c1, c2: self.c2 - rhs.c2 }
	}

	/// `-self`.
	pub fn neg(&self) -> Fp6 {
		Fp6 { c0: -self.c0, c1: -self.c1, c2: -self.c2 }
	}

	/// Karatsuba over three coefficients: six `F_p²` products.
	pub fn mul(&self, rhs: &Fp6) -> Fp6 {
		let aa = self.c0 * rhs.c0;
		let bb = self.c1 * rhs.c1;
		let cc = self.c2 * rhs.c2;
		let c0 = ((self.c1 + self.c2) * (rhs.c1 + rhs.c2) - bb - cc).mul_by_nonresidue() + aa;
		let c1 = (self.c0 + self.c1) * (rhs.c0 + rhs.c1) - aa - bb + cc.mul_by_nonresidue();
		let c2 = (self.c0 + self.c2) * (rhs.c0 + rhs.c2) - aa - cc + bb;
		Fp6 { c0, c1, c2 }
	}

	/// Chung–Hasan squaring (SQR2): two squarings and three products in `F_p²`.
	pub fn square(&self) -> Fp6 {
		let s0 = self.c0.square();
		let ab = self.c0 * self.c1;
		let s1 = ab.double();
		let s2 = (self.c0 - self.c1 + self.c2).square();
		let bc = self.c1 * self.c2;
		let s3 = bc.double();
		let s4 = self.c2.square();
		Fp6 { c0: s3.mul_by_nonresidue() + s0, c1: s4.mul_by_nonresidue() + s1, c2: s1 + s2 + s3 - s0 - s4 }
	}

	/// Multiplication by `v`: `(c0, c1, c2) ↦ (ξ·c2, c0, c1)`.
	pub fn mul_by_nonresidue(&self) -> Fp6 {
		Fp6 { c0: self.c2.mul_by_nonresidue(), c1: self.c0, c2: self.c1 }
	}

	/// Multiplication by `b1·v`.
	pub fn mul_by_1(&self, b1: &Fp2) -> Fp6 {
		Fp6 { c0: (self.c2 * *b1).mul_by_nonresidue(), c1: self.c0 * *b1, c2: self.c1 * *b1 }
	}

	/// Multiplication by `b0 + b1·v`: five `F_p²` products.
	pub fn mul_by_01(&self, b0: &Fp2, b1: &Fp2) -> Fp6 {
		let aa = self.c0 * *b0;
		let bb = self.c1 * *b1;
		let c0 = (self.c2 * *b1).mul_by_nonresidue() + aa;
		let c1 = (*b0 + *b1) * (self.c0 + self.c1) - aa - bb;
		let c2 = self.c2 * *b0 + bb;
		Fp6 { c0, c1, c2 }
	}

	/// `x ↦ x^p`.
	pub fn frobenius_map(&self) -> Fp6 {
		Fp6 {
			c0: self.c0.conjugate(),
			c1: self.c1.conjugate() * FROBENIUS_V,
			c2: self.c2.conjugate() * FROBENIUS_V2,
		}
	}

	/// `self == 0`.
	pub fn is_zero(&self) -> bool {
		self.c0.is_zero() && self.c1.is_zero() && self.c2.is_zero()
	}

	/// The inverse through the norm to `F_p²`, or `None` for zero.
	pub fn invert(&self) -> Option<Fp6> {
		let t0 = self.c0.square() - (self.c1 * self.c2).mul_by_nonresidue();
		let t1 = self.c2.square().mul_by_nonresidue() - self.c0 * self.c1;
		let t2 = self.c1.square() - self.c0 * self.c2;
		let norm = self.c0 * t0 + (self.c2 * t1 + self.c1 * t2).mul_by_nonresidue();
		let inv = norm.invert()?;
		Some(Fp6 { c0: t0 * inv, c1: t1 * inv, c2: t2 * inv })
	}
}

field_ops!(Fp6);
