//! The wallet against an ordinary node: one that keeps the state of the last few blocks only.
//!
//! A payment is made, the chain moves on by more than 300 blocks (so the state of the payment's
//! block, its events included, is gone), then the payee restores its wallet from the mnemonic
//! with a birthday before the payment, finds the note, and spends it to a third wallet that sees
//! it. The restored wallet talks to the node through a proxy that records every request it
//! makes: none may name the spent note (its commitment, or a query about its leaf).
//!
//! `#[ignore]`d like the other dev-node tests, so that a run without a node says it was skipped.

use std::{
	sync::{Arc, Mutex},
	time::Duration,
};

use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	net::{TcpListener, TcpStream},
};
use zksettle_wallet::{
	builder::AssetArg,
	chain::Chain,
	devnode::{self, DevNode},
	keys::{Keys, Network},
	sync::CHUNK,
	wallet::{proving_key, signer, Fee, Wallet},
};

const UNIT: u64 = 1_000_000_000_000;
const ALICE_WORDS: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
const BOB_WORDS: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

/// Blocks of state the node keeps.
const KEEP: &str = "16";

/// A WebSocket proxy to `upstream` that records the text of every frame the client sends
/// (client frames are masked, RFC 6455 §5.3: the recorder unmasks them).
async fn recording_proxy(upstream: String) -> (String, Arc<Mutex<Vec<String>>>) {
	let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
	let url = format!("ws://{}", listener.local_addr().unwrap());
	let log = Arc::new(Mutex::new(Vec::new()));
	let record = log.clone();
	tokio::spawn(async move {
		while let Ok((client, _)) = listener.accept().await {
			let server = TcpStream::connect(&upstream).await.unwrap();
			let (mut client_read, client_write) = client.into_split();
			let (server_read, mut server_write) = server.into_split();
			tokio::spawn(copy(server_read, client_write));
			let record = record.clone();
			tokio::spawn(async move {
				let mut pending = Vec::new();
				let mut handshake_done = false;
				let mut buf = vec![0u8; 1 << 16];
				loop {
					let n = match client_read.read(&mut buf).await {
						Ok(0) | Err(_) => return,
						Ok(n) => n,
					};
					if server_write.write_all(&buf[..n]).await.is_err() {
						return;
					}
					pending.extend_from_slice(&buf[..n]);
					if !handshake_done {
						let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
						pending.drain(..end + 4);
						handshake_done = true;
					}
					while let Some((text, used)) = unmask_frame(&pending) {
						record.lock().unwrap().push(text);
						pending.drain(..used);
					}
				}
			});
		}
	});
	(url, log)
}

async fn copy(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf) {
	let _ = tokio::io::copy(&mut from, &mut to).await;
}

/// One complete client frame at the start of `bytes`: its unmasked payload as text, and its size.
fn unmask_frame(bytes: &[u8]) -> Option<(String, usize)> {
	let (&b1, rest) = bytes.get(1).map(|b| (b, &bytes[2..]))?;
	let (len, rest) = match b1 & 0x7f {
		126 => (u16::from_be_bytes(rest.get(..2)?.try_into().ok()?) as usize, &rest[2..]),
		127 => (u64::from_be_bytes(rest.get(..8)?.try_into().ok()?) as usize, &rest[8..]),
		n => (n as usize, rest),
	};
	let mask: [u8; 4] = rest.get(..4)?.try_into().ok()?;
	let payload = rest.get(4..4 + len)?;
	let text: Vec<u8> = payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]).collect();
	let used = bytes.len() - rest.len() + 4 + len;
	Some((String::from_utf8_lossy(&text).into_owned(), used))
}

