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
//! The node is found by `zksettle_wallet::devnode::binary`; the tests are `#[ignore]`d, so a run
//! without `--ignored` reports them skipped, and with `--ignored` and no node they fail.

use std::time::{Duration, Instant};

use codec::{Decode, Encode};
use pallet_settlement::{OrderData, OrderOutcome};
use zksettle_agent::{
	mailbox::Mailbox,
	relayer::{Outcome, Relayer},
	signer::ValidatorKey,
	storage::LocalStorage,
	validator::{self, Store},
};
use zksettle_wallet::{
	devnode::{self, DevNode},
	wallet::signer,
};

/// Anvil keys 0, 1 (two of the fast level's 0..3) and 3, 4 (two of the merkle-root level's
/// 3..6) of the dev presets' ISMs.
const ANVIL: [&str; 4] = [
	"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
	"47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
];
/// Security levels of the dev presets: message-id multisig (2 of Anvil 0..3), merkle-root
/// multisig (2 of Anvil 3..6), and the aggregation of the two.
const FAST: u32 = 1;
const MERKLE_ROOT: u32 = 3;
const AGGREGATED: u32 = 4;
const UNIT: u128 = 1_000_000_000_000;

async fn api<R: Decode>(mailbox: &Mailbox, function: &str, args: &[u8]) -> R {
	mailbox.chain.runtime_api(function, args).await.unwrap()
}

/// Unix seconds of the chain's finalized head.
async fn now(mailbox: &Mailbox) -> u64 {
	let at = mailbox.chain.client().at_current_block().await.unwrap();
	let value = at
		.storage()
		.try_fetch(subxt::dynamic::storage::<(), subxt::dynamic::Value>("Timestamp", "Now"), ())
		.await
		.unwrap()
		.unwrap();
	u64::decode(&mut value.bytes()).unwrap() / 1000
}

/// Open an order on `origin` for `destination` at security level `ism`, with a fill deadline
/// `window` seconds away; return its id and data (as the `OrderOpened` event carries them).
async fn open(origin: &Mailbox, destination: &Mailbox, ism: u32, window: u64) -> ([u8; 32], OrderData) {
	let alice = signer("//Alice").unwrap();
	let fee: Option<u128> = api(origin, "SettlementApi_quote", &(ism, destination.domain).encode()).await;
	let fee = fee.expect("a quote for the level");
	let recipient = signer("//Ferdie").unwrap().public_key().0;
	let deadline = now(origin).await + window;
	let args = (10 * UNIT, destination.domain, destination.settler, 9 * UNIT, recipient, deadline, ism, fee).encode();
	let opened = origin.chain.submit_to("Settlement", "open_order", &args, Some(&alice)).await.unwrap();

	let at = origin.chain.client().at_block(opened.block).await.unwrap();
	let events = at.events().fetch().await.unwrap();
	let mut order = None;
	for event in events.iter() {
		let event = event.unwrap();
		if event.pallet_name() == "Settlement" && event.event_name() == "OrderOpened" {
			let mut fields = event.field_bytes();
			let order_id = <[u8; 32]>::decode(&mut fields).unwrap();
			let _user = <[u8; 32]>::decode(&mut fields).unwrap();
			order = Some((order_id, OrderData::decode(&mut fields).unwrap()));
		}
	}
	let (order_id, order) = order.expect("OrderOpened");
	assert_eq!(order.ism, ism);
	(order_id, order)
}

/// Open an order on `origin` for `destination` at security level `ism`, fill it on
/// `destination`; return its id.
async fn open_and_fill(origin: &Mailbox, destination: &Mailbox, ism: u32) -> [u8; 32] {
	let (order_id, order) = open(origin, destination, ism, 3600).await;
	// Bob fills it on the destination; his origin account is the solver.
	let bob = signer("//Bob").unwrap();
	let args = (order, bob.public_key().0).encode();
	destination.chain.submit_to("Settlement", "fill_order", &args, Some(&bob)).await.unwrap();
	order_id
}

