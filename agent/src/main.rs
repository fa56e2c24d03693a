//! `zksettle-agent`: run a settlement validator or relayer.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use zksettle_agent::{
	mailbox::Mailbox,
	relayer::{Outcome, Relayer},
	signer::ValidatorKey,
	storage::LocalStorage,
	validator::{self, Store},
	AgentError,
};

#[derive(Parser)]
#[command(name = "zksettle-agent", version, about = "Hyperlane-style validator and relayer for zkSettle chains.")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Sign the checkpoints of a chain's dispatched messages and serve them over JSON-RPC.
	Validator {
		/// The origin chain's node.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
		/// The validator's secp256k1 secret key (hex).
		#[arg(long, env = "ZKSETTLE_VALIDATOR_KEY", hide_env_values = true)]
		key: String,
		/// Where to serve the checkpoints.
		#[arg(long, default_value = "127.0.0.1:9810")]
		rpc: SocketAddr,
		/// First leaf (message nonce) to sign; every message by default. Checkpoints the
		/// database holds are not signed again.
		#[arg(long, default_value_t = 0)]
		from: u32,
		/// Keep signed checkpoints in this JSON file.
		#[arg(long)]
		db: Option<PathBuf>,
		/// Publish signed checkpoints in this directory, in Hyperlane's checkpoint storage
		/// layout (`{index}_with_id.json`, `index.json`); relayers read it as `file://DIR`.
		#[arg(long)]
		checkpoint_dir: Option<PathBuf>,
		/// The origin domain this validator signs for; a node serving another is refused.
		#[arg(long, env = "ZKSETTLE_VALIDATOR_DOMAIN")]
		domain: u32,
		/// The origin's merkle tree hook (mailbox) address this validator signs for (hex, 32
		/// bytes; `SettlementApi_mailbox_address`).
		#[arg(long, env = "ZKSETTLE_VALIDATOR_HOOK")]
		hook: String,
	},
	/// Deliver messages from an origin chain to a destination chain.
	Relayer {
		/// The origin chain's node.
		#[arg(long)]
		origin: String,
		/// The destination chain's node.
		#[arg(long)]
		destination: String,
		/// A validator's checkpoint endpoint, `http://…` (JSON-RPC) or `file:///…` (its checkpoint
		/// storage); repeat for each validator of the origin.
		#[arg(long = "validator", required = true)]
		validators: Vec<String>,
		/// The account that submits `process` on the destination (a secret URI).
		#[arg(long, env = "ZKSETTLE_RELAYER_SURI", hide_env_values = true)]
		suri: String,
		/// First origin leaf (message nonce) to deliver; every message by default (delivered
		/// ones are skipped).
		#[arg(long, default_value_t = 0)]
		from: u32,
	},
}

async fn run(cli: Cli) -> Result<(), AgentError> {
	match cli.command {
		Command::Validator { url, key, rpc, from, db, checkpoint_dir, domain, hook } => {
			let key = ValidatorKey::from_hex(&key)?;
			let hook = validator::unhex::<32>(&hook).ok_or(AgentError::Config("--hook: not 32 bytes of hex".into()))?;
			let pin = validator::Pin { domain, hook };
			let mailbox = Mailbox::connect(&url).await?;
			pin.check(mailbox.domain, mailbox.hook)?;
			let mut store = Store::open(db)?;
			if let Some(dir) = checkpoint_dir {
				let storage = LocalStorage::open(dir)?;
				eprintln!("publishing checkpoints at {}", storage.location());
				store = store.publishing(storage, &format!("0x{}", hex::encode(key.address()))).await?;
			}
			let (_server, local) = validator::serve(store.clone(), key.address(), rpc).await?;
			eprintln!(
				"validator 0x{} for domain {} (hook 0x{}), serving http://{local}, from leaf {from}",
				hex::encode(key.address()),
				mailbox.domain,
				hex::encode(mailbox.hook)
			);
			validator::watch(&mailbox, &key, &store, from, pin).await
		},
		Command::Relayer { origin, destination, validators, suri, from } => {
			let signer = zksettle_wallet::wallet::signer(&suri)?;
			let origin = Mailbox::connect(&origin).await?;
			let destination = Mailbox::connect(&destination).await?;
			eprintln!("relaying domain {} -> {} from leaf {from}", origin.domain, destination.domain);
			let relayer = Relayer::new(origin, destination, &validators, signer)?;
			relayer
				.run(from, |dispatched, outcome| {
					let id = hex::encode(dispatched.id);
					match outcome {
						Ok(Outcome::Delivered(included)) => eprintln!("0x{id}: delivered at block #{}", included.block),
						Ok(Outcome::AlreadyDelivered) => eprintln!("0x{id}: already delivered"),
						Err(e) => eprintln!("0x{id}: {e}"),
					}
				})
				.await
		},
	}
}

#[tokio::main]
async fn main() -> ExitCode {
	match run(Cli::parse()).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		},
	}
}
