//! Agents that never lose a message: 20 intents from chain A to chain B, twelve filled on B and
//! eight refunded on B after their deadline, while one of B's two validators and the relayer
//! B → A (the `zksettle-agent` binary, configured by file, variables and secret files) are killed
//! with SIGKILL mid-stream and restarted on their databases. Every order must end exactly once:
//! the filled ones pay the solver, the expired ones return the user's input, nothing stays open
//! or escrowed, and the relayer owes nothing at the end. The relayer is given no validator list:
//! it finds V0 and V1 through the storage locations they announced on B, as Hyperlane relayers
//! find validators through `ValidatorAnnounce`.
//!
//! The node is found by `zksettle_client::devnode::binary`; the test is `#[ignore]`d, so a run
//! without `--ignored` reports it skipped, and with `--ignored` and no node it fails.

mod common;

use std::{
	fs::File,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::Duration,
};

use codec::{Decode, Encode};
use common::*;
use pallet_settlement::OrderOutcome;
use subxt::utils::AccountId32;
use zksettle_agent::{mailbox::Mailbox, signer::ValidatorKey, storage::LocalStorage};
use zksettle_client::signer::sr25519 as signer;

/// One agent process, restartable with the same arguments and environment.
struct Agent {
	name: &'static str,
	args: Vec<String>,
	env: Vec<(String, String)>,
	log: PathBuf,
	child: Option<Child>,
}

impl Agent {
	fn new(name: &'static str, dir: &Path, args: &[&str], env: &[(&str, String)]) -> Self {
		Agent {
			name,
			args: args.iter().map(|a| a.to_string()).collect(),
			env: env.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
			log: dir.join(format!("{name}.log")),
			child: None,
		}
	}

	fn start(&mut self) {
		let log = File::options().create(true).append(true).open(&self.log).unwrap();
		let child = Command::new(env!("CARGO_BIN_EXE_zksettle-agent"))
			.args(&self.args)
			.envs(self.env.iter().cloned())
			.env("RUST_LOG", "zksettle_agent=info")
			.stdout(Stdio::null())
			.stderr(log)
			.spawn()
			.unwrap();
		self.child = Some(child);
	}

	/// SIGKILL: no shutdown path runs.
	fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			child.kill().unwrap();
			child.wait().unwrap();
		}
	}

	fn assert_running(&mut self) {
		let exited = self.child.as_mut().map(|c| c.try_wait().unwrap());
		assert!(matches!(exited, Some(None)), "{} exited: {:?}\n{}", self.name, exited, std::fs::read_to_string(&self.log).unwrap_or_default());
	}
}

impl Drop for Agent {
	fn drop(&mut self) {
		self.kill();
	}
}

/// A secret file only its owner can read.
fn secret_file(path: &Path, text: &str) -> String {
	use std::os::unix::fs::PermissionsExt;
	std::fs::write(path, text).unwrap();
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
	path.display().to_string()
}

/// What the killed relayer's database held.
fn report_kill(db: &Path) {
	let db = zksettle_agent::relayer::db::Db::read(db).unwrap();
	eprintln!("relayer killed: next leaf {}, owing {:?}", db.next(), db.pending().keys().collect::<Vec<_>>());
}

