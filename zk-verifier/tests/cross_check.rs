//! Every proof our prover makes verifies under both the `groth16` crate's verifier and ours;
//! tampering with the proof, the inputs or the key makes both reject.

mod common;

use bls12_381::{Bls12, G1Affine};
use zk_verifier::bls12::{g1, group::Jacobian};
use zk_verifier::{verify, verify_batch, Error, Proof, Scalar, VerifyingKey};

fn groth16_verifies(vk_bytes: &[u8], proof: &Proof, inputs: &[Scalar]) -> bool {
	let Ok(vk) = groth16::VerifyingKey::<Bls12>::read(vk_bytes) else { return false };
	let Some(bytes) = proof.to_bytes() else { return false };
	let Ok(proof) = groth16::Proof::<Bls12>::read(&bytes[..]) else { return false };
	groth16::verify_proof(&groth16::prepare_verifying_key(&vk), &proof, inputs).is_ok()
}

fn ours_verifies(vk_bytes: &[u8], proof: &Proof, inputs: &[Scalar]) -> Result<(), Error> {
	let vk = VerifyingKey::from_bytes(vk_bytes)?;
	verify(&vk.prepare(), proof, inputs)
}

#[test]
fn both_verifiers_accept_our_proofs_and_agree_on_tampering() {
	let pk = common::proving_key();
	let vk_bytes = pk.verifying_key_bytes();
	let witness = common::transfer(1, 40, 2);
	let proof = pk.prove(&witness).unwrap();
	let inputs = witness.public.to_scalars();

	// The byte formats are the groth16 crate's, in both directions.
	let theirs = groth16::Proof::<Bls12>::read(&proof.to_bytes().unwrap()[..]).unwrap();
	let mut rewritten = Vec::new();
	theirs.write(&mut rewritten).unwrap();
	assert_eq!(rewritten, proof.to_bytes().unwrap());
	assert_eq!(Proof::from_uncompressed_bytes(&proof.to_uncompressed_bytes()), Ok(proof.clone()));
	assert_eq!(VerifyingKey::from_bytes(&vk_bytes).unwrap().to_bytes(), vk_bytes);

	assert!(groth16_verifies(&vk_bytes, &proof, &inputs));
	assert_eq!(ours_verifies(&vk_bytes, &proof, &inputs), Ok(()));

	// Tampered inputs: every single public input matters.
	for i in 0..inputs.len() {
		let mut bad = inputs;
		bad[i] += Scalar::one();
		assert!(!groth16_verifies(&vk_bytes, &proof, &bad), "input {i}");
		assert_eq!(ours_verifies(&vk_bytes, &proof, &bad), Err(Error::VerificationFailed), "input {i}");
	}

	// Tampered proof: a valid point in place of A and of C.
	let generator = g1::from_reference(&G1Affine::generator());
	for tampered in [Proof { a: generator, ..proof.clone() }, Proof { c: generator, ..proof.clone() }] {
		assert!(!groth16_verifies(&vk_bytes, &tampered, &inputs));
		assert_eq!(ours_verifies(&vk_bytes, &tampered, &inputs), Err(Error::VerificationFailed));
	}
	// B and A swapped roles: negate A (still a valid encoding).
	let negated = Proof { a: proof.a.neg(), ..proof.clone() };
	assert!(!groth16_verifies(&vk_bytes, &negated, &inputs));
	assert_eq!(ours_verifies(&vk_bytes, &negated, &inputs), Err(Error::VerificationFailed));

	// Tampered key: alpha doubled, and one IC element moved.
	let mut vk = VerifyingKey::from_bytes(&vk_bytes).unwrap();
	vk.alpha_g1 = Jacobian::from(vk.alpha_g1).double().to_affine();
	let bad_vk = vk.to_bytes();
	assert!(!groth16_verifies(&bad_vk, &proof, &inputs));
	assert_eq!(ours_verifies(&bad_vk, &proof, &inputs), Err(Error::VerificationFailed));
	let mut vk = VerifyingKey::from_bytes(&vk_bytes).unwrap();
	vk.ic.swap(1, 2);
	let bad_vk = vk.to_bytes();
	assert!(!groth16_verifies(&bad_vk, &proof, &inputs));
	assert_eq!(ours_verifies(&bad_vk, &proof, &inputs), Err(Error::VerificationFailed));

	// A proof of another statement does not verify this one.
	let other = common::transfer(2, 5, 6);
	let other_proof = pk.prove(&other).unwrap();
	assert!(!groth16_verifies(&vk_bytes, &other_proof, &inputs));
	assert_eq!(ours_verifies(&vk_bytes, &other_proof, &inputs), Err(Error::VerificationFailed));
	assert_eq!(ours_verifies(&vk_bytes, &other_proof, &other.public.to_scalars()), Ok(()));

	// Proofs are randomised: proving twice gives different bytes, both valid.
	let again = pk.prove(&witness).unwrap();
	assert_ne!(again.to_uncompressed_bytes(), proof.to_uncompressed_bytes());
	assert!(groth16_verifies(&vk_bytes, &again, &inputs));
}

