//! `G2`: the order-`r` subgroup of the sextic twist `E'(F_p²): y² = x³ + 4(1 + u)`.

use super::{
	fp::Fp,
	fp2::Fp2,
	group::{Affine, Curve, Jacobian},
	BLS_X_ABS,
};

/// The twist over `F_p²`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct G2Curve;

impl Curve for G2Curve {
	type Base = Fp2;
	const B: Fp2 = Fp2 { c0: Fp::from_u64(4), c1: Fp::from_u64(4) };
}

/// An affine point of the twist.
pub type G2Affine = Affine<G2Curve>;
/// A Jacobian point of the twist.
pub type G2Jacobian = Jacobian<G2Curve>;

/// `1 / ξ^((p-1)/3)`, `ξ = 1 + u`.
const PSI_X: Fp2 = Fp2::from_hex(
	"0",
	"1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd00000000aaad",
);
/// `1 / ξ^((p-1)/2)`.
const PSI_Y: Fp2 = Fp2::from_hex(
	"135203e60180a68ee2e9c448d77a2cd91c3dedd930b1cf60ef396489f61eb45e304466cf3e67fa0af1ee7b04121bdea2",
	"06af0e0437ff400b6831e36d6bd17ffe48395dabc2d3435e77f76e17009241c5ee67992f72ec05f4c81084fbede3cc09",
);

/// The untwist-Frobenius-twist endomorphism `ψ`, on Jacobian coordinates (the Frobenius map is
/// a field automorphism, so it may act on `X, Y, Z` directly).
pub fn psi(p: &G2Jacobian) -> G2Jacobian {
	Jacobian { x: p.x.conjugate() * PSI_X, y: p.y.conjugate() * PSI_Y, z: p.z.conjugate() }
}

/// Membership of an on-curve point in `G2`: `ψ(P) = x·P` (Scott, ePrint 2021/1130, §4; proof in
/// ePrint 2022/352), with `x` the (negative) BLS parameter: one 64-bit multiplication.
pub fn is_torsion_free(p: &G2Affine) -> bool {
	let x_p = Jacobian::mul_affine_vartime(p, &[BLS_X_ABS]).neg();
	psi(&Jacobian::from(*p)) == x_p
}

/// Decode the `bls12_381` uncompressed encoding (`x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0`, 48 bytes each,
/// big-endian, flags in the top three bits of the first byte), without the curve and subgroup
/// checks; see [`super::g1::from_uncompressed_unchecked`].
pub fn from_uncompressed_unchecked(bytes: &[u8; 192]) -> Option<G2Affine> {
	let (x1, rest) = bytes.split_first_chunk::<48>()?;
	let (x0, rest) = rest.split_first_chunk::<48>()?;
	let (y1, y0) = rest.split_first_chunk::<48>()?;
	let y0: &[u8; 48] = y0.try_into().ok()?;
	let flags = super::Flags::read(x1)?;
	let mut x1 = *x1;
	if let Some(first) = x1.first_mut() {
		*first &= 0x1f;
	}
	let x = Fp2 { c0: Fp::from_bytes_be(x0)?, c1: Fp::from_bytes_be(&x1)? };
	let y = Fp2 { c0: Fp::from_bytes_be(y0)?, c1: Fp::from_bytes_be(y1)? };
	flags.point(Affine { x, y, infinity: false }, x.is_zero() && y.is_zero())
}

/// The uncompressed encoding.
pub fn to_uncompressed(p: &G2Affine) -> [u8; 192] {
	let mut out = [0u8; 192];
	if p.infinity {
		out[0] = 0x40;
		return out;
	}
	out[..48].copy_from_slice(&p.x.c1.to_bytes_be());
	out[48..96].copy_from_slice(&p.x.c0.to_bytes_be());
	out[96..144].copy_from_slice(&p.y.c1.to_bytes_be());
	out[144..].copy_from_slice(&p.y.c0.to_bytes_be());
	out
}

/// The same point from `bls12_381` (through the shared encoding).
pub fn from_reference(p: &bls12_381::G2Affine) -> G2Affine {
	// `bls12_381` only holds points with canonical coordinates and valid flags.
	from_uncompressed_unchecked(&p.to_uncompressed()).unwrap_or(G2Affine::IDENTITY)
}

/// The same point in `bls12_381`, `None` if it is not on the curve.
pub fn to_reference(p: &G2Affine) -> Option<bls12_381::G2Affine> {
	Option::from(bls12_381::G2Affine::from_uncompressed_unchecked(&to_uncompressed(p))).filter(|q: &bls12_381::G2Affine| bool::from(q.is_on_curve()))
}
