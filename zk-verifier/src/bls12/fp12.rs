//! `F_p¹² = F_p⁶[w] / (w² - v)`, where the pairing takes its values.

use super::{fp2::Fp2, fp6::Fp6, ops::field_ops};

/// `c0 + c1·w`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fp12 {
	/// The constant coefficient.
	pub c0: Fp6,
	/// The coefficient of `w`.
	pub c1: Fp6,
}

/// `ξ^((p-1)/6)`: the Frobenius map sends `w` to this multiple of `w`.
const FROBENIUS_W: Fp2 = Fp2::from_hex(
	"1904d3bf02bb0667c231beb4202c0d1f0fd603fd3cbd5f4f7b2443d784bab9c4f67ea53d63e7813d8d0775ed92235fb8",
	"00fc3e2b36c4e03288e9e902231f9fb854a14787b6c7b36fec0c8ec971f63c5f282d5ac14d6c7ec22cf78a126ddc4af3",
);

impl Fp12 {
	/// One.
	pub const ONE: Fp12 = Fp12 { c0: Fp6::ONE, c1: Fp6::ZERO };

	/// `self + rhs`.
	pub fn add(&self, rhs: &Fp12) -> Fp12 {
		Fp12 { c0: self.c0 + rhs.c0, c1: self.c1 + rhs.c1 }
	}

	/// `self - rhs`.
	pub fn sub(&self, rhs: &Fp12) -> Fp12 {
		Fp12 { c0: self.c0 - rhs.c0, c1: self.c1 - rhs.c1 }
	}

	/// `-self`.
	pub fn neg(&self) -> Fp12 {
		Fp12 { c0: -self.c0, c1: -self.c1 }
	}

	/// Karatsuba: three `F_p⁶` products.
	pub fn mul(&self, rhs: &Fp12) -> Fp12 {
		let aa = self.c0 * rhs.c0;
		let bb = self.c1 * rhs.c1;
		let c1 = (self.c0 + self.c1) * (rhs.c0 + rhs.c1) - aa - bb;
		Fp12 { c0: bb.mul_by_nonresidue() + aa, c1 }
	}

	/// Complex squaring: two `F_p⁶` products.
	pub fn square(&self) -> Fp12 {
		let ab = self.c0 * self.c1;
		let c0 = (self.c1.mul_by_nonresidue() + self.c0) * (self.c0 + self.c1) - ab - ab.mul_by_nonresidue();
		Fp12 { c0, c1: ab + ab }
	}

	/// Multiplication by the sparse `b0 + b1·v + b4·v·w` a Miller-loop line evaluates to.
	pub fn mul_by_014(&self, b0: &Fp2, b1: &Fp2, b4: &Fp2) -> Fp12 {
		let aa = self.c0.mul_by_01(b0, b1);
		let bb = self.c1.mul_by_1(b4);
		let c1 = (self.c1 + self.c0).mul_by_01(b0, &(*b1 + *b4)) - aa - bb;
		Fp12 { c0: bb.mul_by_nonresidue() + aa, c1 }
	}

	/// `c0 - c1·w`: the `p⁶`-power Frobenius map, and the inverse on the cyclotomic subgroup.
	pub fn conjugate(&self) -> Fp12 {
		Fp12 { c0: self.c0, c1: -self.c1 }
	}

	/// `x ↦ x^p`.
	pub fn frobenius_map(&self) -> Fp12 {
		let c1 = self.c1.frobenius_map();
		Fp12 {
			c0: self.c0.frobenius_map(),
			c1: Fp6 { c0: c1.c0 * FROBENIUS_W, c1: c1.c1 * FROBENIUS_W, c2: c1.c2 * FROBENIUS_W },
		}
	}

	/// `(c0 - c1·w) / (c0² - v·c1²)`, or `None` for zero.
	pub fn invert(&self) -> Option<Fp12> {
		let norm = self.c0.square() - self.c1.square().mul_by_nonresidue();
		let inv = norm.invert()?;
		Some(Fp12 { c0: self.c0 * inv, c1: -(self.c1 * inv) })
	}
}

field_ops!(Fp12);
