//! `zksettle watch`: notes as they arrive — pending as soon as a best block holds them, final
//! when finality reaches it, dropped if the chain abandons it ([`zksettle_wallet::pending`]).

use std::{collections::BTreeMap, path::Path, time::Duration};

use serde_json::{json, Value};
use zksettle_wallet::{
	assets::AssetInfo,
	builder::AssetArg,
	chain::Chain,
	pending::{Arrival, Direction, Event, Tracker},
	wallet::Wallet,
};

use super::{
	commands::{password, Failure},
	report::{amount_json, Report, Units},
};

/// How often the node's best block is looked at: well under a block (2 s on three cores).
const POLL: Duration = Duration::from_millis(250);

/// Follow the chain until interrupted, or until `limit` events were printed. Each event is a
/// line (with `--json`, one JSON object per line); the command's report is empty. The wallet's
/// files are read once and never written: spends made meanwhile by another `zksettle` process
/// on the same wallet keep what they record.
pub async fn watch(dir: &Path, url: &str, pw_file: Option<&Path>, units: Units, json_lines: bool, limit: Option<usize>) -> Result<Report, Failure> {
	let mut wallet = Wallet::open(dir, &password(pw_file, false)?)?;
	let chain = Chain::connect(url).await?;
	wallet.sync_unsaved(&chain).await?;
	let mut tracker = Tracker::new(&wallet.state);
	let mut infos: BTreeMap<u64, AssetInfo> = BTreeMap::new();
	let (mut printed, mut last_best) = (0usize, None);
	if !json_lines {
		eprintln!("watching from block {} (Ctrl-C to stop)", wallet.state.next_block.saturating_sub(1));
	}
	loop {
		let (_, best) = chain.best().await.map_err(zksettle_wallet::WalletError::from)?;
		if last_best != Some(best) {
			wallet.sync_unsaved(&chain).await?;
			match wallet.pending(&chain).await {
				Ok(pending) => {
					last_best = Some(best);
					for event in tracker.update(&wallet.state, &pending) {
						print(&chain, &mut infos, units, json_lines, &event).await?;
						printed += 1;
						if limit.is_some_and(|limit| printed >= limit) {
							return Ok(Report::new(Vec::new(), Value::Null));
						}
					}
				},
				// The best chain moved while it was scanned (a reorganisation): look again.
				Err(e) => tracing::debug!(target: "zksettle", "pending blocks not scanned: {e}"),
			}
		}
		tokio::time::sleep(POLL).await;
	}
}

async fn print(
	chain: &Chain,
	infos: &mut BTreeMap<u64, AssetInfo>,
	units: Units,
	json_lines: bool,
	event: &Event,
) -> Result<(), Failure> {
	let (status, arrival): (&str, &Arrival) = match event {
		Event::Pending(a) => ("pending", a),
		Event::Final(a) => ("final", a),
		Event::Dropped(a) => ("dropped", a),
	};
	let info = match infos.get(&arrival.asset) {
		Some(info) => info.clone(),
		None => {
			let asset = AssetArg::of_field(arrival.asset).unwrap_or(AssetArg::Native);
			let info = chain.asset_info(asset).await?;
			infos.insert(arrival.asset, info.clone());
			info
		},
	};
	let direction = match arrival.direction {
		Direction::Received => "received",
		Direction::Spent => "spent",
	};
	if json_lines {
		let mut line = json!({
			"status": status,
			"direction": direction,
			"block": arrival.block,
			"commitment": arrival.commitment,
		});
		if let (Value::Object(line), Value::Object(amount)) = (&mut line, amount_json(&info, arrival.value.into())) {
			line.extend(amount);
		}
		println!("{line}");
	} else {
		let note = match event {
			Event::Pending(_) => " (included, not final)",
			Event::Final(_) => "",
			Event::Dropped(_) => " (its block was abandoned: not final, not yours)",
		};
		println!("{status:<8} {direction:<8} {} in block #{}{note}", units.show(&info, arrival.value.into()), arrival.block);
	}
	Ok(())
}
