//! Prove one transfer repeatedly (for profilers and side-by-side timings):
//! `cargo run --release -p zk-verifier --features prover --example prove_loop -- 10 [groth16]`.
//! With `groth16`, the `groth16` crate's own prover (`bellman`'s multi-exponentiation) instead
//! of ours (`blst`'s).

#[path = "../tests/common.rs"]
mod common;

use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

fn main() {
	let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
	let reference = std::env::args().nth(2).is_some_and(|a| a == "groth16");
	let pk = common::proving_key();
	let witness = common::transfer(1, 40, 2);
	let mut rng = ChaCha20Rng::seed_from_u64(0);
	eprintln!("setup done");
	let start = std::time::Instant::now();
	for _ in 0..n {
		if reference {
			pk.prove_reference_with_rng(&witness, &mut rng).expect("valid witness");
		} else {
			pk.prove_with_rng(&witness, &mut rng).expect("valid witness");
		}
	}
	let prover = if reference { "groth16 crate (bellman multiexp)" } else { "zk-verifier (blst multiexp)" };
	eprintln!("{n} proofs, {:?} per proof, {prover}", start.elapsed() / n as u32);
}
