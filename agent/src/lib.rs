//! # zksettle-agent
//!
//! The off-chain agents of zkSettle's settlement layer, in the roles Hyperlane gives them:
//!
//! * a **validator** ([`validator`]) follows one chain's mailbox, signs the checkpoint
//!   `(origin, merkle tree hook, root, index, message id)` of every dispatched message with its
//!   secp256k1 key exactly as a Hyperlane validator does, and serves the signed checkpoints over
//!   JSON-RPC;
//! * a **relayer** ([`relayer`]) follows an origin chain, and for each message to its
//!   destination collects validator signatures, checks them against the destination ISM's
//!   validator set, builds the ISM metadata and submits `process`.
//!
//! [`mailbox`] is what both read from a chain; [`signer`] is the validator key; [`storage`] is
//! Hyperlane's checkpoint storage layout, which validators publish to (and announce on-chain)
//! and relayers read, from a directory or an object store;
//! [`config`] is how an operator configures them (flags, `ZKSETTLE_*` variables, a file; secrets
//! from files), and [`metrics`] what they tell Prometheus.

#![deny(missing_docs)]

pub mod config;
pub mod mailbox;
pub mod metrics;
pub mod relayer;
pub mod signer;
pub mod storage;
pub mod validator;

/// An agent error.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
	/// Bad configuration (keys, URLs).
	#[error("configuration: {0}")]
	Config(String),
	/// The node failed or answered nonsense.
	#[error("node: {0}")]
	Node(String),
	/// Talking to a node failed, or the chain refused a transaction ([`zksettle_client::ClientError`]).
	#[error(transparent)]
	Chain(#[from] zksettle_client::ClientError),
	/// A validator endpoint failed.
	#[error("validator {0}: {1}")]
	Validator(String, String),
	/// A checkpoint store refuses this agent's reads (HTTP 403): a misconfigured bucket, not
	/// "no checkpoint yet", so it is an error an operator is alerted to.
	#[error(
		"{0}: HTTP 403 Forbidden: the store refuses public reads (a validator's bucket must let anyone \
		 get and list its objects, as Hyperlane relayers read them)"
	)]
	Forbidden(String),
	/// Not (yet) enough valid signatures for the destination's ISM.
	#[error("{have} valid signature(s) of the {need} the ISM needs")]
	NotEnoughSignatures {
		/// Valid signatures collected.
		have: usize,
		/// Threshold.
		need: usize,
	},
	/// A message this relayer cannot deliver.
	#[error("unsupported: {0}")]
	Unsupported(String),
	/// The destination would refuse the delivery now (its dry run failed) for a reason that may
	/// pass (a checkpoint of an ISM rotated meanwhile): tried again later, for free.
	#[error("the destination would refuse it: {0}")]
	Refused(String),
	/// The message cannot be delivered yet (its order is not open at the destination).
	#[error("waiting: {0}")]
	Waiting(String),
	/// A delivery that passed its dry run failed on chain (paid for): the state moved between
	/// the two. Tried again a few times only.
	#[error("the destination rejected the delivery: {0}")]
	Rejected(String),
	/// The RPC server failed.
	#[error("rpc server: {0}")]
	Server(String),
	/// A file could not be read or written.
	#[error("{0}: {1}")]
	Io(String, std::io::Error),
}

impl AgentError {
	/// The class of the failure, as metrics label it.
	pub fn kind(&self) -> &'static str {
		match self {
			AgentError::Config(_) => "config",
			AgentError::Node(_) => "node",
			AgentError::Chain(_) => "chain",
			AgentError::Validator(..) => "validator",
			AgentError::Forbidden(_) => "forbidden",
			AgentError::NotEnoughSignatures { .. } => "signatures",
			AgentError::Unsupported(_) => "unsupported",
			AgentError::Refused(_) => "refused",
			AgentError::Waiting(_) => "waiting",
			AgentError::Rejected(_) => "rejected",
			AgentError::Server(_) => "server",
			AgentError::Io(..) => "io",
		}
	}
}

/// `0x`-hex, as checkpoints and databases write byte strings.
pub fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Parse `0x`-hex (the prefix optional) into exactly `N` bytes.
pub fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
	hex::decode(text.trim_start_matches("0x")).ok()?.try_into().ok()
}

/// The wait before attempt `attempts + 1` after a failure: 0.5 s doubling, at most a minute.
pub fn backoff(attempts: u32) -> std::time::Duration {
	std::time::Duration::from_millis(500u64.saturating_mul(1u64 << attempts.min(10))).min(std::time::Duration::from_secs(60))
}
