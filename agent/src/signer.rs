//! A validator's secp256k1 key, signing checkpoints exactly as Hyperlane's validator agent does:
//! an EIP-191 personal signature over `keccak256(domainHash ‖ root ‖ index ‖ messageId)`,
//! encoded `r ‖ s ‖ v` with `v ∈ {27, 28}`. The digest is the settlement pallet's own
//! [`Checkpoint::digest`], the one its ISMs verify.

use k256::ecdsa::SigningKey;
use sha3::{Digest, Keccak256};
use pallet_settlement::{announce::announcement_digest, checkpoint::Checkpoint};

use crate::AgentError;

/// A 20-byte Ethereum address.
pub type EthAddress = [u8; 20];

/// A validator key.
pub struct ValidatorKey(SigningKey);

impl ValidatorKey {
	/// From a 32-byte secret in hex (with or without `0x`).
	pub fn from_hex(text: &str) -> Result<Self, AgentError> {
		let bytes = hex::decode(text.trim().trim_start_matches("0x")).map_err(|_| AgentError::Config("key: not hex".into()))?;
		let bytes: [u8; 32] = bytes.try_into().map_err(|_| AgentError::Config("key: not 32 bytes".into()))?;
		SigningKey::from_bytes(&bytes.into()).map(ValidatorKey).map_err(|_| AgentError::Config("key: not a secp256k1 secret".into()))
	}

	/// The validator's address: the last 20 bytes of keccak256 of its uncompressed public key.
	pub fn address(&self) -> EthAddress {
		let point = self.0.verifying_key().to_encoded_point(false);
		let hash = Keccak256::digest(&point.as_bytes()[1..]);
		let mut out = [0u8; 20];
		out.copy_from_slice(&hash[12..]);
		out
	}

	/// The 65-byte signature of `checkpoint`.
	pub fn sign(&self, checkpoint: &Checkpoint) -> Result<[u8; 65], AgentError> {
		self.sign_digest(&checkpoint.digest())
	}

	/// The 65-byte signature of the announcement that this validator's checkpoints for the
	/// mailbox `mailbox` of `domain` are at `location`.
	pub fn sign_announcement(&self, domain: u32, mailbox: &[u8; 32], location: &str) -> Result<[u8; 65], AgentError> {
		self.sign_digest(&announcement_digest(domain, mailbox, location.as_bytes()))
	}

	/// `r ‖ s ‖ v` over a digest, `v ∈ {27, 28}`, `s` low (RFC 6979 nonces).
	fn sign_digest(&self, digest: &[u8; 32]) -> Result<[u8; 65], AgentError> {
		let (signature, recovery) =
			self.0.sign_prehash_recoverable(digest).map_err(|e| AgentError::Config(format!("signing: {e}")))?;
		let mut out = [0u8; 65];
		out[..64].copy_from_slice(&signature.to_bytes());
		out[64] = 27 + recovery.to_byte();
		Ok(out)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use pallet_settlement::{isms::multisig::recover, message::Message};

	/// The checkpoint of Hyperlane's Sealevel multisig-ISM test data.
	fn sealevel_checkpoint() -> Checkpoint {
		let message = Message {
			version: 3,
			nonce: 69,
			origin: 1234,
			sender: [0xaf; 32],
			destination: 4321,
			recipient: [0xbe; 32],
			body: (0u8..10).collect(),
		};
		Checkpoint { origin: 1234, merkle_tree_hook: [0xab; 32], root: [0xcd; 32], index: 70, message_id: message.id() }
	}

	/// Anvil's first account: the key behind 0xf39F…2266.
	const ANVIL_0: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

	#[test]
	fn the_address_is_ethereums() {
		let key = ValidatorKey::from_hex(ANVIL_0).unwrap();
		assert_eq!(hex::encode(key.address()), "f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
	}

	#[test]
	fn signatures_recover_to_the_validator_through_the_pallets_verifier() {
		let key = ValidatorKey::from_hex(ANVIL_0).unwrap();
		let checkpoint = sealevel_checkpoint();
		// The digest Hyperlane's test publishes for this checkpoint.
		assert_eq!(hex::encode(checkpoint.digest()), "ce7956b074d407cc6f056ad6dc1737aac9935dbfc42df381d016ce1ab179c1e5");
		let signature = key.sign(&checkpoint).unwrap();
		assert!(signature[64] == 27 || signature[64] == 28);
		assert_eq!(recover(&checkpoint.digest(), &signature).unwrap(), key.address());
	}

	#[test]
	fn announcements_are_signed_as_ethers_signs_them() {
		// The same announcement made with ethers in `e2e/lib/hyperlane.test.ts` (an independent
		// implementation: solidityPacked keccak, `Wallet.signMessage`).
		let key = ValidatorKey::from_hex(ANVIL_0).unwrap();
		let location = "file:///var/lib/zksettle/v0";
		let signature = key.sign_announcement(1_000_001, &[7; 32], location).unwrap();
		assert_eq!(
			hex::encode(signature),
			"a8a6ce383f5842b2a1e4bd43391e3e411554c6ad014725ee48986efb73d3c574520ac1d777d0e2d52b603e59c63290591e677381f7e637221296425a52bb55351b"
		);
		let digest = announcement_digest(1_000_001, &[7; 32], location.as_bytes());
		assert_eq!(recover(&digest, &signature).unwrap(), key.address());
		assert_ne!(recover(&announcement_digest(1_000_001, &[7; 32], b"file:///elsewhere"), &signature).ok(), Some(key.address()));
	}

	#[test]
	fn bad_keys_are_refused() {
		assert!(ValidatorKey::from_hex("zz").is_err());
		assert!(ValidatorKey::from_hex("00").is_err());
		assert!(ValidatorKey::from_hex(&"00".repeat(32)).is_err());
	}
}
