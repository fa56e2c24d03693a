//! Two zkSettle dev chains with different domains, validators watching each, and relayers both
//! ways, all started by this test:
//!
//! 1. an intent opened on A (destination B) is filled on B; B's validators sign the fill
//!    message's checkpoint; the relayer B → A delivers it and the order settles on A;
//! 2. the mirror image, so a message dispatched on A is delivered on B, at the aggregated
//!    security level (message-id and merkle-root multisig metadata in one);
//! 3. the merkle-root level alone, for a leaf after the first (a real merkle proof);
//! 4. an order nobody fills is refunded on its destination after its deadline, and the refund
//!    message, attested and relayed like a fill, returns the input on the origin (B's
//!    validators publish in Hyperlane's checkpoint storage layout, read as `file://`);
//!
//! and, on a destination chain whose node keeps the state of its last 16 blocks only, a fill
//! dispatched more than 300 blocks before its validators and relayer start is signed, delivered
//! and settles the order (the agents read messages from the current state, not from events).
//!
//! The node is found by `zksettle_client::devnode::binary`; the tests are `#[ignore]`d, so a run
//! without `--ignored` reports them skipped, and with `--ignored` and no node they fail.

use std::time::Duration;

use codec::Encode;
use pallet_settlement::OrderOutcome;
use zksettle_agent::{
	mailbox::Mailbox,
	relayer::{db::Db, sources::Validators, Outcome, Relayer},
	signer::ValidatorKey,
	storage::LocalStorage,
	validator::{self, Store},
};
use zksettle_client::signer::sr25519 as signer;

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built zksettle-node: ./scripts/test.sh runs it when there is one, or \
            ZKSETTLE_NODE=<path> cargo test -p zksettle-agent --test two_chains -- --ignored"]
