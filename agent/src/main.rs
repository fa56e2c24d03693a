//! `zksettle-agent`: run a settlement validator or relayer.
//!
//! Flags, `ZKSETTLE_<ROLE>_<FLAG>` variables and a JSON configuration file (`--config`), in that
//! order of precedence; secrets from files or the environment ([`zksettle_agent::config`]).

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use clap::{CommandFactory, Parser, Subcommand};
use zksettle_client::logs;
use zksettle_agent::{
	config,
	mailbox::Mailbox,
	metrics::Metrics,
	relayer::{db::Db, sources::Validators, Relayer},
	signer::ValidatorKey,
	storage::{object::Credentials, publisher::Publisher, remote::s3_endpoint_from_env, LocalStorage},
	unhex,
	validator::{self, Store},
	AgentError,
};

#[derive(Parser)]
#[command(name = "zksettle-agent", version, about = "Hyperlane-style validator and relayer for zkSettle chains.")]
struct Cli {
	/// A JSON configuration file: an object of the role's long flag names (see the README).
	#[arg(long, global = true, env = "ZKSETTLE_CONFIG")]
	config: Option<PathBuf>,
	/// Logs at INFO by default; more with `-v` (debug) and `-vv` (trace); `RUST_LOG` overrides.
	#[arg(short, long, global = true, action = clap::ArgAction::Count)]
	verbose: u8,
	/// Log lines for a person (`pretty`) or one JSON object a line (`json`, for log collectors).
	#[arg(long, global = true, env = "ZKSETTLE_LOG_FORMAT", value_enum, default_value_t = logs::Format::Pretty)]
	log_format: logs::Format,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Sign the checkpoints of a chain's dispatched messages, publish and serve them.
	Validator {
		/// The origin chain's node.
		#[arg(long, env = "ZKSETTLE_VALIDATOR_URL", default_value = "ws://127.0.0.1:9944")]
		url: String,
		/// A file holding the validator's secp256k1 secret key (hex; mode 600). Without it, the
		/// key is read from ZKSETTLE_VALIDATOR_KEY.
		#[arg(long, env = "ZKSETTLE_VALIDATOR_KEY_FILE")]
		key_file: Option<PathBuf>,
		/// Where to serve the checkpoints over JSON-RPC.
		#[arg(long, env = "ZKSETTLE_VALIDATOR_RPC", default_value = "127.0.0.1:9810")]
		rpc: SocketAddr,
		/// First leaf (message nonce) to sign; every message by default. Checkpoints the
		/// database holds are not signed again.
		#[arg(long, env = "ZKSETTLE_VALIDATOR_FROM", default_value_t = 0)]
		from: u32,
		/// Keep signed checkpoints in this JSON file (default: `validator-<domain>-<address>.json` in
		/// the data directory, `$ZKSETTLE_AGENT_DATA` or `~/.local/share/zksettle-agent`).
		#[arg(long, env = "ZKSETTLE_VALIDATOR_DB")]
		db: Option<PathBuf>,
		/// Publish signed checkpoints in this directory, in Hyperlane's checkpoint storage
		/// layout (`{index}_with_id.json`, `index.json`, `announcement.json`); relayers read it
		/// as `file://DIR`.
		#[arg(long, env = "ZKSETTLE_VALIDATOR_CHECKPOINT_DIR", group = "storage")]
		checkpoint_dir: Option<PathBuf>,
		/// Publish signed checkpoints to this bucket, as Hyperlane's validators do:
		/// `s3://bucket/region[/folder]` (credentials from AWS_ACCESS_KEY_ID and
		/// AWS_SECRET_ACCESS_KEY, or the instance's role) or `gs://bucket[/folder]/gcsAnnouncementKey`
		/// (a service account key file named by GCS_SERVICE_ACCOUNT_KEY). The location announced.
		#[arg(long, env = "ZKSETTLE_VALIDATOR_CHECKPOINT_SYNCER", group = "storage", conflicts_with = "checkpoint_dir")]
		checkpoint_syncer: Option<String>,
		/// The storage location to announce for a checkpoint directory published elsewhere (an
		/// `https://…` web server, or a bucket an operator syncs it to): by default `file://DIR`.
		#[arg(long, env = "ZKSETTLE_VALIDATOR_LOCATION", requires = "checkpoint_dir")]
		location: Option<String>,
		/// A file holding the secret URI of the account that pays for announcing the location
		/// on-chain (mode 600); without it, ZKSETTLE_VALIDATOR_SURI, and without that the
		/// location is not announced on-chain (relayers must then be given it).
		#[arg(long, env = "ZKSETTLE_VALIDATOR_SURI_FILE", requires = "storage")]
		suri_file: Option<PathBuf>,
		/// The origin domain this validator signs for; a node serving another is refused.
		#[arg(long, env = "ZKSETTLE_VALIDATOR_DOMAIN")]
		domain: u32,
		/// The origin's merkle tree hook (mailbox) address this validator signs for (hex, 32
		/// bytes; `SettlementApi_mailbox_address`).
		#[arg(long, env = "ZKSETTLE_VALIDATOR_HOOK")]
		hook: String,
		/// Serve Prometheus metrics at this address (`/metrics`).
		#[arg(long, env = "ZKSETTLE_VALIDATOR_METRICS")]
		metrics: Option<SocketAddr>,
	},
	/// Deliver messages from an origin chain to a destination chain.
	Relayer {
		/// The origin chain's node.
		#[arg(long, env = "ZKSETTLE_RELAYER_ORIGIN")]
		origin: String,
		/// The destination chain's node.
		#[arg(long, env = "ZKSETTLE_RELAYER_DESTINATION")]
		destination: String,
		/// A validator's checkpoint endpoint, `http://…` (its JSON-RPC) or a storage location
		/// (`file:///…`, `s3://…`, `gs://…`); repeat for each validator (comma-separated in the
		/// variable). Without any, the relayer reads the locations the ISMs' validators announced
		/// on the origin chain, as Hyperlane relayers do.
		#[arg(long = "validator", env = "ZKSETTLE_RELAYER_VALIDATOR", value_delimiter = ',')]
		validators: Vec<String>,
		/// Read announced `file://` locations too (Hyperlane's `allowLocalCheckpointSyncers`):
		/// for validators on this machine; anyone can announce a path.
		#[arg(long, env = "ZKSETTLE_RELAYER_ALLOW_LOCAL_CHECKPOINT_SYNCERS")]
		allow_local_checkpoint_syncers: bool,
		/// A file holding the secret URI of the account that submits `process` (mode 600).
		/// Without it, the URI is read from ZKSETTLE_RELAYER_SURI.
		#[arg(long, env = "ZKSETTLE_RELAYER_SURI_FILE")]
		suri_file: Option<PathBuf>,
		/// First origin leaf (message nonce) to deliver; every message by default (delivered
		/// ones are skipped).
		#[arg(long, env = "ZKSETTLE_RELAYER_FROM", default_value_t = 0)]
		from: u32,
		/// Keep the relayer's position and pending messages in this JSON file; a restarted
		/// relayer resumes from it (default: `relayer-<origin>-<destination>.json` in the data
		/// directory, `$ZKSETTLE_AGENT_DATA` or `~/.local/share/zksettle-agent`).
		#[arg(long, env = "ZKSETTLE_RELAYER_DB")]
		db: Option<PathBuf>,
		/// Serve Prometheus metrics at this address (`/metrics`).
		#[arg(long, env = "ZKSETTLE_RELAYER_METRICS")]
		metrics: Option<SocketAddr>,
	},
}

