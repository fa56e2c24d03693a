//! Differential checks of the verifier's own BLS12-381 arithmetic against the references
//! (`bls12_381` for points, encodings and pairings; `num-bigint` for the base field), for the
//! coverage-guided fuzzer in `zk-verifier/fuzz` and for the replay of its corpus in the tests.
//!
//! The runtime's hot path runs on [`crate::bls12`], so a disagreement with `bls12_381` is a
//! consensus bug: a proof one node accepts and another refuses, or a junk proof accepted. Each
//! function reads arbitrary bytes, builds inputs steered towards the edges (lazy representatives
//! at the range bounds, points one bit away from valid, points on the curve outside the
//! subgroup, the identity) and panics on any disagreement. Panicking is the contract with the
//! fuzzer; nothing here is in the runtime (`feature = "differential"` or tests only).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use alloc::{format, string::String, vec::Vec};
use bls12_381::{G1Projective, G2Projective, Scalar};
use group::Curve as _;

use crate::{
	bls12::{
		g1, g2,
		pairing::{final_exponentiation, multi_miller_loop, G2Prepared},
		Fp12,
	},
	curve,
	error::Element,
};

/// The base field against `num-bigint`: every operation on representatives at the range bounds.
pub use crate::bls12::fp::differential::check as fp;

/// The twelve `F_p` coordinates of a `Debug`-printed `F_p¹²` element, in tower order
/// (`bls12_381` keeps `Gt`'s coordinates private; its `Debug` output is the one place they show).
fn coordinates(debug: String) -> Vec<String> {
	debug.split("0x").skip(1).map(|s| s.chars().take(96).collect()).collect()
}

/// Whether our `F_p¹²` element is the reference's `G_T` element.
pub fn same_gt(ours: &Fp12, reference: &bls12_381::Gt) -> bool {
	let (a, b) = (coordinates(format!("{ours:?}")), coordinates(format!("{reference:?}")));
	a.len() == 12 && a == b
}

/// A scalar from up to 64 bytes (reduced, so every byte string gives one).
fn scalar(bytes: &[u8]) -> Scalar {
	let mut wide = [0u8; 64];
	for (slot, byte) in wide.iter_mut().zip(bytes) {
		*slot = *byte;
	}
	Scalar::from_bytes_wide(&wide)
}

/// `bytes` with bit `at` (modulo their length) flipped.
fn flip<const L: usize>(mut bytes: [u8; L], at: u16) -> [u8; L] {
	let bit = usize::from(at) % (8 * L);
	bytes[bit / 8] ^= 1 << (bit % 8);
	bytes
}

/// The first `L` bytes of `data` (zero-padded).
fn take<const L: usize>(data: &[u8]) -> [u8; L] {
	let mut out = [0u8; L];
	for (slot, byte) in out.iter_mut().zip(data) {
		*slot = *byte;
	}
	out
}

/// Hostile encodings of G1 and G2 points, compressed and uncompressed: our checked decoders
/// accept exactly what `bls12_381`'s checked decoders accept (less the identity, which ours
/// refuse on purpose), and decode it to the same point.
pub fn decode(data: &[u8]) {
	let (mode, rest) = data.split_first().unwrap_or((&0, &[]));
	let at = u16::from_le_bytes(take(rest));
	let body = rest.get(2..).unwrap_or(&[]);
	// The bytes to decode: raw, or a valid point's encoding with one bit flipped (mode 1), or
	// the encoding of a point on the curve outside the subgroup (mode 2: an `x` decompressed
	// without the subgroup check, then re-encoded), or a valid point untouched (mode 3).
	let g1_point = (G1Projective::generator() * scalar(body)).to_affine();
	let g2_point = (G2Projective::generator() * scalar(body)).to_affine();
	let (g1_bytes, g2_bytes): ([u8; 96], [u8; 192]) = match mode % 4 {
		0 => (take(body), take(body)),
		1 => (flip(g1_point.to_uncompressed(), at), flip(g2_point.to_uncompressed(), at)),
		2 => {
			let mut x1: [u8; 48] = take(body);
			x1[0] = (x1[0] & 0x1f) | 0x80;
			let mut x2: [u8; 96] = take(body);
			x2[0] = (x2[0] & 0x1f) | 0x80;
			(
				Option::<bls12_381::G1Affine>::from(bls12_381::G1Affine::from_compressed_unchecked(&x1))
					.map_or_else(|| take(body), |p| p.to_uncompressed()),
				Option::<bls12_381::G2Affine>::from(bls12_381::G2Affine::from_compressed_unchecked(&x2))
					.map_or_else(|| take(body), |p| p.to_uncompressed()),
			)
		},
		_ => (g1_point.to_uncompressed(), g2_point.to_uncompressed()),
	};
	let g1_ours = |point: Result<g1::G1Affine, _>| point.ok().map(|p| g1::to_uncompressed(&p).to_vec());
	let g1_reference = |point: Option<bls12_381::G1Affine>| point.map(|p| (p.to_uncompressed().to_vec(), bool::from(p.is_identity())));
	let g2_ours = |point: Result<g2::G2Affine, _>| point.ok().map(|p| g2::to_uncompressed(&p).to_vec());
	let g2_reference = |point: Option<bls12_381::G2Affine>| point.map(|p| (p.to_uncompressed().to_vec(), bool::from(p.is_identity())));

	agree(
		"G1 uncompressed",
		&g1_bytes,
		g1_ours(curve::g1_uncompressed(&g1_bytes, Element::ProofA)),
		g1_reference(bls12_381::G1Affine::from_uncompressed(&g1_bytes).into()),
	);
	let compressed: [u8; 48] = if mode & 4 == 0 { take(body) } else { flip(g1_point.to_compressed(), at) };
	agree(
		"G1 compressed",
		&compressed,
		g1_ours(curve::g1_compressed(&compressed, Element::ProofA)),
		g1_reference(bls12_381::G1Affine::from_compressed(&compressed).into()),
	);
	agree(
		"G2 uncompressed",
		&g2_bytes,
		g2_ours(curve::g2_uncompressed(&g2_bytes, Element::ProofB)),
		g2_reference(bls12_381::G2Affine::from_uncompressed(&g2_bytes).into()),
	);
	let compressed: [u8; 96] = if mode & 4 == 0 { take(body) } else { flip(g2_point.to_compressed(), at) };
	agree(
		"G2 compressed",
		&compressed,
		g2_ours(curve::g2_compressed(&compressed, Element::ProofB)),
		g2_reference(bls12_381::G2Affine::from_compressed(&compressed).into()),
	);
}

