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
//! X25519 public key notes are encrypted to. It is written in bech32m (BIP-350) with a
//! human-readable part naming the network ([`Network`]: `zks1…` live, `zkstest1…` test,
//! `zksdev1…` development), as Zcash writes its addresses per network: a typo is caught by the
//! checksum, and an address of another network is refused rather than paid to. Viewing keys
//! are base58 with a 4-byte BLAKE2b checksum and the prefix `zkview`.

use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;
use zk_verifier::{
	keys::{SpendingKey, ViewingKey},
	Scalar,
};

use crate::error::WalletError;

/// The network a chain is, for the human-readable part of its shielded addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
	/// A live chain: `zks1…`.
	Live,
	/// A test network: `zkstest1…`.
	Test,
	/// A development chain: `zksdev1…`.
	Dev,
}

impl Network {
	/// Every network.
	pub const ALL: [Network; 3] = [Network::Live, Network::Test, Network::Dev];

	/// The human-readable part of its addresses.
	pub fn hrp(self) -> &'static str {
		match self {
			Network::Live => "zks",
			Network::Test => "zkstest",
			Network::Dev => "zksdev",
		}
	}

	/// The network of a chain, from its spec: the `network` property when the spec sets one
	/// (`live`, `test`, `dev`), else its chain type (`Live`: live, `Development`: dev, any other:
	/// test).
	pub fn of_chain(property: Option<&str>, chain_type: &str) -> Result<Self, WalletError> {
		match property {
			Some(name) => name.parse(),
			None => Ok(match chain_type {
				"Live" => Network::Live,
				"Development" => Network::Dev,
				_ => Network::Test,
			}),
		}
	}
}

impl std::fmt::Display for Network {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(match self {
			Network::Live => "live",
			Network::Test => "test",
			Network::Dev => "dev",
		})
	}
}

impl std::str::FromStr for Network {
	type Err = WalletError;

	fn from_str(text: &str) -> Result<Self, WalletError> {
		Network::ALL
			.into_iter()
			.find(|n| n.to_string() == text)
			.ok_or_else(|| WalletError::Usage(format!("unknown network {text:?} (live, test or dev)")))
	}
}
/// Prefix of shielded addresses before they were written per network.
const LEGACY_ADDRESS_PREFIX: &str = "zks";
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
		f.debug_struct("Keys").field("address", &self.address().legacy_text()).finish_non_exhaustive()
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

impl Address {
	/// The 64 bytes an address encodes: the owner key, then the encryption key.
	fn to_bytes(self) -> [u8; 64] {
		let mut bytes = [0u8; 64];
		bytes[..32].copy_from_slice(&self.owner.to_bytes());
		bytes[32..].copy_from_slice(&self.pk_enc);
		bytes
	}

	/// The address written for `network`: bech32m, its human-readable part the network's.
	pub fn encode(self, network: Network) -> String {
		let hrp = bech32::Hrp::parse_unchecked(network.hrp());
		// 64 bytes are 103 characters of data and checksum: far below bech32m's 1023.
		bech32::encode::<bech32::Bech32m>(hrp, &self.to_bytes()).unwrap_or_default()
	}

	/// Read an address written for any network; the address and its network.
	pub fn decode_any(text: &str) -> Result<(Self, Network), WalletError> {
		let text = text.trim();
		let checked = bech32::primitives::decode::CheckedHrpstring::new::<bech32::Bech32m>(text).map_err(|e| {
			WalletError::BadEncoding(match e {
				bech32::primitives::decode::CheckedHrpstringError::Checksum(_) => "checksum mismatch (a typo?)",
				_ => "not a bech32m address",
			})
		})?;
		let hrp = checked.hrp().to_lowercase();
		let network = Network::ALL
			.into_iter()
			.find(|n| n.hrp() == hrp)
			.ok_or(WalletError::BadEncoding("not a shielded address (zks1…, zkstest1…, zksdev1…)"))?;
		let bytes: Vec<u8> = checked.byte_iter().collect();
		let (owner, pk) = bytes.split_at_checked(32).ok_or(WalletError::BadEncoding("wrong length"))?;
		let pk_enc: [u8; 32] = pk.try_into().map_err(|_| WalletError::BadEncoding("wrong length"))?;
		let owner = scalar(owner).ok_or(WalletError::BadEncoding("address: owner is not a field element"))?;
		Ok((Address { owner, pk_enc }, network))
	}