/// Connect, retrying with a backoff for as long as it takes: an agent started before its node
/// (or while it restarts) waits for it, as a daemon under a supervisor should.
async fn connect(url: &str) -> Result<Mailbox, AgentError> {
	let mut attempts = 0u32;
	loop {
		match Mailbox::connect(url).await {
			Ok(mailbox) => return Ok(mailbox),
			Err(e @ (AgentError::Node(_) | AgentError::Chain(_))) => {
				attempts = attempts.saturating_add(1);
				let wait = zksettle_agent::backoff(attempts);
				tracing::warn!(target: "zksettle_agent", %url, "{e}; retrying in {wait:?}");
				tokio::time::sleep(wait).await;
			},
			Err(e) => return Err(e),
		}
	}
}

async fn run(cli: Cli) -> Result<(), AgentError> {
	match cli.command {
		Command::Validator {
			url,
			key_file,
			rpc,
			from,
			db,
			checkpoint_dir,
			checkpoint_syncer,
			location,
			suri_file,
			domain,
			hook,
			metrics,
		} => {
			let key = ValidatorKey::from_hex(&config::secret(key_file.as_deref(), "ZKSETTLE_VALIDATOR_KEY", "key")?)?;
			let hook = unhex::<32>(&hook).ok_or(AgentError::Config("--hook: not 32 bytes of hex".into()))?;
			let pin = validator::Pin { domain, hook };
			let mut mailbox = connect(&url).await?;
			pin.check(mailbox.domain, mailbox.hook)?;
			let address = zksettle_agent::hex0x(&key.address());
			let db = match db {
				Some(path) => path,
				None => config::default_db(&config::data_dir()?, &format!("validator-{domain}-{address}"))?,
			};
			tracing::info!(target: "zksettle_agent", db = %db.display(), "signed checkpoints kept here");
			let mut store = Store::open(Some(db))?;
			let storage = match (checkpoint_dir, checkpoint_syncer) {
				(Some(dir), _) => Some(Publisher::Local(LocalStorage::open(dir)?)),
				(None, Some(syncer)) => Some(Publisher::open(&syncer, &Credentials::from_env())?),
				(None, None) => None,
			};
			if let Some(storage) = storage {
				let location = location.unwrap_or_else(|| storage.location());
				let signature = storage.announce(&key, domain, &hook, &location).await?;
				tracing::info!(target: "zksettle_agent", %location, "publishing checkpoints (announcement written)");
				match config::optional_secret(suri_file.as_deref(), "ZKSETTLE_VALIDATOR_SURI")? {
					Some(suri) => {
						let payer = zksettle_client::signer::sr25519(&suri)?;
						let (url, validator) = (url.clone(), key.address());
						// Beside signing, not before it: an announcement waiting for funds must not
						// hold back the checkpoints relayers configured by hand are reading.
						tokio::spawn(async move {
							let result = async {
								let mailbox = connect(&url).await?;
								validator::announce_on_chain(&mailbox, validator, &location, &signature, &payer).await
							};
							if let Err(e) = result.await {
								tracing::error!(target: "zksettle_agent", "announcing on-chain: {e}");
							}
						});
					},
					None => tracing::warn!(
						target: "zksettle_agent",
						%location,
						"not announced on-chain (no --suri-file or ZKSETTLE_VALIDATOR_SURI): relayers must be given the location"
					),
				}
				store = store.publishing(storage, &address).await?;
			}
			let metrics = match metrics {
				Some(addr) => {
					let m = Metrics::validator(domain)?;
					m.serve(addr);
					Some(m)
				},
				None => None,
			};
			let (_server, local) = validator::serve(store.clone(), key.address(), rpc).await?;
			tracing::info!(
				target: "zksettle_agent",
				"validator {address} for domain {domain} (hook {}), serving http://{local}, from leaf {from}, resuming after {:?}",
				zksettle_agent::hex0x(&hook),
				store.latest().await
			);
			validator::watch(&mut mailbox, &key, &store, from, pin, metrics.as_ref()).await
		},
		Command::Relayer { origin, destination, validators, allow_local_checkpoint_syncers, suri_file, from, db, metrics } => {
			let suri = config::secret(suri_file.as_deref(), "ZKSETTLE_RELAYER_SURI", "suri")?;
			let signer = zksettle_client::signer::sr25519(&suri)?;
			let origin = connect(&origin).await?;
			let destination = connect(&destination).await?;
			let validators = Validators::new(&validators, s3_endpoint_from_env(), allow_local_checkpoint_syncers)?;
			if validators.discovers() {
				tracing::info!(target: "zksettle_agent", "no --validator given: reading the locations validators announced on the origin");
			}
			let domains = (origin.domain, destination.domain);
			let mut relayer = Relayer::new(origin, destination, validators, signer);
			if let Some(addr) = metrics {
				let m = Metrics::relayer(domains.0, domains.1)?;
				m.serve(addr);
				relayer = relayer.with_metrics(m);
			}
			let db = match db {
				Some(path) => path,
				None => config::default_db(
					&config::data_dir()?,
					&format!("relayer-{}-{}", relayer.origin.domain, relayer.destination.domain),
				)?,
			};
			tracing::info!(target: "zksettle_agent", db = %db.display(), "position and pending messages kept here");
			let db = Db::open(Some(db), relayer.route())?;
			tracing::info!(
				target: "zksettle_agent",
				"relaying domain {} -> {} from leaf {from}: resuming at leaf {} with {} pending",
				relayer.origin.domain,
				relayer.destination.domain,
				db.next(),
				db.pending().len()
			);
			relayer.run(from, db, |_, _| {}).await
		},
	}
}

