//! The wallet's errors: each one says what went wrong and, where there is one, what to do.

use zksettle_client::ClientError;

/// A wallet error.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
	/// The mnemonic is not a valid BIP-39 phrase.
	#[error("invalid mnemonic: {0}")]
	Mnemonic(String),
	/// An address, viewing key or amount is malformed.
	#[error("malformed input: {0}")]
	BadEncoding(&'static str),
	/// The wallet holds a viewing key only.
	#[error("this is a watch-only wallet (viewing key): it can scan and show balances but not spend")]
	ViewOnly,
	/// The keystore password is wrong (or the file is corrupt).
	#[error("wrong password, or the keystore file is corrupt")]
	WrongPassword,
	/// A wallet already exists where one was to be created.
	#[error("a wallet already exists at {0}; refusing to overwrite it")]
	WalletExists(String),
	/// No wallet at the given path.
	#[error("no wallet at {0}: create one with `zksettle init` or `zksettle restore`")]
	NoWallet(String),
	/// Not enough unspent shielded value.
	#[error("insufficient shielded balance: need {needed}, have {available} (asset {asset})")]
	InsufficientShieldedBalance {
		/// Asset (note field value).
		asset: u64,
		/// Value needed, fee included.
		needed: u128,
		/// Unspent value.
		available: u128,
	},
	/// The account paying a shield holds less than the amount (checked before proving).
	#[error("insufficient public balance: need {needed} (and the transaction fee), have {available} (asset {asset})")]
	InsufficientPublicBalance {
		/// Asset (note field value).
		asset: u64,
		/// The amount to shield.
		needed: u128,
		/// The payer's free balance in the asset.
		available: u128,
	},
	/// Enough value in total, but spread over more notes than one transaction can spend.
	#[error(
		"the {needed} needed is spread over more than two notes (the two largest hold {largest_two}); \
		 send part of the balance to your own address first to merge notes"
	)]
	NotesTooFragmented {
		/// Value needed, fee included.
		needed: u128,
		/// Sum of the two largest notes.
		largest_two: u128,
	},
	/// The root the proof used is no longer known to the chain.
	#[error("stale root: the note tree moved on while the proof was made; run the command again")]
	StaleRoot,
	/// A note the wallet believed unspent has been spent.
	#[error("a note was already spent (another wallet with the same keys?); run `zksettle sync` and retry")]
	NoteAlreadySpent,
	/// A shielded address written for another network than the chain's.
	#[error("this is an address of the {address} network, and this wallet and its chain are on the {chain} network: check the recipient")]
	WrongNetwork {
		/// The network the address names.
		address: crate::keys::Network,
		/// The chain's network.
		chain: crate::keys::Network,
	},
	/// The wallet state belongs to another chain.
	#[error("this wallet was synced with chain {expected}, but the node serves {found}")]
	WrongChain {
		/// Genesis hash in the state.
		expected: String,
		/// Genesis hash of the node.
		found: String,
	},
	/// The proving parameters do not match the chain's verifying key.
	#[error("the proving parameters do not match the chain's verifying key version {0}")]
	KeyMismatch(u32),
	/// The chain has no verifying key installed.
	#[error("the chain has no verifying key installed: shielded transactions are disabled")]
	NoVerifyingKey,
	/// No asset, or more than one, has the symbol given.
	#[error("{0}")]
	UnknownAsset(String),
	/// The command cannot be carried out as given (an option it needs is missing).
	#[error("{0}")]
	Usage(String),
	/// An amount does not fit.
	#[error("amount out of range: {0}")]
	Amount(String),
	/// The prover refused the witness.
	#[error("cannot prove: {0}")]
	Prover(String),
	/// The transaction failed on chain.
	#[error("the chain rejected the transaction: {0}")]
	Rejected(String),
	/// Talking to the node failed.
	#[error("node: {0}")]
	Node(String),
	/// Randomness from the operating system is unavailable.
	#[error("no randomness from the operating system")]
	Randomness,
	/// Encryption failed.
	#[error("note encryption failed")]
	Encryption,
	/// The recipient's encryption key is of low order: the note would be readable by anyone.
	#[error("the recipient's address has a low-order encryption key (a note to it would be readable by anyone)")]
	LowOrderKey,
	/// A file could not be read or written, is malformed, or holds a secret others can read
	/// ([`ClientError::Io`], [`ClientError::Corrupt`], [`ClientError::ExposedSecret`]: the client's
	/// file errors, which the wallet's own files raise too).
	#[error(transparent)]
	File(ClientError),
}

