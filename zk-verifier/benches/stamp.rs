//! What a work stamp costs its sender and the node (native, this machine): one try of the
//! search, the node's check (the seed of a transaction's bytes and one work hash), and a whole
//! search at the runtime's 22 bits on one and on two threads.
//!
//! `cargo bench -p zk-verifier --bench stamp`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zk_verifier::stamp;

/// About the SCALE size of an unsigned unshield (proof, root, nullifiers, commitments, two
/// encrypted notes, the external data).
const TRANSACTION_LEN: usize = 900;

fn benches(c: &mut Criterion) {
	let transaction = vec![0x5a; TRANSACTION_LEN];
	let seed = stamp::seed(&transaction);

	let mut group = c.benchmark_group("stamp");
	group.throughput(Throughput::Elements(1));
	let mut nonce = 0u64;
	group.bench_function("one try", |b| {
		b.iter(|| {
			nonce += 1;
			stamp::work(&seed, nonce)
		})
	});
	group.bench_function("check (seed + work)", |b| b.iter(|| stamp::work(&stamp::seed(&transaction), 7)));
	group.finish();

	let mut group = c.benchmark_group("stamp search, 22 bits");
	group.sample_size(10);
	for threads in [1usize, 2] {
		let mut round = 0u64;
		group.bench_function(format!("{threads} thread(s)"), |b| {
			b.iter(|| {
				// A fresh seed each time: the mean over seeds is the expected 2^22 tries.
				round += 1;
				let seed = stamp::seed(&[&transaction[..], &round.to_le_bytes()].concat());
				stamp::mint(&seed, 22, threads).expect("22 bits are reachable")
			})
		});
	}
	group.finish();
}

criterion_group!(stamps, benches);
criterion_main!(stamps);
