//! A flood of junk unsigned spends against a development node (issue 29, item 7).
//!
//! Junk that only a pairing can refuse is free to make: the current root, fresh random
//! nullifiers and commitments, and the points of any real proof. Before work stamps, each cost
//! the node 11–12 ms of pairing to refuse, so one connection kept a core busy. Now the pool
//! refuses it on its stamp (two hashes), and an honest unsigned payment, stamped by the wallet,
//! still gets in while the flood goes on. The test prints what each refusal costs the node.

use std::{
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

use codec::Encode;
use zksettle_wallet::{
	builder::{self, Anchor, AssetArg, Plan, TransactionArg},
	chain::Chain,
	random_bytes,
	wallet::{signer, Fee},
};

mod common;
use common::{Setup, ALICE_WORDS, BOB_WORDS};

const UNIT: u128 = 1_000_000_000_000;
const FLOODERS: usize = 4;

fn random_scalar() -> [u8; 32] {
	let mut wide = [0u8; 64];
	random_bytes(&mut wide).unwrap();
	zk_verifier::Scalar::from_bytes_wide(&wide).to_bytes()
}

/// How a junk transaction differs from the real one it copies.
#[derive(Clone, Copy)]
enum Junk {
	/// Fresh nullifiers and commitments, a nonce that is no stamp.
	Unstamped,
	/// A root the chain never had (refused before the stamp and the proof).
	UnknownRoot,
	/// Fresh nullifiers and commitments, with a real stamp searched for them: the pool pays the
	/// pairing, as every junk transaction made it pay before stamps.
	Stamped,
}

/// What junk is made from: a real transaction to copy, and the bytes an unsigned extrinsic of
/// `ShieldedPool::transact_unsigned` starts with (length, version, pallet and call index; the
/// arguments have a fixed length, so one prefix serves every junk transaction).
struct Template {
	tx: TransactionArg,
	prefix: Vec<u8>,
	bits: u32,
}

impl Template {
	async fn new(chain: &Chain, tx: TransactionArg, bits: u32) -> Self {
		let args = [tx.encode(), 0u64.to_le_bytes().to_vec()].concat();
		let call = chain.call_data("ShieldedPool", "transact_unsigned", &args).await.unwrap();
		let extrinsic = chain.unsigned_extrinsic(&call).await.unwrap();
		let prefix = extrinsic[..extrinsic.len() - args.len()].to_vec();
		assert_eq!([&prefix[..], &args[..]].concat(), extrinsic, "an unsigned extrinsic is its prefix and the arguments");
		Template { tx, prefix, bits }
	}

	/// An unsigned extrinsic of `kind`.
	fn junk(&self, kind: Junk) -> Vec<u8> {
		let mut tx = self.tx.clone();
		tx.nullifiers = [random_scalar(), random_scalar()];
		tx.commitments = [random_scalar(), random_scalar()];
		if let Junk::UnknownRoot = kind {
			tx.root = random_scalar();
		}
		let seed = zk_verifier::stamp::seed(&tx.encode());
		let nonce = match kind {
			Junk::Stamped => zk_verifier::stamp::mint(&seed, self.bits, 2).unwrap(),
			_ => (0u64..).find(|n| zk_verifier::stamp::work(&seed, *n) < self.bits).unwrap(),
		};
		[self.prefix.clone(), tx.encode(), nonce.to_le_bytes().to_vec()].concat()
	}
}

/// How the node answered a submission.
#[derive(Debug, PartialEq)]
enum Answer {
	/// Taken into the pool.
	Accepted,
	/// Refused by the pool with `validity` code.
	Refused(u8),
	/// Any other error (printed).
	Other,
}

/// Submit `extrinsic`: the node's answer and how long it took.
async fn submit(chain: &Chain, extrinsic: &[u8]) -> (Answer, Duration) {
	let started = Instant::now();
	let result = chain.legacy_rpc().author_submit_extrinsic(extrinsic).await;
	let elapsed = started.elapsed();
	let answer = match result {
		Ok(_) => Answer::Accepted,
		Err(e) => {
			let message = format!("{e:?}").to_ascii_lowercase();
			let code = message.split_once("custom error: ").and_then(|(_, rest)| {
				rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
			});
			code.map(Answer::Refused).unwrap_or_else(|| {
				println!("refused without a code: {message}");
				Answer::Other
			})
		},
	};
	(answer, elapsed)
}

fn median(mut times: Vec<Duration>) -> Duration {
	times.sort();
	times.get(times.len() / 2).copied().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built zksettle-node: ./scripts/test.sh runs it when there is one, or \
            ZKSETTLE_NODE=<path> cargo test -p zksettle-wallet --test unsigned_flood -- --ignored"]
async fn a_flood_of_junk_unsigned_spends_does_not_keep_an_honest_payment_out() {
	let setup = Setup::start().await;
	let (node, chain, params) = (&setup.node, &setup.chain, &setup.params);
	let mut alice = setup.wallet("alice", ALICE_WORDS, 0);
	let bob = setup.wallet("bob", BOB_WORDS, 0);
	let fee = chain.min_unsigned_fee().await.unwrap();
	let bits = chain.unsigned_stamp_bits().await.unwrap().expect("this runtime asks for stamps");
	assert!(bits >= 16, "the runtime asks for a stamp worth the name: {bits} bits");
	alice.shield(chain, params, AssetArg::Native, 100 * UNIT as u64, &signer("//Alice").unwrap()).await.unwrap();

	// A real proof whose points the junk copies (proven, never sent).
	let plan = Plan {
		asset: AssetArg::Native,
		ext_amount: -(UNIT as i128),
		fee,
		recipient: Some([0x5a; 32]),
		relayer: None,
		payment: None,
		reserve: None,
	};
	let spends = alice.state.select(0, UNIT + fee).unwrap();
	let (root, paths) = alice.state.anchor(&spends).unwrap();
	let (_, key_version, _) = chain.proving_context(&root).await.unwrap();
	let anchor = Anchor { root, paths, key_version, genesis: chain.genesis_hash() };
	let proven = builder::prove(alice.keys(), &plan, &spends, &anchor, params).unwrap();
	let template = Arc::new(Template::new(chain, proven, bits).await);

	// What a refusal costs the node, by where it is refused (sequential, one connection).
	let mut costs = Vec::new();
	for (kind, code, count) in [(Junk::UnknownRoot, 1u8, 40), (Junk::Unstamped, 8, 40), (Junk::Stamped, 3, 8)] {
		let mut times = Vec::new();
		for _ in 0..count {
			let extrinsic = template.junk(kind);
			let (answer, elapsed) = submit(chain, &extrinsic).await;
			assert_eq!(answer, Answer::Refused(code), "junk refused with code {code}");
			times.push(elapsed);
		}
		costs.push((code, median(times)));
	}
	println!("median time to refuse junk, by refusal code (1 unknown root, 8 no stamp, 3 bad proof): {costs:?}");

	// The flood: FLOODERS connections' worth of unstamped junk, as fast as the node answers,
	// while Alice pays Bob unsigned.
	let stop = Arc::new(AtomicBool::new(false));
	let flooders: Vec<_> = (0..FLOODERS)
		.map(|_| {
			let (url, template, stop) = (node.url.clone(), template.clone(), stop.clone());
			tokio::spawn(async move {
				let chain = Chain::connect(&url).await.unwrap();
				// Sent, refused on the stamp, taken into the pool, refused after a pairing.
				let mut tally = [0u32; 4];
				while !stop.load(Ordering::Relaxed) {
					let (answer, _) = submit(&chain, &template.junk(Junk::Unstamped)).await;
					tally[0] += 1;
					match answer {
						Answer::Refused(8) => tally[1] += 1,
						Answer::Accepted => tally[2] += 1,
						Answer::Refused(3) => tally[3] += 1,
						_ => {},
					}
				}
				tally
			})
		})
		.collect();
	tokio::time::sleep(Duration::from_secs(2)).await;
	let started = Instant::now();
	alice.send(chain, params, AssetArg::Native, 10 * UNIT as u64, bob.keys().address(), Fee::unsigned(fee)).await.unwrap();
	let honest = started.elapsed();
	let flood_time = started.elapsed() + Duration::from_secs(2);
	stop.store(true, Ordering::Relaxed);
	let mut tally = [0u32; 4];
	for flooder in flooders {
		for (total, count) in tally.iter_mut().zip(flooder.await.unwrap()) {
			*total += count;
		}
	}
	let [sent, on_stamp, accepted, paired] = tally;
	println!(
		"flood: {sent} junk spends in {:.1} s ({:.0}/s), {on_stamp} refused on their stamp; the honest unsigned payment \
		 was proven, stamped ({bits} bits) and finalized in {:.1} s",
		flood_time.as_secs_f64(),
		f64::from(sent) / flood_time.as_secs_f64(),
		honest.as_secs_f64()
	);
	assert!(sent >= 1000, "the flood was a flood: {sent}");
	assert_eq!((accepted, paired), (0, 0), "no junk spend was taken in or reached a pairing");
	// Anything else was a transport error of the client (printed above), not a pool answer.
	assert!(on_stamp * 100 >= sent * 99, "junk refused on its stamp: {on_stamp} of {sent}");
	assert_eq!(alice.state.balances().get(&0), Some(&(90 * UNIT - fee)));
	assert!(honest < Duration::from_secs(60), "the honest payment got in within a minute: {honest:?}");
}