/// Two dev chains, A and B (B with the domain after A's, a block every `b_block_ms` and `b_extra`
/// arguments), each enrolling the other's settler (governance: sudo on the dev chains).
async fn two_chains(b_block_ms: u64, b_extra: &[&str]) -> ((DevNode, Mailbox), (DevNode, Mailbox)) {
	let binary = devnode::require();
	// B is another chain: the dev chain with its own domain at genesis (the domain is fixed).
	let (node_a, chain_a) = DevNode::start(&binary).await.unwrap();
	let a = Mailbox::connect(&node_a.url).await.unwrap();
	let (node_b, chain_b) = DevNode::start_with_domain_and(&binary, a.domain + 1, b_block_ms, b_extra).await.unwrap();
	let b = Mailbox::connect(&node_b.url).await.unwrap();
	for (chain, other) in [(&chain_a, &b), (&chain_b, &a)] {
		let inner = chain.call_data("Settlement", "enroll_settler", &(other.domain, other.settler).encode()).await.unwrap();
		chain.submit_to("Sudo", "sudo", &inner, Some(&signer("//Alice").unwrap())).await.unwrap();
	}
	((node_a, a), (node_b, b))
}

async fn settled(origin: &Mailbox, order_id: [u8; 32], within: Duration) -> Option<OrderOutcome> {
	let deadline = Instant::now() + within;
	while Instant::now() < deadline {
		let outcome: Option<OrderOutcome> = api(origin, "SettlementApi_order_outcome", &order_id.encode()).await;
		if outcome.is_some() {
			return outcome;
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	None
}

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
	let refused = validator::watch(&b, &key, &Store::open(None).unwrap(), 0, pin_a).await;
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
				store = store.publishing(storage, &format!("0x{}", hex::encode(key.address()))).await.unwrap();
			}
			let url = url.clone();
			tasks.push(tokio::spawn(async move {
				let _handle = handle;
				let mailbox = Mailbox::connect(&url).await.unwrap();
				let pin = validator::Pin { domain: mailbox.domain, hook: mailbox.hook };
				validator::watch(&mailbox, &key, &store, 0, pin).await
			}));
		}
	}

	// Relayers both ways, submitting as //Dave.
	for (from, to, validators) in [(&node_a.url, &node_b.url, endpoints[0].clone()), (&node_b.url, &node_a.url, endpoints[1].clone())] {
		let relayer = Relayer::new(
			Mailbox::connect(from).await.unwrap(),
			Mailbox::connect(to).await.unwrap(),
			&validators,
			signer("//Dave").unwrap(),
		)
		.unwrap();
		tasks.push(tokio::spawn(async move {
			relayer
				.run(0, |d, outcome| {
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
	let eve = signer("//Eve").unwrap();
	let refund_by = Instant::now() + Duration::from_secs(120);
	loop {
		match b.chain.submit_to("Settlement", "refund_order", &data.encode(), Some(&eve)).await {
			Ok(_) => break,
			Err(e) if e.to_string().contains("RefundTooEarly") && Instant::now() < refund_by => {
				tokio::time::sleep(Duration::from_secs(1)).await
			},
			Err(e) => panic!("refund_order on B: {e}"),
		}
	}
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
	let mut endpoints = Vec::new();
	let mut tasks = Vec::new();
	for secret in &ANVIL[..2] {
		let key = ValidatorKey::from_hex(secret).unwrap();
		let store = Store::open(None).unwrap();
		let (handle, local) = validator::serve(store.clone(), key.address(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
		endpoints.push(format!("http://{local}"));
		let url = node_b.url.clone();
		tasks.push(tokio::spawn(async move {
			let _handle = handle;
			let mailbox = Mailbox::connect(&url).await.unwrap();
			let pin = validator::Pin { domain: mailbox.domain, hook: mailbox.hook };
			validator::watch(&mailbox, &key, &store, 0, pin).await
		}));
	}
	let relayer = Relayer::new(
		Mailbox::connect(&node_b.url).await.unwrap(),
		Mailbox::connect(&node_a.url).await.unwrap(),
		&endpoints,
		signer("//Dave").unwrap(),
	)
	.unwrap();
	tasks.push(tokio::spawn(async move { relayer.run(0, |_, _| {}).await }));
	let outcome = settled(&a, order, Duration::from_secs(120)).await;
	assert!(matches!(outcome, Some(OrderOutcome::Settled { .. })), "order on A: {outcome:?}");
	for task in tasks {
		assert!(!task.is_finished(), "an agent stopped: {:?}", task.await);
	}
}
