//! # zksettle wallet
//!
//! A private-payments wallet for zkSettle: shielded keys from one mnemonic, an encrypted
//! keystore, note discovery by trial decryption of the chain's events (incremental and
//! resumable), local Groth16 proving, and submission over the node's RPC.
//!
//! | module               | handles                                               |
//! |----------------------|-------------------------------------------------------|
//! | [`keys`]             | spending / viewing keys, shielded addresses            |
//! | [`note_encryption`]  | the encrypted notes carried by `NoteCommitted`          |
//! | [`keystore`]         | the password-protected key file                        |
//! | [`store`]            | scanned notes, spends, history; note selection          |
//! | [`builder`]          | proving and encoding a shielded transaction             |
//! | [`chain`]            | the node: events, paths, keys, balances, submission     |
//! | [`wallet`]           | the commands, tying the above together                  |
//! | [`devnode`]          | a dev node for integration tests                        |

#![deny(missing_docs)]

pub mod builder;
pub mod chain;
pub mod devnode;
pub mod error;
pub mod keys;
pub mod keystore;
pub mod note_encryption;
pub mod store;
pub mod wallet;

pub use error::WalletError;

/// Fill `out` from the operating system's randomness.
pub fn random_bytes(out: &mut [u8]) -> Result<(), WalletError> {
	use rand::TryRng;
	rand::rngs::SysRng.try_fill_bytes(out).map_err(|_| WalletError::Randomness)
}
