//! Proving and verification costs of the shielded-transfer circuit (native, this machine).
//!
//! `cargo bench -p zk-verifier --features prover --bench groth16`
//!
//! Batch figures are reported per proof (criterion's throughput), so that they compare directly
//! with single verification.

#[path = "../tests/common.rs"]
mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use zk_verifier::{prover::constraint_count, verify, verify_batch, Proof, Scalar};

fn benches(c: &mut Criterion) {
	let pk = common::proving_key();
	let pvk = pk.verifying_key().expect("our own key decodes").prepare();
	eprintln!("transfer circuit: {} constraints", constraint_count().expect("synthesis"));

	let witness = common::transfer(1, 40, 2);
	let mut group = c.benchmark_group("transfer");
	group.sample_size(10);
	group.bench_function("prove", |b| b.iter(|| pk.prove(&witness).expect("valid witness")));
	// The `groth16` crate's own prover (`bellman`'s multi-exponentiation), side by side.
	group.bench_function("prove (groth16 crate)", |b| {
		let mut rng = <rand_chacha::ChaCha20Rng as rand_chacha::rand_core::SeedableRng>::seed_from_u64(0);
		b.iter(|| pk.prove_reference_with_rng(&witness, &mut rng).expect("valid witness"))
	});
	group.finish();

	let witnesses: Vec<_> = (0..64).map(|seed| common::transfer(seed, 1000 + seed, 7)).collect();
	let proofs: Vec<Proof> = witnesses.iter().map(|w| pk.prove(w).expect("valid witness")).collect();
	let inputs: Vec<[Scalar; 8]> = witnesses.iter().map(|w| w.public.to_scalars()).collect();

	let mut group = c.benchmark_group("verify");
	group.throughput(Throughput::Elements(1));
	group.bench_function("single", |b| b.iter(|| verify(&pvk, &proofs[0], &inputs[0]).expect("valid")));
	group.bench_function("decode proof + single", |b| {
		let bytes = proofs[0].to_uncompressed_bytes();
		b.iter(|| verify(&pvk, &Proof::from_uncompressed_bytes(&bytes).expect("valid"), &inputs[0]).expect("valid"))
	});
	for n in [1usize, 4, 16, 64] {
		let items: Vec<(&Proof, &[Scalar])> =
			proofs.iter().zip(&inputs).take(n).map(|(p, i)| (p, &i[..])).collect();
		group.throughput(Throughput::Elements(n as u64));
		group.bench_with_input(BenchmarkId::new("batch", n), &items, |b, items| {
			b.iter(|| verify_batch(&pvk, items).expect("valid batch"))
		});
	}
	group.finish();
}

criterion_group!(groth16, benches);
criterion_main!(groth16);