#[test]
fn batch_verification_accepts_valid_batches_and_rejects_any_bad_member() {
	let pk = common::proving_key();
	let pvk = pk.verifying_key().unwrap().prepare();
	let witnesses: Vec<_> = (10..15).map(|seed| common::transfer(seed, seed * 3, 7)).collect();
	let proofs: Vec<Proof> = witnesses.iter().map(|w| pk.prove(w).unwrap()).collect();
	let inputs: Vec<[Scalar; 8]> = witnesses.iter().map(|w| w.public.to_scalars()).collect();
	let items: Vec<(&Proof, &[Scalar])> = proofs.iter().zip(&inputs).map(|(p, i)| (p, &i[..])).collect();

	assert_eq!(verify_batch(&pvk, &items), Ok(()));
	// The stored form of the prepared key verifies the same.
	let stored = zk_verifier::PreparedVerifyingKey::from_prepared_bytes(&pvk.to_prepared_bytes().unwrap()).unwrap();
	assert_eq!(verify_batch(&stored, &items), Ok(()));
	assert_eq!(verify(&stored, items[0].0, items[0].1), Ok(()));
	assert_eq!(verify_batch(&pvk, &items[..1]), Ok(()));
	assert_eq!(verify_batch(&pvk, &[]), Ok(()));

	// Each position, in turn, holds a proof for the wrong inputs.
	for bad in 0..items.len() {
		let mut tampered = items.clone();
		tampered[bad].1 = &inputs[(bad + 1) % inputs.len()];
		assert_eq!(verify_batch(&pvk, &tampered), Err(Error::VerificationFailed), "position {bad}");
	}
	// Reordering valid items is fine.
	let mut swapped = items.clone();
	swapped.swap(0, 1);
	assert_eq!(verify_batch(&pvk, &swapped), Ok(()));
	// Two invalid items whose defects would cancel if both had the same coefficient: each proof
	// paired with the other's inputs. Distinct coefficients keep them from cancelling.
	let mut crossed = items.clone();
	crossed[0].1 = &inputs[1];
	crossed[1].1 = &inputs[0];
	assert_eq!(verify_batch(&pvk, &crossed), Err(Error::VerificationFailed));

	// A wrong input count anywhere is reported as such.
	let mut short = items.clone();
	short[2].1 = &inputs[2][..7];
	assert_eq!(verify_batch(&pvk, &short), Err(Error::InputCount { expected: 8, got: 7 }));
}

#[test]
fn committed_dev_verifying_key_is_derived_from_the_dev_seed() {
	let derived = common::proving_key().verifying_key_bytes();
	if std::env::var_os("ZKSETTLE_BLESS_FIXTURES").is_some() {
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/dev_transfer_vk.bin");
		std::fs::write(path, &derived).expect("write the dev verifying key");
		return;
	}
	assert_eq!(zk_verifier::DEV_TRANSFER_VERIFYING_KEY, &derived[..]);
	assert_eq!(derived.len(), zk_verifier::verifying_key_len(zk_verifier::public_inputs::TRANSFER_INPUTS));
}

/// The prover's multi-exponentiation runs on `blst`; the `groth16` crate's prover (on `bellman`)
/// is the reference. With the same randomness they must give the same proof, byte for byte, for
/// different statements (spends of one and of two notes, a public amount in and out).
#[test]
fn the_fast_prover_gives_the_groth16_crates_proofs_byte_for_byte() {
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
	let pk = common::proving_key();
	let pvk = pk.verifying_key().unwrap().prepare();
	for (seed, a, b) in [(1u64, 40u64, 2u64), (2, 0, 9), (3, 1_000_000, 1)] {
		let witness = common::transfer(seed, a, b);
		let fast = pk.prove_with_rng(&witness, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
		let reference = pk.prove_reference_with_rng(&witness, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
		assert_eq!(fast.to_uncompressed_bytes(), reference.to_uncompressed_bytes(), "seed {seed}");
		assert_eq!(verify(&pvk, &fast, &witness.public.to_scalars()), Ok(()));
		// Other randomness, another proof of the same statement.
		let other = pk.prove_with_rng(&witness, &mut ChaCha20Rng::seed_from_u64(seed + 100)).unwrap();
		assert_ne!(other.to_uncompressed_bytes(), fast.to_uncompressed_bytes());
	}
}
