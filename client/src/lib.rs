//! # zksettle client
//!
//! What zkSettle's command-line tools share: the wallet (`zksettle`) and the settlement agents
//! (`zksettle-agent`) both talk to nodes, sign with sr25519 accounts, keep private files and log;
//! neither should carry the other's weight (the agent links no prover).
//!
//! | module      | handles                                                          |
//! |-------------|------------------------------------------------------------------|
//! | [`chain`]   | a node over RPC: blocks, storage, runtime calls, submission        |
//! | [`signer`]  | sr25519 accounts from secret URIs                                |
//! | [`files`]   | files only their owner can read; secrets from such files          |
//! | [`logs`]    | `tracing` on standard error, for a command or a service            |
//! | [`devnode`] | a dev node for integration tests                                 |

#![deny(missing_docs)]

pub mod chain;
pub mod devnode;
pub mod error;
pub mod files;
pub mod logs;
pub mod signer;

pub use error::ClientError;
