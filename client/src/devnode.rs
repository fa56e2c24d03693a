//! A development node for integration tests: `zksettle-node --dev` on a free port with its state
//! in a temporary directory, killed when dropped. Used by the wallet's and the agent's tests.
//!
//! The binary is `$ZKSETTLE_NODE`, else `$CARGO_TARGET_DIR/release/zksettle-node` (default
//! target dir `/var/tmp/zksettle-target`); [`binary`] is `None` when neither exists, and tests
//! then say so and pass (the node is built by `./scripts/e2e-dev.sh` or
//! `cargo build --release -p zksettle-node`).

use std::{
	path::PathBuf,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use crate::{chain::Chain, ClientError};

fn io(what: &str, e: std::io::Error) -> ClientError {
	ClientError::Io(what.to_string(), e)
}

/// The node binary, if built.
pub fn binary() -> Option<PathBuf> {
	if let Some(path) = std::env::var_os("ZKSETTLE_NODE") {
		return Some(PathBuf::from(path));
	}
	let target =
		std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| "/var/tmp/zksettle-target".into());
	let path = target.join("release/zksettle-node");
	path.exists().then_some(path)
}

/// The node binary, for a test that cannot run without it (the test is `#[ignore]`d so that a
/// run without a node reports it skipped; run with `--ignored`, it fails here if there is none).
pub fn require() -> PathBuf {
	binary().unwrap_or_else(|| panic!("no zksettle-node: set ZKSETTLE_NODE or build it with cargo build --release -p zksettle-node"))
}

/// A running dev node.
pub struct DevNode {
	child: Child,
	dir: tempfile::TempDir,
	/// Its WebSocket RPC endpoint.
	pub url: String,
}

impl Drop for DevNode {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

impl DevNode {
	/// Start `binary --dev` (one block a second) and wait until its RPC answers.
	pub async fn start(binary: &std::path::Path) -> Result<(Self, Chain), ClientError> {
		Self::start_with(binary, 1000, &[]).await
	}

	/// Start `binary --dev` producing a block every `block_ms` milliseconds, with `extra`
	/// arguments (e.g. `--state-pruning`).
	pub async fn start_with(binary: &std::path::Path, block_ms: u64, extra: &[&str]) -> Result<(Self, Chain), ClientError> {
		let dir = tempfile::tempdir().map_err(|e| io("temporary directory", e))?;
		let mut args = vec!["--dev-block-time".to_string(), block_ms.to_string()];
		args.extend(extra.iter().map(|a| a.to_string()));
		Self::spawn(binary, dir, &args).await
	}

	/// Start a dev node like [`DevNode::start`] whose settlement domain is `domain` instead of
	/// the development preset's: the committed plain dev chain spec (`chain-specs/dev.plain.json`,
	/// the same runtime and preset the node embeds in raw form) with that genesis field changed.
	/// The domain is fixed at genesis, so this is how a second chain of a test gets its own.
	pub async fn start_with_domain(binary: &std::path::Path, domain: u32) -> Result<(Self, Chain), ClientError> {
		Self::start_with_domain_and(binary, domain, 1000, &[]).await
	}

	/// [`DevNode::start_with_domain`], producing a block every `block_ms` milliseconds, with
	/// `extra` arguments.
	pub async fn start_with_domain_and(
		binary: &std::path::Path,
		domain: u32,
		block_ms: u64,
		extra: &[&str],
	) -> Result<(Self, Chain), ClientError> {
		let dir = tempfile::tempdir().map_err(|e| io("temporary directory", e))?;
		// Compiled in, not read from the source tree at run time: a test binary built in another
		// checkout sharing the target directory (CI clones elsewhere) is reused by Cargo, and a
		// path compiled into it would name that checkout. Cargo rebuilds this when the spec changes.
		let plain = "chain-specs/dev.plain.json";
		let bytes: &[u8] = include_bytes!("../../chain-specs/dev.plain.json");
		let corrupt = |why: String| ClientError::Corrupt(plain.into(), why);
		let mut spec: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
		let settlement = spec
			.pointer_mut("/genesis/runtimeGenesis/patch/settlement")
			.and_then(serde_json::Value::as_object_mut)
			.ok_or_else(|| corrupt("no genesis.runtimeGenesis.patch.settlement".into()))?;
		settlement.insert("localDomain".into(), domain.into());
		let path = dir.path().join("spec.json");
		let bytes = serde_json::to_vec(&spec).map_err(|e| corrupt(e.to_string()))?;
		std::fs::write(&path, bytes).map_err(|e| io("chain spec", e))?;
		let chain = path.to_str().ok_or_else(|| corrupt("a temporary path that is not UTF-8".into()))?.to_string();
		let mut args = vec!["--dev-block-time".to_string(), block_ms.to_string(), "--chain".into(), chain];
		args.extend(extra.iter().map(|a| a.to_string()));
		Self::spawn(binary, dir, &args).await
	}

	async fn spawn(binary: &std::path::Path, dir: tempfile::TempDir, extra: &[String]) -> Result<(Self, Chain), ClientError> {
		let port = std::net::TcpListener::bind("127.0.0.1:0")
			.and_then(|l| l.local_addr())
			.map_err(|e| io("free port", e))?
			.port();
		let log = std::fs::File::create(dir.path().join("node.log")).map_err(|e| io("node log", e))?;
		let child = Command::new(binary)
			.args(["--dev", "--no-prometheus", "--no-telemetry", "--rpc-port"])
			.arg(port.to_string())
			.args(extra)
			.arg("--base-path")
			.arg(dir.path().join("data"))
			.stdout(Stdio::null())
			.stderr(log)
			.spawn()
			.map_err(|e| io(&binary.display().to_string(), e))?;
		let url = format!("ws://127.0.0.1:{port}");
		let node = DevNode { child, dir, url: url.clone() };
		let deadline = Instant::now() + Duration::from_secs(90);
		loop {
			if let Ok(chain) = Chain::connect(&url).await {
				return Ok((node, chain));
			}
			if Instant::now() > deadline {
				return Err(ClientError::Node(format!("the dev node did not answer on {url}; log: {}", node.log())));
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}

	/// The node's log so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(self.dir.path().join("node.log")).unwrap_or_default()
	}
}
