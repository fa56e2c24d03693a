//! The encrypted keystore file: a JSON document holding the wallet's secret (its mnemonic, or
//! for a watch-only wallet its viewing key) under a password.
//!
//! The key is scrypt(password, salt) with `log_n = 15, r = 8, p = 1` (32 MiB, the parameters
//! Ethereum's keystores use for "light" scrypt), and the secret is sealed with
//! ChaCha20-Poly1305 under a random nonce; a wrong password fails authentication instead of
//! yielding garbage. The shielded address, the network it is written for, and for a full wallet
//! its public account are stored in clear so that `zksettle address` needs no password.

use chacha20poly1305::{aead::Aead, ChaCha20Poly1305, KeyInit, Nonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{
	error::WalletError,
	keys::{Address, Keys, Network},
};

/// What the keystore holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
	/// A mnemonic: a full wallet.
	Spending,
	/// A viewing key: a watch-only wallet.
	Viewing,
}

/// scrypt parameters, stored so that they can be raised later without breaking old files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kdf {
	/// log2 of the CPU/memory cost.
	pub log_n: u8,
	/// Block size.
	pub r: u32,
	/// Parallelism.
	pub p: u32,
	/// Salt, hex.
	pub salt: String,
}

/// The keystore file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keystore {
	/// Format version (1).
	pub version: u32,
	/// What the ciphertext holds.
	pub kind: Kind,
	/// The shielded address's bytes, in clear, in the form before addresses were written per
	/// network (`zks` and base58; checked against the secret on open): see [`Keystore::address`].
	pub address: String,
	/// The network of the chain the wallet was made for, whose address form
	/// `zksettle address` prints; absent in keystores from before networks (learnt from the
	/// node, and recorded, when the address is next shown).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub network: Option<Network>,
	/// A full wallet's public account (SS58, generic prefix 42), in clear; absent for a
	/// watch-only wallet, and in keystores written before it was recorded (filled in when such
	/// a wallet is next opened).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub account: Option<String>,
	/// Key derivation.
	pub kdf: Kdf,
	/// ChaCha20-Poly1305 nonce, hex.
	pub nonce: String,
	/// The sealed secret, hex.
	pub ciphertext: String,
}

/// Default scrypt cost.
pub const LOG_N: u8 = 15;

fn derive(password: &str, kdf: &Kdf) -> Result<Zeroizing<[u8; 32]>, WalletError> {
	let salt = hex::decode(&kdf.salt).map_err(|_| WalletError::corrupt("keystore".into(), "salt".into()))?;
	let params = scrypt::Params::new(kdf.log_n, kdf.r, kdf.p, 32)
		.map_err(|e| WalletError::corrupt("keystore".into(), format!("scrypt parameters: {e}")))?;
	let mut key = Zeroizing::new([0u8; 32]);
	scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key[..])
		.map_err(|e| WalletError::corrupt("keystore".into(), format!("scrypt: {e}")))?;
	Ok(key)
}

impl Keystore {
	/// The shielded address.
	pub fn address(&self) -> Result<Address, WalletError> {
		Address::from_legacy_text(&self.address)
			.map_err(|e| WalletError::corrupt("keystore".into(), format!("its address: {e}")))
	}

	/// Seal `keys` under `password` with scrypt cost `log_n`.
	pub fn seal(keys: &Keys, password: &str, log_n: u8) -> Result<Self, WalletError> {
		let (kind, secret) = match keys {
			Keys::Spending { .. } => (Kind::Spending, Zeroizing::new(keys.phrase()?.to_string())),
			Keys::Viewing { .. } => (Kind::Viewing, keys.export_viewing_key()),
		};
		let mut salt = [0u8; 32];
		let mut nonce = [0u8; 12];
		crate::random_bytes(&mut salt)?;
		crate::random_bytes(&mut nonce)?;
		let kdf = Kdf { log_n, r: 8, p: 1, salt: hex::encode(salt) };
		let key = derive(password, &kdf)?;
		let ciphertext = ChaCha20Poly1305::new((&*key).into())
			.encrypt(Nonce::from_slice(&nonce), secret.as_bytes())
			.map_err(|_| WalletError::Encryption)?;
		Ok(Keystore {
			version: 1,
			kind,
			address: keys.address().legacy_text(),
			network: None,
			account: account_of(keys)?,
			kdf,
			nonce: hex::encode(nonce),
			ciphertext: hex::encode(ciphertext),
		})
	}