fn free_port() -> u16 {
	std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `(free, reserved)` of `who` on `chain` (`System::Account`).
async fn balances(chain: &Mailbox, who: &str) -> (u128, u128) {
	let account: AccountId32 = signer(who).unwrap().public_key().into();
	let at = chain.chain.client().at_current_block().await.unwrap();
	let value = at
		.storage()
		.try_fetch(subxt::dynamic::storage::<(AccountId32,), subxt::dynamic::Value>("System", "Account"), (account,))
		.await
		.unwrap()
		.unwrap();
	// AccountInfo: nonce, consumers, providers, sufficients (u32 each), then free, reserved, ….
	let bytes = value.bytes();
	let mut data = &bytes[16..];
	(u128::decode(&mut data).unwrap(), u128::decode(&mut data).unwrap())
}

async fn escrow_total(chain: &Mailbox) -> u128 {
	let at = chain.chain.client().at_current_block().await.unwrap();
	let value = at
		.storage()
		.try_fetch(subxt::dynamic::storage::<(), subxt::dynamic::Value>("Settlement", "EscrowTotal"), ())
		.await
		.unwrap();
	value.map_or(0, |v| u128::decode(&mut v.bytes()).unwrap())
}

async fn metric(port: u16, name: &str) -> Option<f64> {
	let text = tokio::task::spawn_blocking(move || {
		use std::io::{Read, Write};
		let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
		stream.write_all(b"GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
		let mut text = String::new();
		stream.read_to_string(&mut text).ok()?;
		Some(text)
	})
	.await
	.unwrap()?;
	// Every series of the family (the relayer's queue, by operation status), summed.
	let values: Vec<f64> = text
		.lines()
		.filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
		.filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse().ok()))
		.collect();
	(!values.is_empty()).then(|| values.iter().sum())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a built zksettle-node: ./scripts/test.sh runs it when there is one, or \
            ZKSETTLE_NODE=<path> cargo test -p zksettle-agent --test restarts -- --ignored"]
async fn twenty_orders_end_exactly_once_while_a_validator_and_the_relayer_are_killed() {
	let ((node_a, a), (node_b, b)) = two_chains(500, &[]).await;
	let dir = tempfile::tempdir().unwrap();
	let path = |name: &str| dir.path().join(name).display().to_string();
	let (bob_before, _) = balances(&a, "//Bob").await;
	let (_, alice_held_before) = balances(&a, "//Alice").await;

	// B's two fast-level validators: V0 configured by a file, V1 by environment variables.
	let hook = zksettle_agent::hex0x(&b.hook);
	let locations: Vec<String> = (0..2).map(|i| format!("file://{}", path(&format!("checkpoints-{i}")))).collect();
	let v0_config = path("validator-0.json");
	std::fs::write(
		&v0_config,
		serde_json::json!({
			"url": node_b.url, "domain": b.domain, "hook": hook, "rpc": "127.0.0.1:0",
			"key-file": secret_file(&dir.path().join("v0.key"), ANVIL[0]),
			"db": path("validator-0.db.json"), "checkpoint-dir": path("checkpoints-0"),
			"suri-file": secret_file(&dir.path().join("v0.suri"), "//Charlie"),
		})
		.to_string(),
	)
	.unwrap();
	let mut v0 = Agent::new("validator-0", dir.path(), &["validator", "--config", &v0_config], &[]);
	let mut v1 = Agent::new(
		"validator-1",
		dir.path(),
		&["validator"],
		&[
			("ZKSETTLE_VALIDATOR_URL", node_b.url.clone()),
			("ZKSETTLE_VALIDATOR_DOMAIN", b.domain.to_string()),
			("ZKSETTLE_VALIDATOR_HOOK", hook.clone()),
			("ZKSETTLE_VALIDATOR_RPC", "127.0.0.1:0".into()),
			("ZKSETTLE_VALIDATOR_KEY", ANVIL[1].into()),
			("ZKSETTLE_VALIDATOR_DB", path("validator-1.db.json")),
			("ZKSETTLE_VALIDATOR_CHECKPOINT_DIR", path("checkpoints-1")),
			("ZKSETTLE_VALIDATOR_SURI", "//Eve".into()),
		],
	);
	// The relayer B -> A, with metrics, given no validator: it reads the locations V0 and V1
	// announced on B (local ones, which it must be allowed to read).
	let metrics_port = free_port();
	let relayer_db = dir.path().join("relayer.db.json");
	let relayer_config = path("relayer.json");
	std::fs::write(
		&relayer_config,
		serde_json::json!({
			"origin": node_b.url, "destination": node_a.url, "allow-local-checkpoint-syncers": true,
			"suri-file": secret_file(&dir.path().join("relayer.suri"), "//Dave"),
			"db": relayer_db.display().to_string(), "metrics": format!("127.0.0.1:{metrics_port}"),
		})
		.to_string(),
	)
	.unwrap();
	let mut relayer = Agent::new("relayer", dir.path(), &["relayer", "--config", &relayer_config], &[]);
	for agent in [&mut v0, &mut v1, &mut relayer] {
		agent.start();
	}

	// Twenty orders A -> B at the fast level (2 of V0, V1): eight that nobody will fill, with a
	// deadline a minute out, and twelve to fill.
	let mut expiring = Vec::new();
	for _ in 0..8 {
		expiring.push(open(&a, &b, FAST, 60).await);
	}
	let mut filled = Vec::new();
	for _ in 0..12 {
		filled.push(open(&a, &b, FAST, 3600).await);
	}

	// Six fills while all agents run; then V0 and the relayer die mid-stream, and six more fills
	// are dispatched on B while they are down.
	for (_, order) in &filled[..6] {
		fill(&b, order.clone()).await;
	}
	v0.kill();
	relayer.kill();
	report_kill(&relayer_db);
	for (_, order) in &filled[6..] {
		fill(&b, order.clone()).await;
	}
	v0.start();
	relayer.start();

	// The eight refunds on B after their deadline; the relayer dies again after four of them.
	for (i, (_, order)) in expiring.iter().enumerate() {
		refund_on_destination(&b, order).await;
		if i == 3 {
			relayer.kill();
			report_kill(&relayer_db);
		}
	}
	relayer.start();

	// Every order ends, exactly once, the right way.
	for (order_id, _) in &filled {
		let outcome = settled(&a, *order_id, Duration::from_secs(240)).await;
		assert!(matches!(outcome, Some(OrderOutcome::Settled { .. })), "filled order 0x{}: {outcome:?}", hex::encode(order_id));
	}
	for (order_id, _) in &expiring {
		let outcome = settled(&a, *order_id, Duration::from_secs(240)).await;
		assert!(matches!(outcome, Some(OrderOutcome::RefundAttested { .. })), "expired order 0x{}: {outcome:?}", hex::encode(order_id));
	}
	for (order_id, _) in filled.iter().chain(&expiring) {
		let open: Option<(pallet_settlement::OrderData, u128, u64)> = api(&a, "SettlementApi_order", &order_id.encode()).await;
		assert!(open.is_none(), "order 0x{} still open", hex::encode(order_id));
	}
	// The solver got exactly the twelve inputs; nothing is escrowed or held any more.
	let (bob_after, _) = balances(&a, "//Bob").await;
	assert_eq!(bob_after - bob_before, 12 * 10 * UNIT, "the solver is paid once per filled order");
	assert_eq!(escrow_total(&a).await, 0);
	let (_, alice_held_after) = balances(&a, "//Alice").await;
	assert_eq!(alice_held_after, alice_held_before, "every input was paid out or released");

	// The relayer owes nothing and says so; both validators signed all 20 messages of B.
	let mut pending = None;
	for _ in 0..20 {
		pending = metric(metrics_port, "hyperlane_submitter_queue_length").await;
		if pending == Some(0.0) {
			break;
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	assert_eq!(pending, Some(0.0), "the relayer's pending gauge");
	let db = zksettle_agent::relayer::db::Db::read(&relayer_db).unwrap();
	assert!(db.pending().is_empty(), "{db:?}");
	assert_eq!(db.next(), 20, "{db:?}");
	for i in 0..2 {
		let index = std::fs::read_to_string(dir.path().join(format!("checkpoints-{i}/index.json"))).unwrap();
		assert_eq!(index.trim(), "19", "validator {i}");
		// Each announced its storage, signed, as Hyperlane validators do.
		let announced = LocalStorage::from_location(&locations[i]).unwrap().announcement().unwrap().expect("announcement.json");
		assert_eq!(announced.validator, zksettle_agent::hex0x(&ValidatorKey::from_hex(ANVIL[i]).unwrap().address()));
		assert_eq!((announced.mailbox_domain, announced.storage_location.as_str()), (b.domain, locations[i].as_str()));
	}
	// ... and on B, once each (V0 restarted and found its location listed).
	let addresses: Vec<[u8; 20]> = (0..2).map(|i| ValidatorKey::from_hex(ANVIL[i]).unwrap().address()).collect();
	assert_eq!(b.announced_storage_locations(&addresses).await.unwrap(), vec![vec![locations[0].clone()], vec![locations[1].clone()]]);
	for agent in [&mut v0, &mut v1, &mut relayer] {
		agent.assert_running();
	}
	drop((node_a, node_b));
}