	/// Read an address, refusing one written for another network than `network`.
	pub fn decode(text: &str, network: Network) -> Result<Self, WalletError> {
		match Self::decode_any(text)? {
			(address, found) if found == network => Ok(address),
			(_, found) => Err(WalletError::WrongNetwork { address: found, chain: network }),
		}
	}

	/// The address in the form keystores from before networks recorded it (`zks` and base58
	/// with a BLAKE2b checksum), kept only to check those keystores.
	pub fn legacy_text(self) -> String {
		encode(LEGACY_ADDRESS_PREFIX, &self.to_bytes())
	}

	/// Read [`Address::legacy_text`].
	pub fn from_legacy_text(text: &str) -> Result<Self, WalletError> {
		let bytes = decode(LEGACY_ADDRESS_PREFIX, text.trim(), 64)?;
		let (owner, pk) = bytes.split_at(32);
		let owner = scalar(owner).ok_or(WalletError::BadEncoding("address: owner is not a field element"))?;
		let pk_enc: [u8; 32] = pk.try_into().map_err(|_| WalletError::BadEncoding("wrong length"))?;
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
		for network in Network::ALL {
			let text = keys.address().encode(network);
			assert!(text.starts_with(&format!("{}1", network.hrp())), "{text}");
			assert_eq!(Address::decode(&text, network).unwrap(), keys.address());
			assert_eq!(Address::decode(&text.to_uppercase(), network).unwrap(), keys.address());
		}
		assert_eq!(keys.address().owner, keys.spending_key().unwrap().owner());
	}

	#[test]
	fn a_typo_in_an_address_is_caught() {
		let address = Keys::from_phrase(PHRASE).unwrap().address();
		let text = address.encode(Network::Dev);
		let mut chars: Vec<char> = text.chars().collect();
		let last = chars.len() - 1;
		chars[last] = if chars[last] == 'q' { 'p' } else { 'q' };
		let typo: String = chars.into_iter().collect();
		assert!(matches!(Address::decode(&typo, Network::Dev), Err(WalletError::BadEncoding("checksum mismatch (a typo?)"))));
		assert!(matches!(Address::decode("zkviewabc", Network::Dev), Err(WalletError::BadEncoding(_))));
		// The old form is no address any more, and mixed case is no bech32m.
		assert!(matches!(Address::decode(&address.legacy_text(), Network::Live), Err(WalletError::BadEncoding(_))));
		let mixed = text.replacen('z', "Z", 1);
		assert!(matches!(Address::decode(&mixed, Network::Dev), Err(WalletError::BadEncoding(_))));
	}

	/// An address of another network is refused, named, rather than paid to: a test-network
	/// address pasted into a live wallet, or the reverse.
	#[test]
	fn an_address_of_another_network_is_refused() {
		let address = Keys::from_phrase(PHRASE).unwrap().address();
		for (written, chain) in [(Network::Test, Network::Live), (Network::Live, Network::Dev), (Network::Dev, Network::Test)] {
			match Address::decode(&address.encode(written), chain) {
				Err(WalletError::WrongNetwork { address, chain: c }) => assert_eq!((address, c), (written, chain)),
				other => panic!("{other:?}"),
			}
		}
		assert_eq!(Network::of_chain(None, "Live").unwrap(), Network::Live);
		assert_eq!(Network::of_chain(None, "Local").unwrap(), Network::Test);
		assert_eq!(Network::of_chain(None, "Development").unwrap(), Network::Dev);
		assert_eq!(Network::of_chain(Some("test"), "Live").unwrap(), Network::Test);
		assert!(Network::of_chain(Some("main"), "Live").is_err());
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
