//! Short Weierstrass curves `y² = x³ + b` in Jacobian coordinates, generic over the field:
//! `G1` over `F_p`, `G2` over `F_p²`.
//!
//! Jacobian `(X, Y, Z)` stands for `(X/Z², Y/Z³)`, `Z = 0` for the point at infinity. The
//! formulas are the `a = 0` ones of the Explicit-Formulas Database (`dbl-2009-l`,
//! `madd-2007-bl`, `add-2007-bl`): cheaper than the complete projective formulas `bls12_381`
//! uses, at the price of branches for the special cases. Everything this verifier multiplies is
//! public, so variable time is fine.

use super::{fp::Fp, fp2::Fp2};

/// What the curve arithmetic needs of a field.
pub trait Field:
	Copy
	+ PartialEq
	+ core::fmt::Debug
	+ core::ops::Add<Output = Self>
	+ core::ops::Sub<Output = Self>
	+ core::ops::Mul<Output = Self>
	+ core::ops::Neg<Output = Self>
{
	/// Zero.
	const ZERO: Self;
	/// One.
	const ONE: Self;
	/// `self²`.
	fn square(&self) -> Self;
	/// `2·self`.
	fn double(&self) -> Self;
	/// `self == 0`.
	fn is_zero(&self) -> bool;
	/// `self^{-1}`, `None` for zero.
	fn invert(&self) -> Option<Self>;
}

macro_rules! impl_field {
	($t:ty) => {
		impl Field for $t {
			const ZERO: Self = <$t>::ZERO;
			const ONE: Self = <$t>::ONE;
			fn square(&self) -> Self {
				<$t>::square(self)
			}
			fn double(&self) -> Self {
				<$t>::double(self)
			}
			fn is_zero(&self) -> bool {
				<$t>::is_zero(self)
			}
			fn invert(&self) -> Option<Self> {
				<$t>::invert(self)
			}
		}
	};
}
impl_field!(Fp);
impl_field!(Fp2);

/// A curve `y² = x³ + B`.
pub trait Curve: Copy {
	/// The coordinate field.
	type Base: Field;
	/// The constant `b`.
	const B: Self::Base;
}

/// An affine point; `infinity` marks the identity (its coordinates are then zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Affine<C: Curve> {
	/// `x`.
	pub x: C::Base,
	/// `y`.
	pub y: C::Base,
	/// Whether this is the point at infinity.
	pub infinity: bool,
}

/// A point in Jacobian coordinates.
#[derive(Clone, Copy, Debug)]
pub struct Jacobian<C: Curve> {
	/// `X`.
	pub x: C::Base,
	/// `Y`.
	pub y: C::Base,
	/// `Z`; zero for the identity.
	pub z: C::Base,
}

impl<C: Curve> Affine<C> {
	/// The point at infinity.
	pub const IDENTITY: Affine<C> = Affine { x: C::Base::ZERO, y: C::Base::ZERO, infinity: true };

	/// `y² = x³ + b` (the identity counts as on the curve).
	pub fn is_on_curve(&self) -> bool {
		self.infinity || self.y.square() == self.x.square() * self.x + C::B
	}

	/// `-P`.
	pub fn neg(&self) -> Affine<C> {
		Affine { x: self.x, y: if self.infinity { self.y } else { -self.y }, infinity: self.infinity }
	}
}

impl<C: Curve> From<Affine<C>> for Jacobian<C> {
	fn from(p: Affine<C>) -> Self {
		if p.infinity {
			Jacobian::IDENTITY
		} else {
			Jacobian { x: p.x, y: p.y, z: C::Base::ONE }
		}
	}
}

impl<C: Curve> Jacobian<C> {
	/// The point at infinity.
	pub const IDENTITY: Jacobian<C> = Jacobian { x: C::Base::ONE, y: C::Base::ONE, z: C::Base::ZERO };

	/// Whether this is the point at infinity.
	pub fn is_identity(&self) -> bool {
		self.z.is_zero()
	}

	/// `-P`.
	pub fn neg(&self) -> Jacobian<C> {
		Jacobian { x: self.x, y: -self.y, z: self.z }
	}

	/// `2P` (`dbl-2009-l`: 2M + 5S).
	pub fn double(&self) -> Jacobian<C> {
		if self.is_identity() {
			return *self;
		}
		let a = self.x.square();
		let b = self.y.square();
		let c = b.square();
		let d = ((self.x + b).square() - a - c).double();
		let e = a.double() + a;
		let f = e.square();
		let x3 = f - d.double();
		let c8 = c.double().double().double();
		let y3 = e * (d - x3) - c8;
		let z3 = (self.y * self.z).double();
		Jacobian { x: x3, y: y3, z: z3 }
	}

