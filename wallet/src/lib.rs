//! # zksettle wallet
//!
//! A private-payments wallet for zkSettle: shielded keys from one mnemonic, an encrypted
//! keystore, note discovery by trial decryption of compact blocks (headers and bodies, which
//! every node keeps; incremental and resumable from a birthday), authentication paths kept by
//! the wallet itself, local Groth16 proving, and submission over the node's RPC.
//!
//! | module               | handles                                               |
//! |----------------------|-------------------------------------------------------|
//! | [`keys`]             | spending / viewing keys, shielded addresses            |
//! | [`note_encryption`]  | the encrypted notes carried by `NoteCommitted`          |
//! | [`keystore`]         | the password-protected key file                        |
//! | [`store`]            | scanned notes, spends, history; note selection          |
//! | [`compact`]          | compact blocks: notes digests, shielded transactions   |
//! | [`scan`]             | what a compact block means for the state; witnesses    |
//! | [`sync`]             | fetching compact blocks and leaves, in parallel          |
//! | [`builder`]          | proving and encoding a shielded transaction             |
//! | [`chain`]            | the node: blocks, leaves, keys, balances, submission   |
//! | [`assets`]           | assets by symbol, amounts with their decimals           |
//! | [`wallet`]           | the commands, tying the above together                  |

#![deny(missing_docs)]

pub mod assets;
pub mod builder;
pub mod chain;
pub mod compact;
pub mod error;
pub mod keys;
pub mod keystore;
pub mod note_encryption;
pub mod pending;
pub mod proposal;
pub mod scan;
pub mod store;
pub mod sync;
pub mod wallet;

pub use error::WalletError;
/// What the wallet shares with the agents: files, logs, the dev node of the tests.
pub use zksettle_client::{devnode, files, logs};

/// Fill `out` from the operating system's randomness.
pub fn random_bytes(out: &mut [u8]) -> Result<(), WalletError> {
	use rand::TryRng;
	rand::rngs::SysRng.try_fill_bytes(out).map_err(|_| WalletError::Randomness)
}