async fn intents_settle_across_two_chains_through_validators_and_relayers() {
	let ((node_a, a), (node_b, b)) = two_chains(1000, &[]).await;
	assert_eq!(b.domain, a.domain + 1);
	// Each chain's mailbox (hook) and settler addresses are its own.
	assert_ne!(a.hook, b.hook);
	assert_ne!(a.settler, b.settler);

	// A validator pinned to A signs nothing for B.
	let key = ValidatorKey::from_hex(ANVIL[0]).unwrap();
	let pin_a = validator::Pin { domain: a.domain, hook: a.hook };
	let mut b_again = Mailbox::connect(&node_b.url).await.unwrap();
	let refused = validator::watch(&mut b_again, &key, &Store::open(None).unwrap(), 0, pin_a, None).await;
	assert!(matches!(refused, Err(zksettle_agent::AgentError::Config(_))), "{refused:?}");

	// Two validators per origin chain: A's serve their checkpoints over JSON-RPC, B's publish
	// them in Hyperlane's checkpoint storage layout, which the relayer reads as `file://`.
	let mut endpoints = [Vec::new(), Vec::new()];
	let mut tasks = Vec::new();
	let storage_root = tempfile::tempdir().unwrap();
	for (side, url) in [&node_a.url, &node_b.url].into_iter().enumerate() {
		for secret in ANVIL {
			let key = ValidatorKey::from_hex(secret).unwrap();
			let mut store = Store::open(None).unwrap();
			let (handle, local) = validator::serve(store.clone(), key.address(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
			if side == 0 {
				endpoints[side].push(format!("http://{local}"));
			} else {
				let storage = LocalStorage::open(storage_root.path().join(hex::encode(key.address()))).unwrap();
				endpoints[side].push(storage.location());
				store = store.publishing(zksettle_agent::storage::publisher::Publisher::Local(storage), &format!("0x{}", hex::encode(key.address()))).await.unwrap();
			}
			let url = url.clone();
			tasks.push(tokio::spawn(async move {
				let _handle = handle;
				let mut mailbox = Mailbox::connect(&url).await.unwrap();
				let pin = validator::Pin { domain: mailbox.domain, hook: mailbox.hook };
				validator::watch(&mut mailbox, &key, &store, 0, pin, None).await
			}));
		}
	}

	// Relayers both ways, submitting as //Dave.
	for (from, to, validators) in [(&node_a.url, &node_b.url, endpoints[0].clone()), (&node_b.url, &node_a.url, endpoints[1].clone())] {
		let mut relayer = Relayer::new(
			Mailbox::connect(from).await.unwrap(),
			Mailbox::connect(to).await.unwrap(),
			Validators::new(&validators, None, false).unwrap(),
			signer("//Dave").unwrap(),
		);
		tasks.push(tokio::spawn(async move {
			let db = Db::open(None, relayer.route()).unwrap();
			relayer
				.run(0, db, |d, outcome| {
					if let Ok(Outcome::Delivered(included)) = outcome {
						eprintln!("delivered 0x{} at #{}", hex::encode(d.id), included.block);
					}
				})
				.await
		}));
	}

	// 1. Opened on A, filled on B, attested by B's validators, settled on A.
	let order = open_and_fill(&a, &b, FAST).await;
	let outcome = settled(&a, order, Duration::from_secs(120)).await;
	assert!(matches!(outcome, Some(OrderOutcome::Settled { .. })), "order on A: {outcome:?}");

	// 2. Opened on B, filled on A: a message dispatched on A is delivered on B, here under the
	//    aggregated level (message-id and merkle-root metadata both).
	let order = open_and_fill(&b, &a, AGGREGATED).await;
	let outcome = settled(&b, order, Duration::from_secs(120)).await;
	let Some(OrderOutcome::Settled { message_id }) = outcome else { panic!("order on B: {outcome:?}") };
	let delivered: bool = api(&b, "SettlementApi_delivered", &message_id.encode()).await;
	assert!(delivered);

	// 3. The merkle-root level alone, for a message that is not the origin tree's first leaf.
	let order = open_and_fill(&a, &b, MERKLE_ROOT).await;
	let outcome = settled(&a, order, Duration::from_secs(120)).await;
	assert!(matches!(outcome, Some(OrderOutcome::Settled { .. })), "order on A (merkle root): {outcome:?}");

	// 4. Opened on A, nobody fills it: after its deadline Eve refunds it on B, and the refund
	//    message, attested by B's validators and relayed like a fill, refunds Alice on A.
	let (order, data) = open(&a, &b, FAST, 20).await;
	refund_on_destination(&b, &data).await;
	let outcome = settled(&a, order, Duration::from_secs(120)).await;
	assert!(matches!(outcome, Some(OrderOutcome::RefundAttested { .. })), "refunded order on A: {outcome:?}");

	for task in tasks {
		assert!(!task.is_finished(), "an agent stopped: {:?}", task.await);
	}
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built zksettle-node: ./scripts/test.sh runs it when there is one, or \
            ZKSETTLE_NODE=<path> cargo test -p zksettle-agent --test two_chains -- --ignored"]
async fn a_fill_dispatched_300_blocks_before_the_agents_started_is_delivered() {
	// B prunes state after 16 blocks and makes four blocks a second.
	let ((node_a, a), (node_b, b)) = two_chains(250, &["--state-pruning", "16"]).await;

	// Opened on A, filled on B while no agent runs; B moves on by more than 300 blocks.
	let order = open_and_fill(&a, &b, FAST).await;
	let filled_by = b.finalized().await.unwrap();
	while b.finalized().await.unwrap() < filled_by + 310 {
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	let gone = match b.chain.client().at_block(filled_by).await {
		Ok(at) => at.events().fetch().await.is_err(),
		Err(_) => true,
	};
	assert!(gone, "B still has the state of block {filled_by}");

	// Now B's validators (the fast level's two) and the relayer B -> A start, from leaf 0.
	let (endpoints, mut tasks) = rpc_validators(&node_b.url, &ANVIL[..2]).await;
	let mut relayer = Relayer::new(
		Mailbox::connect(&node_b.url).await.unwrap(),
		Mailbox::connect(&node_a.url).await.unwrap(),
		Validators::new(&endpoints, None, false).unwrap(),
		signer("//Dave").unwrap(),
	);
	let db = Db::open(None, relayer.route()).unwrap();
	tasks.push(tokio::spawn(async move { relayer.run(0, db, |_, _| {}).await }));
	let outcome = settled(&a, order, Duration::from_secs(120)).await;
	assert!(matches!(outcome, Some(OrderOutcome::Settled { .. })), "order on A: {outcome:?}");
	for task in tasks {
		assert!(!task.is_finished(), "an agent stopped: {:?}", task.await);
	}
}