	/// `P + Q` for an affine `Q` (`madd-2007-bl`: 7M + 4S).
	pub fn add_affine(&self, q: &Affine<C>) -> Jacobian<C> {
		if q.infinity {
			return *self;
		}
		if self.is_identity() {
			return Jacobian::from(*q);
		}
		let z1z1 = self.z.square();
		let u2 = q.x * z1z1;
		let s2 = q.y * self.z * z1z1;
		let h = u2 - self.x;
		let r = (s2 - self.y).double();
		if h.is_zero() {
			return if r.is_zero() { self.double() } else { Jacobian::IDENTITY };
		}
		let hh = h.square();
		let i = hh.double().double();
		let j = h * i;
		let v = self.x * i;
		let x3 = r.square() - j - v.double();
		let y3 = r * (v - x3) - (self.y * j).double();
		let z3 = (self.z + h).square() - z1z1 - hh;
		Jacobian { x: x3, y: y3, z: z3 }
	}

	/// `P + Q` (`add-2007-bl`: 11M + 5S).
	pub fn add(&self, q: &Jacobian<C>) -> Jacobian<C> {
		if q.is_identity() {
			return *self;
		}
		if self.is_identity() {
			return *q;
		}
		let z1z1 = self.z.square();
		let z2z2 = q.z.square();
		let u1 = self.x * z2z2;
		let u2 = q.x * z1z1;
		let s1 = self.y * q.z * z2z2;
		let s2 = q.y * self.z * z1z1;
		let h = u2 - u1;
		let r = (s2 - s1).double();
		if h.is_zero() {
			return if r.is_zero() { self.double() } else { Jacobian::IDENTITY };
		}
		let i = h.double().square();
		let j = h * i;
		let v = u1 * i;
		let x3 = r.square() - j - v.double();
		let y3 = r * (v - x3) - (s1 * j).double();
		let z3 = ((self.z + q.z).square() - z1z1 - z2z2) * h;
		Jacobian { x: x3, y: y3, z: z3 }
	}

	/// `k·P` for a public integer `k` (little-endian 64-bit words), double-and-add from the
	/// affine `P` (mixed additions): for the sparse constants of the subgroup checks.
	pub fn mul_affine_vartime(p: &Affine<C>, k: &[u64]) -> Jacobian<C> {
		double_and_add(k, |acc| acc.add_affine(p))
	}

	/// `k·P` for a public integer `k`, double-and-add.
	pub fn mul_vartime(&self, k: &[u64]) -> Jacobian<C> {
		double_and_add(k, |acc| acc.add(self))
	}

	/// The affine point, by one inversion.
	pub fn to_affine(&self) -> Affine<C> {
		match self.z.invert() {
			None => Affine::IDENTITY,
			Some(zinv) => {
				let zinv2 = zinv.square();
				Affine { x: self.x * zinv2, y: self.y * zinv2 * zinv, infinity: false }
			},
		}
	}

	/// Affine forms of many points with one inversion.
	pub fn batch_to_affine(points: &[Jacobian<C>]) -> alloc::vec::Vec<Affine<C>> {
		let mut z: alloc::vec::Vec<C::Base> = points.iter().map(|p| p.z).collect();
		batch_invert(&mut z);
		points
			.iter()
			.zip(z.iter())
			.map(|(p, zinv)| {
				if p.is_identity() {
					return Affine::IDENTITY;
				}
				let zinv2 = zinv.square();
				Affine { x: p.x * zinv2, y: p.y * zinv2 * *zinv, infinity: false }
			})
			.collect()
	}
}

/// `k·P` by double-and-add over the bits of `k` (little-endian words), `add_p` adding `P`.
fn double_and_add<C: Curve>(k: &[u64], add_p: impl Fn(&Jacobian<C>) -> Jacobian<C>) -> Jacobian<C> {
	let mut acc = Jacobian::IDENTITY;
	for word in k.iter().rev() {
		for bit in (0..64).rev() {
			acc = acc.double();
			if (word >> bit) & 1 == 1 {
				acc = add_p(&acc);
			}
		}
	}
	acc
}

/// Invert every non-zero element in place with one field inversion (Montgomery's trick:
/// `3(n - 1)` products); zeros stay zero.
pub fn batch_invert<F: Field>(values: &mut [F]) {
	// prefix[i] = the product of the non-zero values before i.
	let mut prefix = alloc::vec::Vec::with_capacity(values.len());
	let mut acc = F::ONE;
	for v in values.iter() {
		prefix.push(acc);
		if !v.is_zero() {
			acc = acc * *v;
		}
	}
	let mut inv = acc.invert().unwrap_or(F::ZERO);
	for (v, before) in values.iter_mut().zip(prefix.iter()).rev() {
		if v.is_zero() {
			continue;
		}
		let v_inv = inv * *before;
		inv = inv * *v;
		*v = v_inv;
	}
}

impl<C: Curve> PartialEq for Jacobian<C> {
	/// The same point: `X1·Z2² = X2·Z1²` and `Y1·Z2³ = Y2·Z1³`.
	fn eq(&self, other: &Jacobian<C>) -> bool {
		match (self.is_identity(), other.is_identity()) {
			(true, true) => true,
			(false, false) => {
				let (z1z1, z2z2) = (self.z.square(), other.z.square());
				self.x * z2z2 == other.x * z1z1 && self.y * z2z2 * other.z == other.y * z1z1 * self.z
			},
			_ => false,
		}
	}
}