impl WalletError {
	/// `what` could not be read or written.
	pub fn io(what: String, e: std::io::Error) -> Self {
		WalletError::File(ClientError::Io(what, e))
	}

	/// `what`'s contents are malformed: `why`.
	pub fn corrupt(what: String, why: String) -> Self {
		WalletError::File(ClientError::Corrupt(what, why))
	}

	/// Whether this is a malformed file.
	pub fn is_corrupt(&self) -> bool {
		matches!(self, WalletError::File(ClientError::Corrupt(..)))
	}
}

/// The command line's exit status by class of error, so that scripts can tell a refusal by the
/// chain from an unreachable node or a wrong password (`0` is success; clap reports a malformed
/// command line with `2`).
pub mod exit {
	/// Anything else: proving, randomness, encryption.
	pub const INTERNAL: u8 = 1;
	/// Malformed input: mnemonic, address, viewing key, amount; a secret offered where others
	/// can read it.
	pub const INPUT: u8 = 2;
	/// The wallet's files: missing, existing, wrong password, corrupt, unreadable.
	pub const WALLET: u8 = 3;
	/// Not possible with these funds: balance short, notes too fragmented, watch-only wallet.
	pub const FUNDS: u8 = 4;
	/// The chain refused or does not match: stale root, note already spent, another chain,
	/// no or another verifying key, a transaction rejected.
	pub const CHAIN: u8 = 5;
	/// The node could not be reached or answered unexpectedly.
	pub const NODE: u8 = 6;
}

impl WalletError {
	/// The exit status of this error's class (see [`exit`]).
	pub fn exit_code(&self) -> u8 {
		match self {
			WalletError::Prover(_) | WalletError::Randomness | WalletError::Encryption => exit::INTERNAL,
			WalletError::Mnemonic(_) | WalletError::BadEncoding(_) | WalletError::WrongNetwork { .. } | WalletError::Amount(_) | WalletError::LowOrderKey | WalletError::UnknownAsset(_) | WalletError::Usage(_) | WalletError::File(ClientError::ExposedSecret(_)) => {
				exit::INPUT
			},
			WalletError::WrongPassword |
			WalletError::WalletExists(_) |
			WalletError::NoWallet(_) |
			WalletError::File(_) => exit::WALLET,
			WalletError::InsufficientShieldedBalance { .. } |
			WalletError::InsufficientPublicBalance { .. } |
			WalletError::NotesTooFragmented { .. } |
			WalletError::ViewOnly => {
				exit::FUNDS
			},
			WalletError::StaleRoot |
			WalletError::NoteAlreadySpent |
			WalletError::WrongChain { .. } |
			WalletError::KeyMismatch(_) |
			WalletError::NoVerifyingKey |
			WalletError::Rejected(_) => exit::CHAIN,
			WalletError::Node(_) => exit::NODE,
		}
	}

	/// Map a refusal by the node's transaction pool to the wallet's typed errors. An unsigned
	/// shielded transaction is checked there (`validate_unsigned`), which reports the pallet's
	/// reasons as `InvalidTransaction::Custom` codes (`pallet_shielded_pool::validity`, whose
	/// meanings never change); the node's RPC error carries the code as its data.
	pub fn from_submission(message: &str) -> Self {
		let lower = message.to_ascii_lowercase();
		let code = lower.split_once("custom error: ").and_then(|(_, rest)| {
			let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
			digits.parse::<u8>().ok()
		});
		let why = match code {
			Some(1) => return WalletError::StaleRoot,
			Some(2) => return WalletError::NoteAlreadySpent,
			Some(0) => "outside the policy for unsigned transactions: they carry the native token only, \
			            never shield, name no relayer and pay at least the minimum fee",
			Some(3) => "the proof does not verify",
			Some(4) => "the proof bytes do not decode",
			Some(5) => "no verifying key of the transaction's version",
			Some(7) => "the payout or the fee cannot be paid (an amount below the existential deposit?)",
			Some(8) => "the work stamp is below the chain's UnsignedStampBits",
			_ => return WalletError::Rejected(message.to_string()),
		};
		WalletError::Rejected(format!("{why} ({message})"))
	}

