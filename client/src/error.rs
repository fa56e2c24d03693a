//! What can go wrong talking to a node or handling a tool's files. A tool maps these to its own
//! errors (the wallet's chain refusals to typed wallet errors by pallet and variant name).

/// A client error.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
	/// Talking to the node failed, or it answered unexpectedly.
	#[error("node: {0}")]
	Node(String),
	/// The node's transaction pool refused the transaction (its message, which carries a
	/// `validate_unsigned` custom code where there is one).
	#[error("the chain rejected the transaction: {0}")]
	Invalid(String),
	/// The transaction failed in its block with a pallet's error, named as the node's metadata
	/// names it.
	#[error("the chain rejected the transaction: {pallet}::{error}")]
	Module {
		/// The pallet.
		pallet: String,
		/// The error variant.
		error: String,
	},
	/// The transaction failed otherwise, or was dropped.
	#[error("the chain rejected the transaction: {0}")]
	Rejected(String),
	/// Malformed input (an SS58 account, a secret URI).
	#[error("malformed input: {0}")]
	BadEncoding(&'static str),
	/// A file could not be read or written.
	#[error("{0}: {1}")]
	Io(String, std::io::Error),
	/// A file's contents are malformed.
	#[error("{0} is malformed: {1}")]
	Corrupt(String, String),
	/// A file holding a secret can be read by other users (as `ssh` refuses such a private key).
	#[error("{0} holds a secret and other users can read it: `chmod 600 {0}`, and consider the secret exposed")]
	ExposedSecret(String),
}
