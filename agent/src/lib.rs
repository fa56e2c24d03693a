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
//! Hyperlane's checkpoint storage layout, which validators publish to and relayers read.

#![deny(missing_docs)]

pub mod mailbox;
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
	/// A node rejected a transaction, or another wallet-level failure.
	#[error(transparent)]
	Chain(#[from] zksettle_wallet::WalletError),
	/// A validator endpoint failed.
	#[error("validator {0}: {1}")]
	Validator(String, String),
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
	/// The RPC server failed.
	#[error("rpc server: {0}")]
	Server(String),
	/// A file could not be read or written.
	#[error("{0}: {1}")]
	Io(String, std::io::Error),
}
