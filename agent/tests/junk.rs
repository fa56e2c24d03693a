//! A relayer that cannot be drained. Anyone can dispatch a message, and validators sign every
//! checkpoint, so junk reaches the relayer signed like anything else: here 1 000 messages on B
//! toward A, half to recipients A does not have, half fill-shaped bodies sent to A's settler by
//! an account that is not B's settler, then one genuine fill behind them all. The relayer
//! B → A must give every junk message up without paying for it (its account's nonce on A moves
//! by exactly one: the genuine delivery) and deliver the genuine fill, which settles its order
//! on A within 90 s of the relayer's start.
//!
//! The node is found by `zksettle_client::devnode::binary`; the test is `#[ignore]`d, so a run
//! without `--ignored` reports it skipped, and with `--ignored` and no node it fails.

use std::{
	sync::{
		atomic::{AtomicUsize, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

use codec::{Compact, Decode, Encode};
use pallet_settlement::{FillMessage, OrderOutcome};
use zksettle_agent::{
	mailbox::Mailbox,
	relayer::{db::Db, sources::Validators, Relayer},
	AgentError,
};
use zksettle_client::signer::sr25519 as signer;

mod common;

use common::*;

/// The nonce of `who` on `mailbox`'s chain (finalized).
async fn nonce(mailbox: &Mailbox, who: [u8; 32]) -> u32 {
	let at = mailbox.chain.client().at_current_block().await.unwrap();
	let value = at
		.storage()
		.try_fetch(subxt::dynamic::storage::<([u8; 32],), subxt::dynamic::Value>("System", "Account"), (who,))
		.await
		.unwrap()
		.expect("the relayer's account exists");
	u32::decode(&mut value.bytes()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built zksettle-node: ./scripts/test.sh runs it when there is one, or \
            ZKSETTLE_NODE=<path> cargo test -p zksettle-agent --test junk -- --ignored"]
async fn junk_neither_drains_the_relayer_nor_delays_a_genuine_fill() {
	let ((_node_a, a), (node_b, b)) = two_chains(1000, &[]).await;
	let alice = signer("//Alice").unwrap();

	// 1 000 junk messages on B toward A, in four batches of 250 dispatches.
	let mut seed = 0u64;
	let mut random = move || {
		seed += 1;
		pseudo_random(seed)
	};
	for batch in 0..4 {
		let mut calls = Compact(250u32).encode();
		for _ in 0..250 {
			let (recipient, body) = if batch % 2 == 0 {
				(random(), b"junk".to_vec())
			} else {
				(a.settler, FillMessage { order_id: random(), solver: random() }.encode())
			};
			calls.extend(b.chain.call_data("Settlement", "dispatch", &(a.domain, recipient, body).encode()).await.unwrap());
		}
		b.chain.submit_to("Utility", "batch_all", &calls, Some(&alice)).await.unwrap();
	}
	// The genuine order: opened on A, filled on B, its fill message behind the junk.
	let (order_id, order) = open(&a, &b, FAST, 3600).await;
	fill(&b, order).await;

	// B's validators (the fast level's two) sign everything; the relayer B -> A, as //Dave,
	// with its database on disk.
	let (endpoints, mut tasks) = rpc_validators(&node_b.url, &ANVIL[..2]).await;
	let dave = signer("//Dave").unwrap();
	let before = nonce(&a, dave.public_key().0).await;
	let dir = tempfile::tempdir().unwrap();
	let mut relayer = Relayer::new(
		Mailbox::connect(&node_b.url).await.unwrap(),
		Mailbox::connect(&a.url).await.unwrap(),
		Validators::new(&endpoints, None, false).unwrap(),
		dave.clone(),
	);
	let db = Db::open(Some(dir.path().join("relayer.json")), relayer.route()).unwrap();
	let given_up = Arc::new(AtomicUsize::new(0));
	let counted = given_up.clone();
	let started = Instant::now();
	tasks.push(tokio::spawn(async move {
		relayer
			.run(0, db, move |_, outcome| {
				if matches!(outcome, Err(AgentError::Unsupported(_))) {
					counted.fetch_add(1, Ordering::Relaxed);
				}
			})
			.await
	}));

	let outcome = settled(&a, order_id, Duration::from_secs(90)).await;
	let took = started.elapsed();
	assert!(matches!(outcome, Some(OrderOutcome::Settled { .. })), "the genuine fill behind 1 000 junk messages: {outcome:?}");
	eprintln!("the genuine fill settled {:.1} s after the relayer started", took.as_secs_f64());
	let by = Instant::now() + Duration::from_secs(60);
	while given_up.load(Ordering::Relaxed) < 1000 && Instant::now() < by {
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	assert_eq!(given_up.load(Ordering::Relaxed), 1000, "every junk message given up");
	assert_eq!(nonce(&a, dave.public_key().0).await, before + 1, "one paid submission: the genuine delivery");
	let journal = std::fs::metadata(dir.path().join("relayer.json.journal")).map(|m| m.len()).unwrap_or(0);
	eprintln!("relayer database: {journal} bytes of journal for 1 001 messages");
	for task in tasks {
		assert!(!task.is_finished(), "an agent stopped: {:?}", task.await);
	}
}

/// 32 pseudo-random bytes from `n` (no randomness needed: distinct is enough).
fn pseudo_random(n: u64) -> [u8; 32] {
	use sha3::{Digest, Keccak256};
	Keccak256::digest(n.to_le_bytes()).into()
}
