//! The wallet's keys, all derived from one BIP-39 mnemonic:
//!
//! | key                         | derivation                                   | lets you            |
//! |-----------------------------|----------------------------------------------|---------------------|
//! | spending key `(ask, nk)`    | [`SpendingKey::from_seed`] of the BIP-39 seed | spend               |
//! | incoming viewing key `ivk`  | BLAKE2b-256(`zkSettle_IncView`, seed), X25519 | decrypt notes       |
//! | viewing key `(owner, nk, ivk)` | the two above, without `ask`              | see notes and spends |
//! | public account (sr25519)    | the mnemonic as Polkadot.js derives it        | pay fees, shield    |
//!
//! A **shielded address** is `(owner, pk_enc)`: the owner key notes are addressed to and the
//! X25519 public key notes are encrypted to. Addresses and viewing keys are written as
//! base58 with a 4-byte BLAKE2b checksum and a human-readable prefix, so a typo is caught.

use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;
use zk_verifier::{
	keys::{SpendingKey, ViewingKey},
	Scalar,
};

use crate::error::WalletError;

/// Prefix of shielded addresses.
pub const ADDRESS_PREFIX: &str = "zks";
/// Prefix of exported viewing keys.
pub const VIEWING_KEY_PREFIX: &str = "zkview";

const IVK_PERSONAL: &[u8; 16] = b"zkSettle_IncView";
const CHECKSUM_PERSONAL: &[u8; 16] = b"zkSettle_KeyChk_";

/// Where notes for a wallet go: its owner key and its note-encryption public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Address {
	/// The owner key written into notes.
	pub owner: Scalar,
	/// The X25519 key notes are encrypted to.
	pub pk_enc: [u8; 32],
}

/// What a wallet can do with its keys.
#[derive(Clone)]
pub enum Keys {
	/// A full wallet: spends, and sees everything.
	Spending {
		/// The mnemonic (kept to re-derive the public account).
		phrase: Zeroizing<String>,
		/// The spending key.
		spend: SpendingKey,
		/// The incoming viewing key.
		ivk: [u8; 32],
	},
	/// A watch-only wallet: sees notes, spends and balances; cannot spend.
	Viewing {
		/// The viewing key.
		view: ViewingKey,
		/// The incoming viewing key.
		ivk: [u8; 32],
	},
}

impl std::fmt::Debug for Keys {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		// Only public parts.
		f.debug_struct("Keys").field("address", &self.address().to_string()).finish_non_exhaustive()
	}
}

impl Keys {
	/// The keys of a BIP-39 mnemonic (English word list, empty passphrase).
	pub fn from_phrase(phrase: &str) -> Result<Self, WalletError> {
		let mnemonic = bip39::Mnemonic::parse_normalized(phrase).map_err(|e| WalletError::Mnemonic(e.to_string()))?;
		let seed = Zeroizing::new(mnemonic.to_seed(""));
		let spend = SpendingKey::from_seed(&seed[..]);
		let ivk_hash = blake2b_simd::Params::new().hash_length(32).personal(IVK_PERSONAL).hash(&seed[..]);
		let mut ivk = [0u8; 32];
		ivk.copy_from_slice(ivk_hash.as_bytes());
		Ok(Keys::Spending { phrase: Zeroizing::new(mnemonic.to_string()), spend, ivk })
	}

	/// A fresh 24-word mnemonic from the operating system's randomness.
	pub fn generate_phrase() -> Result<Zeroizing<String>, WalletError> {
		let mut entropy = Zeroizing::new([0u8; 32]);
		crate::random_bytes(&mut entropy[..])?;
		let mnemonic = bip39::Mnemonic::from_entropy(&entropy[..]).map_err(|e| WalletError::Mnemonic(e.to_string()))?;
		Ok(Zeroizing::new(mnemonic.to_string()))
	}

	/// The viewing key (every wallet has one).
	pub fn viewing_key(&self) -> ViewingKey {
		match self {
			Keys::Spending { spend, .. } => spend.viewing_key(),
			Keys::Viewing { view, .. } => *view,
		}
	}

