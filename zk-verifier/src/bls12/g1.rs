//! `G1`: the order-`r` subgroup of `E(F_p): y² = x³ + 4`.

use super::{
	fp::Fp,
	group::{Affine, Curve, Jacobian},
	BLS_X_ABS,
};

/// The curve over `F_p`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct G1Curve;

impl Curve for G1Curve {
	type Base = Fp;
	const B: Fp = Fp::from_u64(4);
}

/// An affine point of `E(F_p)`.
pub type G1Affine = Affine<G1Curve>;
/// A Jacobian point of `E(F_p)`.
pub type G1Jacobian = Jacobian<G1Curve>;

/// `β`, a primitive cube root of unity in `F_p`: `φ(x, y) = (β·x, y)` is an endomorphism that
/// acts on `G1` as multiplication by `-x²` (`x` the BLS parameter).
const BETA: Fp = Fp::from_hex(
	"5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffe",
);

/// `φ(P) = (β·x, y)`.
pub fn endomorphism(p: &G1Affine) -> G1Affine {
	Affine { x: p.x * BETA, y: p.y, infinity: p.infinity }
}

/// Membership of an on-curve point in `G1`: `φ(P) = -x²·P` (Scott, "A note on group membership
/// tests for G1, G2 and GT on BLS pairing-friendly curves", ePrint 2021/1130, §6; proof of
/// correctness in ePrint 2022/352). One multiplication by a 128-bit constant instead of one
/// by the 255-bit group order.
pub fn is_torsion_free(p: &G1Affine) -> bool {
	let x2_p = Jacobian::mul_affine_vartime(p, &[BLS_X_ABS]).mul_vartime(&[BLS_X_ABS]);
	x2_p.neg() == Jacobian::from(endomorphism(p))
}

/// Decode the `bls12_381` uncompressed encoding (`x ‖ y`, 48 bytes each, big-endian, flags in
/// the top three bits of the first byte), without the curve and subgroup checks: `None` for
/// bad flags or a coordinate not below `p`. The identity is accepted only in its one encoding
/// (infinity flag, everything else zero), as `bls12_381` does.
pub fn from_uncompressed_unchecked(bytes: &[u8; 96]) -> Option<G1Affine> {
	let (x, y) = bytes.split_first_chunk::<48>()?;
	let y: &[u8; 48] = y.try_into().ok()?;
	let flags = super::Flags::read(x)?;
	let mut x = *x;
	if let Some(first) = x.first_mut() {
		*first &= 0x1f;
	}
	let (xf, yf) = (Fp::from_bytes_be(&x)?, Fp::from_bytes_be(y)?);
	flags.point(Affine { x: xf, y: yf, infinity: false }, xf.is_zero() && yf.is_zero())
}

/// The uncompressed encoding.
pub fn to_uncompressed(p: &G1Affine) -> [u8; 96] {
	let mut out = [0u8; 96];
	if p.infinity {
		out[0] = 0x40;
		return out;
	}
	out[..48].copy_from_slice(&p.x.to_bytes_be());
	out[48..].copy_from_slice(&p.y.to_bytes_be());
	out
}

/// The same point from `bls12_381` (through the shared encoding).
pub fn from_reference(p: &bls12_381::G1Affine) -> G1Affine {
	// `bls12_381` only holds points with canonical coordinates and valid flags.
	from_uncompressed_unchecked(&p.to_uncompressed()).unwrap_or(G1Affine::IDENTITY)
}

/// The same point in `bls12_381`, `None` if it is not on the curve.
pub fn to_reference(p: &G1Affine) -> Option<bls12_381::G1Affine> {
	Option::from(bls12_381::G1Affine::from_uncompressed_unchecked(&to_uncompressed(p))).filter(|q: &bls12_381::G1Affine| bool::from(q.is_on_curve()))
}
