//! Sync rate: a fresh wallet scans a node's finalized blocks from a birthday, as `zksettle sync`
//! does, and reports blocks per second. A benchmark (figures in BENCHMARKS.md), not a test.
//!
//! `cargo run --release -p zksettle-wallet --example sync_bench -- <ws url> [from block] [runs]`

use std::time::Instant;

use zksettle_wallet::{chain::Chain, keys::Keys, wallet::Wallet};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
	let mut args = std::env::args().skip(1);
	let url = args.next().unwrap_or_else(|| "ws://127.0.0.1:9944".into());
	let from: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(0);
	let runs: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1);
	let chain = Chain::connect(&url).await?;
	// Run against a node that no longer produces blocks (restart it with a long
	// --dev-block-time) for the same head every run.
	let head = chain.finalized().await?;
	for run in 0..runs {
		let dir = tempfile::tempdir()?;
		let keys = Keys::from_phrase(&Keys::generate_phrase()?)?;
		let mut wallet = Wallet::create(dir.path(), keys, "bench", 1, from, None)?;
		let start = Instant::now();
		let report = wallet.sync(&chain, |_, _| {}).await?;
		let seconds = start.elapsed().as_secs_f64();
		let blocks = report.to + 1 - report.from;
		println!(
			"run {run}: blocks {}..={} ({blocks}, {} with notes, head was {head}): {seconds:.2} s, {:.0} blocks/s",
			report.from,
			report.to,
			report.with_notes,
			blocks as f64 / seconds
		);
	}
	Ok(())
}
