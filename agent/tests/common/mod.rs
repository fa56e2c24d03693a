//! What the two-chain tests share: the dev presets' validator keys and security levels, two dev
//! chains that know each other's settlers, and opening, filling and awaiting orders.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use codec::{Decode, Encode};
use pallet_settlement::{OrderData, OrderOutcome};
use zksettle_agent::mailbox::Mailbox;
use zksettle_client::{
	devnode::{self, DevNode},
	signer::sr25519 as signer,
};

/// Anvil keys 0, 1 (two of the fast level's 0..3) and 3, 4 (two of the merkle-root level's
/// 3..6) of the dev presets' ISMs.
pub const ANVIL: [&str; 4] = [
	"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
	"47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
];
/// Security levels of the dev presets: message-id multisig (2 of Anvil 0..3), merkle-root
/// multisig (2 of Anvil 3..6), and the aggregation of the two.
pub const FAST: u32 = 1;
pub const MERKLE_ROOT: u32 = 3;
pub const AGGREGATED: u32 = 4;
pub const UNIT: u128 = 1_000_000_000_000;

pub async fn api<R: Decode>(mailbox: &Mailbox, function: &str, args: &[u8]) -> R {
	mailbox.chain.runtime_api(function, args).await.unwrap()
}

/// Unix seconds of the chain's finalized head.
pub async fn now(mailbox: &Mailbox) -> u64 {
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
pub async fn open(origin: &Mailbox, destination: &Mailbox, ism: u32, window: u64) -> ([u8; 32], OrderData) {
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
pub async fn open_and_fill(origin: &Mailbox, destination: &Mailbox, ism: u32) -> [u8; 32] {
	let (order_id, order) = open(origin, destination, ism, 3600).await;
	fill(destination, order).await;
	order_id
}

/// Bob fills `order` on its destination; his origin account is the solver.
pub async fn fill(destination: &Mailbox, order: OrderData) {
	let bob = signer("//Bob").unwrap();
	let args = (order, bob.public_key().0).encode();
	destination.chain.submit_to("Settlement", "fill_order", &args, Some(&bob)).await.unwrap();
}

/// Eve refunds the unfilled `order` on its destination as soon as its deadline has passed there.
pub async fn refund_on_destination(destination: &Mailbox, order: &OrderData) {
	let eve = signer("//Eve").unwrap();
	let refund_by = Instant::now() + Duration::from_secs(120);
	loop {
		match destination.chain.submit_to("Settlement", "refund_order", &order.encode(), Some(&eve)).await {
			Ok(_) => return,
			Err(e) if e.to_string().contains("RefundTooEarly") && Instant::now() < refund_by => {
				tokio::time::sleep(Duration::from_secs(1)).await
			},
			Err(e) => panic!("refund_order on the destination: {e}"),
		}
	}
}

/// Two dev chains, A and B (B with the domain after A's, a block every `b_block_ms` and `b_extra`
/// arguments), each enrolling the other's settler (governance: sudo on the dev chains).
pub async fn two_chains(b_block_ms: u64, b_extra: &[&str]) -> ((DevNode, Mailbox), (DevNode, Mailbox)) {
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

pub async fn settled(origin: &Mailbox, order_id: [u8; 32], within: Duration) -> Option<OrderOutcome> {
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

/// The validators of `secrets`, watching the chain at `url` from leaf 0 and serving their
/// checkpoints over JSON-RPC: their endpoints, and their tasks (each returns only on failure).
pub async fn rpc_validators(
	url: &str,
	secrets: &[&str],
) -> (Vec<String>, Vec<tokio::task::JoinHandle<Result<(), zksettle_agent::AgentError>>>) {
	use zksettle_agent::{
		signer::ValidatorKey,
		validator::{self, Store},
	};
	let mut endpoints = Vec::new();
	let mut tasks = Vec::new();
	for secret in secrets {
		let key = ValidatorKey::from_hex(secret).unwrap();
		let store = Store::open(None).unwrap();
		let (handle, local) = validator::serve(store.clone(), key.address(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
		endpoints.push(format!("http://{local}"));
		let url = url.to_string();
		tasks.push(tokio::spawn(async move {
			let _handle = handle;
			let mut mailbox = Mailbox::connect(&url).await.unwrap();
			let pin = validator::Pin { domain: mailbox.domain, hook: mailbox.hook };
			validator::watch(&mut mailbox, &key, &store, 0, pin, None).await
		}));
	}
	(endpoints, tasks)
}
