//! The `zksettle` command line against a dev node, as a script would drive it: `--json` output
//! and exit codes, assets by symbol with their own decimals, and a payment spread over three
//! notes that the wallet merges before paying.

use codec::{Compact, Encode};
use serde_json::Value;
use zksettle_wallet::{
	chain::Chain,
	devnode::{self, DevNode},
	error::exit,
	keys::Keys,
	wallet::signer,
};

const ALICE_WORDS: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
const BOB_WORDS: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";
/// The asset the test creates: symbol `USDZ`, 6 decimals.
const USDZ: u32 = 7;

/// Run `zksettle --json --url url --wallet dir args…` with `stdin`; its exit status and the one
/// JSON object it printed.
async fn zksettle(url: &str, dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> (u8, Value) {
	let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_zksettle"));
	command
		.args(["--json", "--url", url, "--wallet"])
		.arg(dir)
		.args(args)
		.env("ZKSETTLE_PASSWORD", "pw")
		.stdin(std::process::Stdio::piped())
		.stdout(std::process::Stdio::piped())
		.stderr(std::process::Stdio::piped());
	let stdin = stdin.map(str::to_string);
	let output = tokio::task::spawn_blocking(move || {
		let mut child = command.spawn().unwrap();
		if let Some(text) = stdin {
			use std::io::Write;
			child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
		}
		child.wait_with_output().unwrap()
	})
	.await
	.unwrap();
	let stdout = String::from_utf8_lossy(&output.stdout);
	let json: Value = serde_json::from_str(stdout.trim())
		.unwrap_or_else(|e| panic!("zksettle {args:?}: not one JSON object ({e}): {stdout}\nstderr: {}", String::from_utf8_lossy(&output.stderr)));
	(u8::try_from(output.status.code().unwrap()).unwrap(), json)
}

/// `pallet_assets` calls by //Alice: create `id`, name it, mint to //Alice, hand the owner,
/// admin and freezer roles to the pool (which it requires of an asset it holds), and allow it
/// into the pool (sudo).
async fn create_asset(chain: &Chain, id: u32, symbol: &str, decimals: u8, mint: u128) {
	let alice = signer("//Alice").unwrap();
	let me = (0u8, alice.public_key().to_account_id().0); // MultiAddress::Id
	let mut pool_account = [0u8; 32];
	pool_account[..12].copy_from_slice(b"modlzks/pool"); // PalletId(*b"zks/pool"), truncated
	let pool = (0u8, pool_account);
	let calls: [(&str, Vec<u8>); 5] = [
		("create", (Compact(id), me, 1u128).encode()),
		("set_metadata", (Compact(id), symbol.as_bytes().to_vec(), symbol.as_bytes().to_vec(), decimals).encode()),
		("mint", (Compact(id), me, Compact(mint)).encode()),
		("set_team", (Compact(id), me, pool, pool).encode()),
		("transfer_ownership", (Compact(id), pool).encode()),
	];
	for (call, args) in calls {
		chain.submit_to("Assets", call, &args, Some(&alice)).await.unwrap_or_else(|e| panic!("Assets::{call}: {e}"));
	}
	let allow = chain.call_data("ShieldedPool", "allow_asset", &id.encode()).await.unwrap();
	chain.submit_to("Sudo", "sudo", &allow, Some(&alice)).await.unwrap();
	let at = chain.client().at_current_block().await.unwrap();
	let allowed = subxt::dynamic::storage::<(u32,), ()>("ShieldedPool", "AllowedAssets");
	assert!(at.storage().try_fetch(allowed, (id,)).await.unwrap().is_some(), "asset {id} was not allowed");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built zksettle-node: ./scripts/test.sh runs it when there is one, or \
            ZKSETTLE_NODE=<path> cargo test -p zksettle-wallet --test cli_dev_node -- --ignored"]
async fn json_output_assets_by_symbol_and_merged_notes() {
	let binary = devnode::require();
	let (node, chain) = DevNode::start_with(&binary, 500, &[]).await.unwrap();
	let chain = Chain::from(chain);
	let url = node.url.clone();
	create_asset(&chain, USDZ, "USDZ", 6, 1_000_000_000).await;
	// Two assets claim one symbol: a symbol is only a name anyone can pick.
	create_asset(&chain, 8, "DUP", 0, 10).await;
	create_asset(&chain, 9, "DUP", 0, 10).await;

	let dir = tempfile::tempdir().unwrap();
	let (alice, bob) = (dir.path().join("alice"), dir.path().join("bob"));
	// //Alice's secret URI pays the shields: in a file only its owner can read, as the wallet
	// takes secrets (never on a flag).
	let payer = alice_suri_file(dir.path());
	let payer = payer.to_str().unwrap();
	let (code, restored) = zksettle(&url, &alice, &["restore"], Some(&format!("{ALICE_WORDS}\n"))).await;
	assert_eq!(code, 0, "{restored}");
	zksettle(&url, &bob, &["restore"], Some(&format!("{BOB_WORDS}\n"))).await;
	let (_, address) = zksettle(&url, &bob, &["address"], None).await;
	let bob_address = address["address"].as_str().unwrap().to_string();
	assert_eq!(bob_address, Keys::from_phrase(BOB_WORDS).unwrap().address().encode(zksettle_wallet::keys::Network::Dev));

	// An asset by its symbol, amounts with its 6 decimals.
	let (code, out) = zksettle(&url, &alice, &["shield", "2.5", "--asset", "USDZ", "--suri-file", payer], None).await;
	assert_eq!(code, 0, "{out}");
	assert_eq!(out["value"]["amount"], "2500000");
	assert_eq!(out["value"]["asset"], serde_json::json!({ "id": USDZ, "symbol": "USDZ", "decimals": 6 }));
	// Unsigned transactions carry the native token only (the pool's policy, which the pallet
	// enforces): the wallet refuses a private USDZ payment without a relayer before proving
	// anything, and says what to pass.
	let (code, out) = zksettle(&url, &alice, &["send", "1", &bob_address, "--asset", "USDZ", "--fee", "0.01"], None).await;
	assert_eq!((code, out["error"]["class"].as_str()), (exit::INPUT, Some("input")), "{out}");
	assert!(out["error"]["message"].as_str().unwrap().contains("--relayer"), "{out}");

	// Three shields of 10 ZKS: three notes.
	for _ in 0..3 {
		let (code, out) = zksettle(&url, &alice, &["shield", "10", "--suri-file", payer], None).await;
		assert_eq!(code, 0, "{out}");
		assert_eq!(out["value"]["amount"], "10000000000000");
		assert_eq!(out["value"]["asset"], serde_json::json!({ "id": null, "symbol": "ZKS", "decimals": 12 }));
		assert_eq!(out["merges"].as_array().unwrap().len(), 0);
	}

	// 25 needs three notes: one merge, then the payment, each paying the fee. Proposed first:
	// without a terminal to ask on and without --yes, nothing is sent, and the refusal says
	// what would have been (two transactions, two fees).
	let (code, out) = zksettle(&url, &alice, &["send", "25", &bob_address], None).await;
	assert_eq!((code, out["error"]["class"].as_str()), (exit::INPUT, Some("input")), "{out}");
	let message = out["error"]["message"].as_str().unwrap();
	for part in ["send 25 ZKS to", "1 merge transaction(s) first", "2 transaction(s), fee 0.", "--yes"] {
		assert!(message.contains(part), "{part}: {message}");
	}
	let (code, sent) = zksettle(&url, &alice, &["send", "25", &bob_address, "--yes"], None).await;
	assert_eq!(code, 0, "{sent}");
	assert_eq!(sent["merges"].as_array().unwrap().len(), 1, "{sent}");
	assert!(sent["merges"][0]["block"].as_u64().unwrap() < sent["tx"]["block"].as_u64().unwrap());
	let fee: u128 = sent["fee"].as_str().unwrap().parse().unwrap();
	assert_eq!(fee, chain.min_unsigned_fee().await.unwrap());

	let shielded = |balance: &Value| -> Vec<(String, String, u64)> {
		balance["shielded"]
			.as_array()
			.unwrap()
			.iter()
			.map(|s| {
				let symbol = s["value"]["asset"]["symbol"].as_str().unwrap().to_string();
				(symbol, s["value"]["amount"].as_str().unwrap().to_string(), s["notes"].as_u64().unwrap())
			})
			.collect()
	};
	let (_, balance) = zksettle(&url, &bob, &["balance"], None).await;
	assert_eq!(shielded(&balance), [("ZKS".into(), "25000000000000".into(), 1)]);
	// Alice: 30 - 25 - two fees, in one note (the merge's zero note is not counted), and her
	// USDZ.
	let (_, balance) = zksettle(&url, &alice, &["balance"], None).await;
	let change = (5_000_000_000_000 - 2 * fee).to_string();
	assert_eq!(shielded(&balance), [("ZKS".into(), change, 1), ("USDZ".into(), "2500000".into(), 1)]);
	let (_, history) = zksettle(&url, &alice, &["history"], None).await;
	let kinds: Vec<&str> = history["history"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
	for kind in ["shield", "merge", "send"] {
		assert!(kinds.contains(&kind), "{kinds:?}");
	}

	// Errors: one JSON object with the class and the same exit status.
	let (code, out) = zksettle(&url, &alice, &["shield", "1", "--asset", "DUP", "--suri-file", payer], None).await;
	assert_eq!((code, out["error"]["class"].as_str()), (exit::INPUT, Some("input")), "{out}");
	assert!(out["error"]["message"].as_str().unwrap().contains("assets 8, 9"), "{out}");
	// More than the payer holds: the user's funds (exit 4), found before any proof is made.
	let (code, out) = zksettle(&url, &alice, &["shield", "5000", "--asset", "USDZ", "--suri-file", payer], None).await;
	assert_eq!((code, out["error"]["class"].as_str()), (exit::FUNDS, Some("funds")), "{out}");
	assert!(out["error"]["message"].as_str().unwrap().contains("insufficient public balance: need 5000 USDZ"), "{out}");
	// An account written for another network (Alice's, Polkadot's prefix 0) is refused.
	let (code, out) = zksettle(&url, &alice, &["unshield", "1", "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"], None).await;
	assert_eq!((code, out["error"]["class"].as_str()), (exit::INPUT, Some("input")), "{out}");
	assert!(out["error"]["message"].as_str().unwrap().contains("prefix 0"), "{out}");
	// An id no asset has is refused, not read as an asset of 0 decimals.
	let (code, out) = zksettle(&url, &alice, &["shield", "1", "--asset", "999", "--suri-file", payer], None).await;
	assert_eq!((code, out["error"]["class"].as_str()), (exit::INPUT, Some("input")), "{out}");
	assert!(out["error"]["message"].as_str().unwrap().contains("no asset 999"), "{out}");
	let (code, out) = zksettle(&url, &alice, &["send", "1000", &bob_address, "--yes"], None).await;
	assert_eq!((code, out["error"]["class"].as_str()), (exit::FUNDS, Some("funds")), "{out}");
	assert!(out["error"]["message"].as_str().unwrap().contains("ZKS"), "{out}");
	let (code, out) = zksettle(&url, &alice, &["send", "1.0000001", &bob_address, "--asset", "USDZ"], None).await;
	assert_eq!(code, exit::INPUT, "{out}");
	let (code, out) = zksettle("ws://127.0.0.1:1", &alice, &["sync"], None).await;
	assert_eq!((code, out["error"]["class"].as_str()), (exit::NODE, Some("node")), "{out}");
	drop(node);
}

/// A payer's secret-URI file for //Alice in `dir`, readable by its owner alone (as the wallet
/// requires).
fn alice_suri_file(dir: &std::path::Path) -> std::path::PathBuf {
	let payer = dir.join("alice.suri");
	std::fs::write(&payer, "//Alice\n").unwrap();
	std::fs::set_permissions(&payer, <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600)).unwrap();
	payer
}

/// The shielded ZKS of a wallet: (amount in base units, notes).
async fn shielded_zks(url: &str, dir: &std::path::Path) -> (String, u64) {
	let (code, balance) = zksettle(url, dir, &["balance"], None).await;
	assert_eq!(code, 0, "{balance}");
	let zks = balance["shielded"].as_array().unwrap().iter().find(|s| s["value"]["asset"]["symbol"] == "ZKS");
	zks.map_or(("0".into(), 0), |s| (s["value"]["amount"].as_str().unwrap().to_string(), s["notes"].as_u64().unwrap()))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built zksettle-node: ./scripts/test.sh runs it when there is one, or \
            ZKSETTLE_NODE=<path> cargo test -p zksettle-wallet --test cli_dev_node -- --ignored"]
async fn a_restarted_chain_under_a_synced_wallet_is_detected_and_rescanned() {
	let binary = devnode::require();
	let dir = tempfile::tempdir().unwrap();
	let payer = alice_suri_file(dir.path());
	let payer = payer.to_str().unwrap();
	let (wallet, other) = (dir.path().join("wallet"), dir.path().join("same-mnemonic"));

	// A synced wallet with a 10 ZKS note on the first chain.
	let (first, _) = DevNode::start_with(&binary, 500, &[]).await.unwrap();
	let (code, out) = zksettle(&first.url, &wallet, &["restore"], Some(&format!("{ALICE_WORDS}\n"))).await;
	assert_eq!(code, 0, "{out}");
	let (code, out) = zksettle(&first.url, &wallet, &["shield", "10", "--suri-file", payer], None).await;
	assert_eq!(code, 0, "{out}");
	assert_eq!(shielded_zks(&first.url, &wallet).await, ("10000000000000".into(), 1));
	drop(first);

	// The chain is restarted (same genesis, new blocks): the 10 ZKS note is gone, and another
	// wallet of the same mnemonic shields 4 ZKS on the new chain.
	let (second, _) = DevNode::start_with(&binary, 500, &[]).await.unwrap();
	let url = second.url.clone();
	zksettle(&url, &other, &["restore"], Some(&format!("{ALICE_WORDS}\n"))).await;
	let (code, out) = zksettle(&url, &other, &["shield", "4", "--suri-file", payer], None).await;
	assert_eq!(code, 0, "{out}");

	// The first wallet sees that the node's chain is not the one it scanned, rewinds to its
	// birthday, drops the vanished note and its own shield of it, and finds the live note.
	let (code, synced) = zksettle(&url, &wallet, &["sync"], None).await;
	assert_eq!(code, 0, "{synced}");
	assert_eq!(synced["rewound"]["notes"], 1, "{synced}");
	assert_eq!(synced["rewound"]["unspent"], 1, "{synced}");
	assert_eq!((synced["from"].as_u64(), synced["received"].as_u64()), (Some(0), Some(1)), "{synced}");
	assert_eq!(shielded_zks(&url, &wallet).await, ("4000000000000".into(), 1));
	let (_, history) = zksettle(&url, &wallet, &["history"], None).await;
	let lines: Vec<(&str, &str)> = history["history"]
		.as_array()
		.unwrap()
		.iter()
		.map(|e| (e["kind"].as_str().unwrap(), e["value"]["amount"].as_str().unwrap()))
		.collect();
	assert_eq!(lines, [("received", "4000000000000")], "{history}");
	// A second sync on the same chain finds it continuous.
	let (_, synced) = zksettle(&url, &wallet, &["sync"], None).await;
	assert!(synced["rewound"].is_null(), "{synced}");

	// `rescan` finds the same notes again and keeps the wallet's own transactions; `reset`
	// forgets the chain too, and the next sync rebuilds the same balance.
	let (code, out) = zksettle(&url, &other, &["rescan"], None).await;
	assert_eq!((code, out["forgot"]["notes"].as_u64(), out["received"].as_u64()), (0, Some(1), Some(1)), "{out}");
	let (_, history) = zksettle(&url, &other, &["history"], None).await;
	assert!(history["history"].as_array().unwrap().iter().any(|e| e["kind"] == "shield"), "{history}");
	let (code, out) = zksettle(&url, &other, &["reset", "--birthday", "0"], None).await;
	assert_eq!((code, out["birthday"].as_u64()), (0, Some(0)), "{out}");
	assert_eq!(shielded_zks(&url, &other).await, ("4000000000000".into(), 1));
	drop(second);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built zksettle-node: ./scripts/test.sh runs it when there is one, or \
            ZKSETTLE_NODE=<path> cargo test -p zksettle-wallet --test cli_dev_node -- --ignored"]
async fn watch_reports_a_payment_in_the_block_that_holds_it_and_writes_nothing() {
	use std::io::BufRead;
	let binary = devnode::require();
	let dir = tempfile::tempdir().unwrap();
	let payer = alice_suri_file(dir.path());
	let wallet = dir.path().join("wallet");
	let (node, _) = DevNode::start_with(&binary, 500, &[]).await.unwrap();
	let (code, out) = zksettle(&node.url, &wallet, &["restore"], Some(&format!("{ALICE_WORDS}\n"))).await;
	assert_eq!(code, 0, "{out}");

	// `watch` in the background, until it has reported the note final.
	let mut watch = std::process::Command::new(env!("CARGO_BIN_EXE_zksettle"))
		.args(["--json", "--url", &node.url, "--wallet"])
		.arg(&wallet)
		.args(["watch"])
		.env("ZKSETTLE_PASSWORD", "pw")
		.stdout(std::process::Stdio::piped())
		.stderr(std::process::Stdio::null())
		.spawn()
		.unwrap();
	let stdout = watch.stdout.take().unwrap();
	let reader = std::thread::spawn(move || {
		let mut events = Vec::new();
		for line in std::io::BufReader::new(stdout).lines() {
			let event: Value = serde_json::from_str(&line.unwrap()).unwrap();
			let done = event["status"] == "final";
			events.push(event);
			if done {
				break;
			}
		}
		events
	});

	// Another process on the same wallet shields 10 ZKS.
	tokio::time::sleep(std::time::Duration::from_secs(2)).await;
	let (code, shield) = zksettle(&node.url, &wallet, &["shield", "10", "--suri-file", payer.to_str().unwrap()], None).await;
	assert_eq!(code, 0, "{shield}");
	let joined = tokio::task::spawn_blocking(move || reader.join().unwrap());
	let events = tokio::time::timeout(std::time::Duration::from_secs(120), joined).await;
	let _ = watch.kill();
	let _ = watch.wait();
	let events = events.expect("watch reported nothing final within 120 s").unwrap();

	// Reported in the block that holds it. The omni node's dev seal finalizes each block as it
	// makes it (polkadot-omni-node-lib 0.24 `nodes/aura.rs`: `finalize: true`), so on a dev node
	// the note is final at once; `pending`, if seen at all, came first and in the same block.
	let last = events.last().unwrap();
	assert_eq!((last["status"].as_str(), last["direction"].as_str()), (Some("final"), Some("received")), "{events:?}");
	assert_eq!(last["amount"], "10000000000000", "{events:?}");
	assert_eq!(last["asset"]["symbol"], "ZKS");
	assert_eq!(last["block"], shield["tx"]["block"], "the shield's block: {shield}");
	assert!(events[..events.len() - 1].iter().all(|e| e["status"] == "pending" && e["block"] == last["block"]), "{events:?}");

	// The shield's own record survived: `watch` never writes the wallet's files.
	let (_, history) = zksettle(&node.url, &wallet, &["history"], None).await;
	assert!(history["history"].as_array().unwrap().iter().any(|e| e["kind"] == "shield"), "{history}");
	drop(node);
}