	/// Map a pallet error (pallet and variant name) to the wallet's typed errors.
	pub fn from_module_error(pallet: &str, error: &str) -> Self {
		match (pallet, error) {
			(crate::chain::POOL, "UnknownRoot") => WalletError::StaleRoot,
			(crate::chain::POOL, "NullifierAlreadySpent") => WalletError::NoteAlreadySpent,
			_ => WalletError::Rejected(format!("{pallet}::{error}")),
		}
	}
}

/// A node's answer, a chain's refusal or a file's trouble, as the wallet says it: the pool's
/// refusals by code ([`WalletError::from_submission`]) and the pallet's errors by name
/// ([`WalletError::from_module_error`]) become typed errors.
impl From<ClientError> for WalletError {
	fn from(error: ClientError) -> Self {
		match error {
			ClientError::Node(message) => WalletError::Node(message),
			ClientError::Invalid(message) => WalletError::from_submission(&message),
			ClientError::Module { pallet, error } => WalletError::from_module_error(&pallet, &error),
			ClientError::Rejected(message) => WalletError::Rejected(message),
			ClientError::BadEncoding(what) => WalletError::BadEncoding(what),
			file @ (ClientError::Io(..) | ClientError::Corrupt(..) | ClientError::ExposedSecret(_)) => WalletError::File(file),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn error_classes_have_distinct_exit_codes() {
		let io = || std::io::Error::other("x");
		let cases = [
			(WalletError::Prover("x".into()), exit::INTERNAL),
			(WalletError::Amount("x".into()), exit::INPUT),
			(WalletError::WrongPassword, exit::WALLET),
			(WalletError::io("f".into(), io()), exit::WALLET),
			(WalletError::InsufficientShieldedBalance { asset: 0, needed: 2, available: 1 }, exit::FUNDS),
			(WalletError::InsufficientPublicBalance { asset: 0, needed: 2, available: 1 }, exit::FUNDS),
			(WalletError::ViewOnly, exit::FUNDS),
			(WalletError::NoteAlreadySpent, exit::CHAIN),
			(WalletError::from_submission("Custom error: 1"), exit::CHAIN),
			(WalletError::Node("down".into()), exit::NODE),
		];
		for (error, code) in cases {
			assert_eq!(error.exit_code(), code, "{error}");
		}
		let codes = [exit::INTERNAL, exit::INPUT, exit::WALLET, exit::FUNDS, exit::CHAIN, exit::NODE];
		let distinct: std::collections::BTreeSet<u8> = codes.into_iter().collect();
		assert_eq!(distinct.len(), codes.len());
		assert!(!distinct.contains(&0));
	}

	#[test]
	fn pallet_errors_map_to_typed_errors() {
		assert!(matches!(WalletError::from_module_error("ShieldedPool", "UnknownRoot"), WalletError::StaleRoot));
		assert!(matches!(WalletError::from_module_error("ShieldedPool", "NullifierAlreadySpent"), WalletError::NoteAlreadySpent));
		assert!(matches!(WalletError::from_module_error("ShieldedPool", "InvalidProof"), WalletError::Rejected(_)));
		// Another pallet's variant of the same name is not the pool's.
		assert!(matches!(WalletError::from_module_error("Settlement", "UnknownRoot"), WalletError::Rejected(_)));
		let pool = |code: u8| format!("rpc error: 1010: Invalid Transaction: Custom error: {code}");
		assert!(matches!(WalletError::from_submission(&pool(1)), WalletError::StaleRoot));
		assert!(matches!(WalletError::from_submission(&pool(2)), WalletError::NoteAlreadySpent));
		// As the client reports them.
		let module = |pallet: &str, error: &str| zksettle_client::ClientError::Module { pallet: pallet.into(), error: error.into() };
		assert!(matches!(WalletError::from(module("ShieldedPool", "UnknownRoot")), WalletError::StaleRoot));
		assert!(matches!(WalletError::from(zksettle_client::ClientError::Invalid(pool(2))), WalletError::NoteAlreadySpent));
		assert!(matches!(WalletError::from_submission(&pool(3)), WalletError::Rejected(_)));
		assert!(WalletError::from_submission(&pool(0)).to_string().contains("native token only"));
		assert!(matches!(WalletError::from_submission(&pool(12)), WalletError::Rejected(_)));
		// subxt's wording.
		let subxt = "The transaction is not valid: Invalid transaction with custom error: 2";
		assert!(matches!(WalletError::from_submission(subxt), WalletError::NoteAlreadySpent));
	}
}
