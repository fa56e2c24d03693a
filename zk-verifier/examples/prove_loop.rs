//! Prove one transfer repeatedly (for profilers): `cargo run --release -p zk-verifier
//! --features prover --example prove_loop -- 10`.

#[path = "../tests/common.rs"]
mod common;

fn main() {
	let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
	let pk = common::proving_key();
	let witness = common::transfer(1, 40, 2);
	eprintln!("setup done");
	let start = std::time::Instant::now();
	for _ in 0..n {
		pk.prove(&witness).expect("valid witness");
	}
	eprintln!("{n} proofs, {:?} per proof", start.elapsed() / n as u32);
}