	/// The spending key, for a full wallet.
	pub fn spending_key(&self) -> Result<&SpendingKey, WalletError> {
		match self {
			Keys::Spending { spend, .. } => Ok(spend),
			Keys::Viewing { .. } => Err(WalletError::ViewOnly),
		}
	}

	/// The mnemonic, for a full wallet.
	pub fn phrase(&self) -> Result<&str, WalletError> {
		match self {
			Keys::Spending { phrase, .. } => Ok(phrase.as_str()),
			Keys::Viewing { .. } => Err(WalletError::ViewOnly),
		}
	}

	/// The incoming viewing key as an X25519 secret.
	pub fn ivk(&self) -> StaticSecret {
		match self {
			Keys::Spending { ivk, .. } | Keys::Viewing { ivk, .. } => StaticSecret::from(*ivk),
		}
	}

	/// The shielded address.
	pub fn address(&self) -> Address {
		Address { owner: self.viewing_key().owner, pk_enc: PublicKey::from(&self.ivk()).to_bytes() }
	}

	/// The exportable viewing key: owner, nullifier key and incoming viewing key.
	pub fn export_viewing_key(&self) -> Zeroizing<String> {
		let view = self.viewing_key();
		let mut bytes = Zeroizing::new(Vec::with_capacity(96));
		bytes.extend_from_slice(&view.owner.to_bytes());
		bytes.extend_from_slice(&view.nk.to_bytes());
		bytes.extend_from_slice(&self.ivk().to_bytes());
		Zeroizing::new(encode(VIEWING_KEY_PREFIX, &bytes))
	}

	/// A watch-only wallet from an exported viewing key.
	pub fn from_viewing_key(text: &str) -> Result<Self, WalletError> {
		let bytes = Zeroizing::new(decode(VIEWING_KEY_PREFIX, text.trim(), 96)?);
		let (owner, rest) = bytes.split_at(32);
		let (nk, ivk_bytes) = rest.split_at(32);
		let owner = scalar(owner).ok_or(WalletError::BadEncoding("viewing key: owner is not a field element"))?;
		let nk = scalar(nk).ok_or(WalletError::BadEncoding("viewing key: nk is not a field element"))?;
		let mut ivk = [0u8; 32];
		ivk.copy_from_slice(ivk_bytes);
		Ok(Keys::Viewing { view: ViewingKey { owner, nk }, ivk })
	}

	/// The key that encrypts the wallet's state file. A spending wallet's state records what it
	/// sent, which no viewing key reveals, so its key derives from the spend authorising key
	/// `ask`, which an exported viewing key does not hold. A watch-only wallet records only what
	/// its viewing key sees, so its key derives from the incoming viewing key.
	pub fn state_key(&self) -> Zeroizing<[u8; 32]> {
		match self {
			Keys::Spending { spend, .. } => state_key(b"zkSettle_StateSp", &spend.ask.to_bytes()),
			Keys::Viewing { .. } => self.legacy_state_key(),
		}
	}

	/// The state key of wallets made before spending wallets had their own: derived from the
	/// incoming viewing key. Read once to migrate such a file, never written.
	pub fn legacy_state_key(&self) -> Zeroizing<[u8; 32]> {
		state_key(b"zkSettle_StateKy", &self.ivk().to_bytes())
	}
}

fn state_key(personal: &[u8; 16], secret: &[u8; 32]) -> Zeroizing<[u8; 32]> {
	let secret = Zeroizing::new(*secret);
	let hash = blake2b_simd::Params::new().hash_length(32).personal(personal).hash(&*secret);
	let mut key = Zeroizing::new([0u8; 32]);
	key.copy_from_slice(hash.as_bytes());
	key
}

fn scalar(bytes: &[u8]) -> Option<Scalar> {
	let array: [u8; 32] = bytes.try_into().ok()?;
	Option::from(Scalar::from_bytes(&array))
}

fn checksum(prefix: &str, payload: &[u8]) -> [u8; 4] {
	let hash = blake2b_simd::Params::new()
		.hash_length(32)
		.personal(CHECKSUM_PERSONAL)
		.to_state()
		.update(prefix.as_bytes())
		.update(payload)
		.finalize();
	let mut out = [0u8; 4];
	out.copy_from_slice(&hash.as_bytes()[..4]);
	out
}

