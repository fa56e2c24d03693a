//! `F_p² = F_p[u] / (u² + 1)`.

use super::{fp::Fp, ops::field_ops};

/// `c0 + c1·u`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fp2 {
	/// The constant coefficient.
	pub c0: Fp,
	/// The coefficient of `u`.
	pub c1: Fp,
}

impl Fp2 {
	/// Zero.
	pub const ZERO: Fp2 = Fp2 { c0: Fp::ZERO, c1: Fp::ZERO };
	/// One.
	pub const ONE: Fp2 = Fp2 { c0: Fp::ONE, c1: Fp::ZERO };

	/// A constant from the big-endian hex of its two coordinates.
	pub const fn from_hex(c0: &str, c1: &str) -> Fp2 {
		Fp2 { c0: Fp::from_hex(c0), c1: Fp::from_hex(c1) }
	}

	/// `self + rhs`.
	pub const fn add(&self, rhs: &Fp2) -> Fp2 {
		Fp2 { c0: self.c0.add(&rhs.c0), c1: self.c1.add(&rhs.c1) }
	}

	/// `self - rhs`.
	pub const fn sub(&self, rhs: &Fp2) -> Fp2 {
		Fp2 { c0: self.c0.sub(&rhs.c0), c1: self.c1.sub(&rhs.c1) }
	}

	/// `-self`.
	pub const fn neg(&self) -> Fp2 {
		Fp2 { c0: self.c0.neg(), c1: self.c1.neg() }
	}

	/// `2·self`.
	pub const fn double(&self) -> Fp2 {
		self.add(self)
	}

	/// Karatsuba: three base-field products, two reductions ([`Fp::mul_fp2`]).
	pub const fn mul(&self, rhs: &Fp2) -> Fp2 {
		let (c0, c1) = Fp::mul_fp2(&self.c0, &self.c1, &rhs.c0, &rhs.c1);
		Fp2 { c0, c1 }
	}

	/// `(c0 + c1)(c0 - c1) + 2·c0·c1·u`: two base-field products.
	pub const fn square(&self) -> Fp2 {
		let c0 = self.c0.add(&self.c1).mul(&self.c0.sub(&self.c1));
		let c1 = self.c0.mul(&self.c1);
		Fp2 { c0, c1: c1.double() }
	}

	/// Multiplication by a base-field element.
	pub const fn mul_fp(&self, rhs: &Fp) -> Fp2 {
		Fp2 { c0: self.c0.mul(rhs), c1: self.c1.mul(rhs) }
	}

	/// Multiplication by `ξ = 1 + u`, the non-residue `F_p⁶` is built with.
	pub const fn mul_by_nonresidue(&self) -> Fp2 {
		Fp2 { c0: self.c0.sub(&self.c1), c1: self.c0.add(&self.c1) }
	}

	/// `c0 - c1·u`, which is also the Frobenius map `x ↦ x^p`.
	pub const fn conjugate(&self) -> Fp2 {
		Fp2 { c0: self.c0, c1: self.c1.neg() }
	}

	/// `self == 0`.
	pub const fn is_zero(&self) -> bool {
		self.c0.is_zero() && self.c1.is_zero()
	}

	/// `conj(x) / (c0² + c1²)`, or `None` for zero.
	pub const fn invert(&self) -> Option<Fp2> {
		let norm = self.c0.square().add(&self.c1.square());
		match norm.invert() {
			Some(t) => Some(Fp2 { c0: self.c0.mul(&t), c1: self.c1.mul(&t).neg() }),
			None => None,
		}
	}
}

field_ops!(Fp2);