async fn wait_for_block(chain: &Chain, number: u64) {
	while chain.finalized().await.unwrap() < number {
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built zksettle-node: ./scripts/test.sh runs it when there is one, or \
            ZKSETTLE_NODE=<path> cargo test -p zksettle-wallet --test ordinary_node -- --ignored"]
async fn restore_and_spend_on_a_pruned_node_without_naming_the_note() {
	let binary = devnode::require();
	let (node, chain) = DevNode::start_with(&binary, 250, &["--state-pruning", KEEP]).await.unwrap();
	let chain = Chain::from(chain);
	let dir = tempfile::tempdir().unwrap();
	let params = proving_key(None, &dir.path().join("params")).unwrap();
	let fee = chain.min_unsigned_fee().await.unwrap();
	let bob_address = Keys::from_phrase(BOB_WORDS).unwrap().address();

	// Alice shields and pays Bob 40; Bob's wallet is not running.
	let mut alice = Wallet::create(&dir.path().join("alice"), Keys::from_phrase(ALICE_WORDS).unwrap(), "pw", 10, 0, Some(Network::Dev)).unwrap();
	alice.shield(&chain, &params, AssetArg::Native, 100 * UNIT, &signer("//Alice").unwrap()).await.unwrap();
	let before_payment = chain.finalized().await.unwrap();
	let paid = alice.send(&chain, &params, AssetArg::Native, 40 * UNIT, bob_address, Fee::unsigned(fee)).await.unwrap();

	// More than 300 blocks later, the payment block's state is gone from the node.
	wait_for_block(&chain, paid.tx.block + 310).await;
	let pruned = match chain.client().at_block(paid.tx.block).await {
		Ok(at) => at.events().fetch().await.is_err(),
		Err(_) => true,
	};
	assert!(pruned, "the node still has the state of block {}", paid.tx.block);

	// Bob restores from the mnemonic, with a birthday before the payment, through the recorder.
	let (proxy, requests) = recording_proxy(node.url.trim_start_matches("ws://").to_string()).await;
	let bob_chain = Chain::connect(&proxy).await.unwrap();
	let mut bob =
		Wallet::create(&dir.path().join("bob"), Keys::from_phrase(BOB_WORDS).unwrap(), "pw", 10, before_payment, Some(Network::Dev)).unwrap();
	let report = bob.sync(&bob_chain, |_, _| {}).await.unwrap();
	assert_eq!((report.received, report.with_notes), (1, 1), "{report:?}");
	assert_eq!(bob.state.balances().get(&0), Some(&u128::from(40 * UNIT)));
	let note = bob.state.notes[0].clone();
	assert_eq!(note.block, paid.tx.block);

	// Bob pays Carol 15; Carol, born after Alice's payment, sees it.
	let carol_keys = Keys::from_phrase(&Keys::generate_phrase().unwrap()).unwrap();
	let carol_address = carol_keys.address();
	let mut carol = Wallet::create(&dir.path().join("carol"), carol_keys, "pw", 10, chain.finalized().await.unwrap(), Some(Network::Dev)).unwrap();
	requests.lock().unwrap().clear();
	bob.send(&bob_chain, &params, AssetArg::Native, 15 * UNIT, carol_address, Fee::unsigned(fee)).await.unwrap();
	carol.sync(&chain, |_, _| {}).await.unwrap();
	assert_eq!(carol.state.balances().get(&0), Some(&u128::from(15 * UNIT)));
	assert_eq!(bob.state.balances().get(&0), Some(&(u128::from(25 * UNIT) - fee)));

	// Nothing Bob's wallet asked during the spend names the note it spent.
	let requests = requests.lock().unwrap().clone();
	let submitted = |r: &String| r.contains("submitAndWatch") || r.contains("author_submitExtrinsic");
	assert!(requests.iter().any(submitted), "the recorder saw the spend: {requests:?}");
	for request in &requests {
		assert!(!request.contains(&note.commitment), "the note's commitment in {request}");
		for query in ["ShieldedPoolApi_merkle_path", "ShieldedPoolApi_is_spent", "NoteCommitted"] {
			assert!(!request.contains(query), "{query} in {request}");
		}
		// Leaves are asked for in aligned chunks only: ranges every wallet scanning the same
		// blocks asks for.
		if request.contains("ShieldedPoolApi_leaves") {
			// `state_call` or `chainHead_v1_call`: the arguments follow the function's name.
			let json: serde_json::Value = serde_json::from_str(request).unwrap();
			let params = json["params"].as_array().unwrap();
			let at = params.iter().position(|p| p.as_str() == Some("ShieldedPoolApi_leaves")).unwrap();
			let args = params[at + 1].as_str().unwrap().trim_start_matches("0x");
			let bytes = hex::decode(args).unwrap();
			let start = u64::from_le_bytes(bytes[..8].try_into().unwrap());
			let count = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
			assert_eq!((start % CHUNK, u64::from(count)), (0, CHUNK), "{request}");
		}
	}
	drop(node);
}
