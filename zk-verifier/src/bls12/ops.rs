//! Operator traits for the field tower, by value and by reference, from each type's inherent
//! `add`, `sub`, `mul` and `neg`.

/// Implement `+`, `-`, `*`, unary `-` and the assigning forms for a `Copy` field type with
/// inherent `add(&self, &Self)`, `sub`, `mul` and `neg`.
macro_rules! field_ops {
	($t:ty) => {
		impl core::ops::Add for $t {
			type Output = $t;
			#[inline]
			fn add(self, rhs: $t) -> $t {
				<$t>::add(&self, &rhs)
			}
		}
		impl core::ops::Sub for $t {
			type Output = $t;
			#[inline]
			fn sub(self, rhs: $t) -> $t {
				<$t>::sub(&self, &rhs)
			}
		}
		impl core::ops::Mul for $t {
			type Output = $t;
			#[inline]
			fn mul(self, rhs: $t) -> $t {
				<$t>::mul(&self, &rhs)
			}
		}
		impl core::ops::Neg for $t {
			type Output = $t;
			#[inline]
			fn neg(self) -> $t {
				<$t>::neg(&self)
			}
		}
		impl core::ops::AddAssign for $t {
			#[inline]
			fn add_assign(&mut self, rhs: $t) {
				*self = <$t>::add(self, &rhs);
			}
		}
		impl core::ops::SubAssign for $t {
			#[inline]
			fn sub_assign(&mut self, rhs: $t) {
				*self = <$t>::sub(self, &rhs);
			}
		}
		impl core::ops::MulAssign for $t {
			#[inline]
			fn mul_assign(&mut self, rhs: $t) {
				*self = <$t>::mul(self, &rhs);
			}
		}
	};
}

pub(crate) use field_ops;