	/// Open the keystore with `password`.
	pub fn open(&self, password: &str) -> Result<Keys, WalletError> {
		if self.version != 1 {
			return Err(WalletError::corrupt("keystore".into(), format!("unknown version {}", self.version)));
		}
		let key = derive(password, &self.kdf)?;
		let nonce = hex::decode(&self.nonce).map_err(|_| WalletError::corrupt("keystore".into(), "nonce".into()))?;
		if nonce.len() != 12 {
			return Err(WalletError::corrupt("keystore".into(), "nonce length".into()));
		}
		let ciphertext =
			hex::decode(&self.ciphertext).map_err(|_| WalletError::corrupt("keystore".into(), "ciphertext".into()))?;
		let secret = Zeroizing::new(
			ChaCha20Poly1305::new((&*key).into())
				.decrypt(Nonce::from_slice(&nonce), ciphertext.as_slice())
				.map_err(|_| WalletError::WrongPassword)?,
		);
		let text = std::str::from_utf8(&secret).map_err(|_| WalletError::WrongPassword)?;
		let keys = match self.kind {
			Kind::Spending => Keys::from_phrase(text)?,
			Kind::Viewing => Keys::from_viewing_key(text)?,
		};
		if keys.address().legacy_text() != self.address {
			return Err(WalletError::corrupt("keystore".into(), "the address does not match the secret".into()));
		}
		if self.account.is_some() && self.account != account_of(&keys)? {
			return Err(WalletError::corrupt("keystore".into(), "the public account does not match the secret".into()));
		}
		Ok(keys)
	}
}

/// The public account of `keys` (the mnemonic's sr25519 key, as Polkadot.js derives it), none
/// for a viewing key.
pub fn account_of(keys: &Keys) -> Result<Option<String>, WalletError> {
	match keys {
		Keys::Spending { .. } => Ok(Some(crate::wallet::signer(keys.phrase()?)?.public_key().to_account_id().to_string())),
		Keys::Viewing { .. } => Ok(None),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const PHRASE: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

	#[test]
	fn seal_and_open_round_trip_and_a_wrong_password_fails() {
		let keys = Keys::from_phrase(PHRASE).unwrap();
		let store = Keystore::seal(&keys, "correct horse", 10).unwrap();
		let json = serde_json::to_string(&store).unwrap();
		assert!(!json.contains("bottom"), "the mnemonic must not be stored in clear");
		let store: Keystore = serde_json::from_str(&json).unwrap();
		assert_eq!(store.open("correct horse").unwrap().address(), keys.address());
		assert!(matches!(store.open("battery staple"), Err(WalletError::WrongPassword)));
	}

	/// The public account is in clear beside the address, and must belong to the sealed secret.
	#[test]
	fn the_public_account_is_recorded_and_checked() {
		let keys = Keys::from_phrase(PHRASE).unwrap();
		let store = Keystore::seal(&keys, "pw", 10).unwrap();
		let account = crate::wallet::signer(PHRASE).unwrap().public_key().to_account_id().to_string();
		assert_eq!(store.account.as_deref(), Some(account.as_str()));
		let mut other = store.clone();
		other.account = Some("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty".into());
		assert!(matches!(other.open("pw"), Err(e) if e.is_corrupt()));
		// A keystore from before the field was recorded still opens.
		let mut json: serde_json::Value = serde_json::to_value(&store).unwrap();
		json.as_object_mut().unwrap().remove("account");
		let old: Keystore = serde_json::from_value(json).unwrap();
		assert_eq!(old.account, None);
		assert_eq!(old.open("pw").unwrap().address(), keys.address());
		// A watch-only wallet has none.
		let viewing = Keys::from_viewing_key(&keys.export_viewing_key()).unwrap();
		assert_eq!(Keystore::seal(&viewing, "pw", 10).unwrap().account, None);
	}

	#[test]
	fn a_viewing_keystore_opens_watch_only() {
		let keys = Keys::from_viewing_key(&Keys::from_phrase(PHRASE).unwrap().export_viewing_key()).unwrap();
		let store = Keystore::seal(&keys, "pw", 10).unwrap();
		assert_eq!(store.kind, Kind::Viewing);
		assert!(matches!(store.open("pw").unwrap().spending_key(), Err(WalletError::ViewOnly)));
	}

	#[test]
	fn a_swapped_address_is_detected() {
		let keys = Keys::from_phrase(PHRASE).unwrap();
		let mut store = Keystore::seal(&keys, "pw", 10).unwrap();
		store.address = "zksSomethingElse".into();
		assert!(matches!(store.open("pw"), Err(e) if e.is_corrupt()));
	}
}