/// Read the configuration file, if any, into the environment (where no variable is set), so
/// that clap sees flags over variables over the file.
fn load_config_file() -> Result<(), AgentError> {
	let args: Vec<String> = std::env::args().collect();
	let Some(path) = config::file_from_args(&args) else { return Ok(()) };
	let text = std::fs::read_to_string(&path).map_err(|e| AgentError::Io(path.clone(), e))?;
	let command = Cli::command();
	let matches = Cli::command().ignore_errors(true).get_matches_from(&args);
	let role = matches
		.subcommand_name()
		.and_then(|name| command.find_subcommand(name))
		.ok_or_else(|| AgentError::Config("name the role (validator or relayer) before the configuration file applies".into()))?;
	for (variable, value) in config::assignments(role, &text)? {
		if std::env::var_os(&variable).is_none() {
			// Sound: no other thread runs yet (the async runtime is built after this).
			std::env::set_var(variable, value);
		}
	}
	Ok(())
}

fn main() -> ExitCode {
	if let Err(e) = load_config_file() {
		eprintln!("error: {e}");
		return ExitCode::FAILURE;
	}
	let cli = Cli::parse();
	logs::init_service_as(cli.verbose, &["zksettle_agent", "zksettle"], cli.log_format);
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(e) => {
			eprintln!("error: {e}");
			return ExitCode::FAILURE;
		},
	};
	match runtime.block_on(run(cli)) {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		},
	}
}