/// `prefix ‖ base58(payload ‖ checksum)`.
fn encode(prefix: &str, payload: &[u8]) -> String {
	let mut bytes = payload.to_vec();
	bytes.extend_from_slice(&checksum(prefix, payload));
	format!("{prefix}{}", bs58::encode(bytes).into_string())
}

fn decode(prefix: &str, text: &str, len: usize) -> Result<Vec<u8>, WalletError> {
	let body = text.strip_prefix(prefix).ok_or(WalletError::BadEncoding("wrong prefix"))?;
	let bytes = bs58::decode(body).into_vec().map_err(|_| WalletError::BadEncoding("not base58"))?;
	if bytes.len() != len + 4 {
		return Err(WalletError::BadEncoding("wrong length"));
	}
	let (payload, check) = bytes.split_at(len);
	if check != checksum(prefix, payload) {
		return Err(WalletError::BadEncoding("checksum mismatch (a typo?)"));
	}
	Ok(payload.to_vec())
}

impl std::fmt::Display for Address {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		let mut bytes = self.owner.to_bytes().to_vec();
		bytes.extend_from_slice(&self.pk_enc);
		f.write_str(&encode(ADDRESS_PREFIX, &bytes))
	}
}

impl std::str::FromStr for Address {
	type Err = WalletError;

	fn from_str(text: &str) -> Result<Self, WalletError> {
		let bytes = decode(ADDRESS_PREFIX, text.trim(), 64)?;
		let (owner, pk) = bytes.split_at(32);
		let owner = scalar(owner).ok_or(WalletError::BadEncoding("address: owner is not a field element"))?;
		let mut pk_enc = [0u8; 32];
		pk_enc.copy_from_slice(pk);
		Ok(Address { owner, pk_enc })
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const PHRASE: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

	#[test]
	fn keys_are_deterministic_and_addresses_round_trip() {
		let keys = Keys::from_phrase(PHRASE).unwrap();
		let again = Keys::from_phrase(PHRASE).unwrap();
		assert_eq!(keys.address(), again.address());
		let text = keys.address().to_string();
		assert!(text.starts_with(ADDRESS_PREFIX));
		assert_eq!(text.parse::<Address>().unwrap(), keys.address());
		assert_eq!(keys.address().owner, keys.spending_key().unwrap().owner());
	}

	#[test]
	fn a_typo_in_an_address_is_caught() {
		let text = Keys::from_phrase(PHRASE).unwrap().address().to_string();
		let mut chars: Vec<char> = text.chars().collect();
		let last = chars.len() - 1;
		chars[last] = if chars[last] == 'a' { 'b' } else { 'a' };
		let typo: String = chars.into_iter().collect();
		assert!(matches!(typo.parse::<Address>(), Err(WalletError::BadEncoding(_))));
		assert!(matches!("zkviewabc".parse::<Address>(), Err(WalletError::BadEncoding("wrong prefix"))));
	}

	#[test]
	fn a_viewing_key_sees_like_the_spender_but_cannot_spend() {
		let keys = Keys::from_phrase(PHRASE).unwrap();
		let watch = Keys::from_viewing_key(&keys.export_viewing_key()).unwrap();
		assert_eq!(watch.address(), keys.address());
		assert_eq!(watch.viewing_key(), keys.viewing_key());
		// The state of a spending wallet records what it sent: its key is not the viewing key's.
		assert_ne!(*watch.state_key(), *keys.state_key());
		assert_eq!(*watch.legacy_state_key(), *keys.legacy_state_key());
		assert!(matches!(watch.spending_key(), Err(WalletError::ViewOnly)));
		assert!(matches!(watch.phrase(), Err(WalletError::ViewOnly)));
	}

	#[test]
	fn a_bad_mnemonic_is_refused() {
		assert!(matches!(Keys::from_phrase("bottom drive obey"), Err(WalletError::Mnemonic(_))));
	}
}