/// Our checked decoder accepts `bytes` exactly when the reference's does and the point is not the
/// identity (ours refuse it on purpose), and to the same point (as uncompressed bytes).
fn agree(what: &str, bytes: &[u8], ours: Option<Vec<u8>>, reference: Option<(Vec<u8>, bool)>) {
	let reference = reference.filter(|(_, identity)| !identity).map(|(encoding, _)| encoding);
	assert_eq!(ours, reference, "{what} {}", hex(bytes));
}

/// Scalar multiplication and the (multi-)pairing: `k·G1` by our variable-time multiplication,
/// and `e(aG1, bG2) · e(cG1, dG2)` by our Miller loop and final exponentiation, against
/// `bls12_381`. A zero scalar gives the identity, which both must handle.
pub fn pairing(data: &[u8]) {
	let mut chunks = data.chunks(32);
	let mut next = || scalar(chunks.next().unwrap_or(&[]));
	let (a, b, c, d) = (next(), next(), next(), next());
	let p1 = (G1Projective::generator() * a).to_affine();
	let q1 = (G2Projective::generator() * b).to_affine();
	let p2 = (G1Projective::generator() * c).to_affine();
	let q2 = (G2Projective::generator() * d).to_affine();

	let product = curve::mul_vartime(&g1::from_reference(&bls12_381::G1Affine::generator()), &curve::scalar_limbs(&a));
	assert_eq!(g1::to_uncompressed(&product.to_affine()), p1.to_uncompressed(), "k·G1");

	let (ours_p1, ours_p2) = (g1::from_reference(&p1), g1::from_reference(&p2));
	let (ours_q1, ours_q2) = (G2Prepared::new(&g2::from_reference(&q1)), G2Prepared::new(&g2::from_reference(&q2)));
	let ours = final_exponentiation(&multi_miller_loop(&[(&ours_p1, &ours_q1), (&ours_p2, &ours_q2)]));
	let reference = bls12_381::multi_miller_loop(&[
		(&p1, &bls12_381::G2Prepared::from(q1)),
		(&p2, &bls12_381::G2Prepared::from(q2)),
	])
	.final_exponentiation();
	assert!(ours.is_some_and(|gt| same_gt(&gt, &reference)), "e(aG1, bG2)·e(cG1, dG2) for {}", hex(data));
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
	/// Every input the fuzzer kept (`zk-verifier/fuzz/corpus/<target>`) replayed: what the
	/// fuzzing runs recorded in BENCHMARKS.md covered stays covered, in every test run.
	#[test]
	fn the_fuzz_corpus_replays_clean() {
		// The crate's directory as cargo gives it to the test at run time: a test binary cargo
		// found fresh may have been built from another checkout sharing the target directory.
		let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into());
		let root = std::path::Path::new(&crate_dir).join("fuzz/corpus");
		let targets: [(&str, fn(&[u8])); 3] = [("fp", super::fp), ("decode", super::decode), ("pairing", super::pairing)];
		for (target, check) in targets {
			let mut inputs = 0;
			for entry in std::fs::read_dir(root.join(target)).unwrap() {
				check(&std::fs::read(entry.unwrap().path()).unwrap());
				inputs += 1;
			}
			assert!(inputs > 0, "the corpus of {target} is empty");
		}
	}

	#[test]
	fn the_checks_hold_on_edge_inputs() {
		for mode in 0u8..=255 {
			super::fp(&[&[mode], &[0xff; 49][..], &[mode.wrapping_mul(7)], &[0; 49], &[mode ^ 0x55], &[1; 49], &[mode], &[0x80; 49]].concat());
			if mode < 8 {
				super::decode(&[&[mode][..], &[0xa5; 200]].concat());
			}
		}
		super::pairing(&[]);
		super::pairing(&[0xff; 128]);
	}
}
