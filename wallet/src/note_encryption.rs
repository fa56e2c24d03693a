//! Encrypted notes: how a sender tells the recipient what a new note holds.
//!
//! The chain stores each output's ciphertext beside its commitment (`NoteCommitted`), and the
//! proof binds the ciphertexts through `ext_data_hash`, so a relayer cannot swap them. A note is
//! encrypted to the recipient's X25519 key `pk_enc` in the ECIES style Zcash Sapling uses:
//!
//! ```text
//! esk  ← random X25519 secret          epk = esk·G
//! k    = BLAKE2b-256("zkSettle_NoteEnc", X25519(esk, pk_enc) ‖ epk ‖ pk_enc)
//! ct   = ChaCha20-Poly1305(k, nonce 0, version ‖ value ‖ asset ‖ blinding)
//! note = epk ‖ ct                      (32 + 49 + 16 = 97 bytes)
//! ```
//!
//! Both sides refuse a non-contributory exchange (a low-order `pk_enc` or `epk`), whose shared
//! secret would not depend on the secret key. A fresh `esk` per note makes the all-zero nonce safe. Every note has the same length, dummies
//! included, so ciphertexts say nothing about what they hold. The recipient tries every note
//! with its `ivk` (trial decryption); a note that decrypts is then checked against its
//! commitment with the recipient's own owner key, so a sender cannot make a wallet believe in a
//! note it cannot spend.

use chacha20poly1305::{aead::Aead, ChaCha20Poly1305, KeyInit, Nonce};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;
use zk_verifier::{note::Note, Scalar};

use crate::{error::WalletError, keys::Address};

/// Plaintext format version.
const VERSION: u8 = 1;
const PLAINTEXT_LEN: usize = 1 + 8 + 8 + 32;
/// Length of an encrypted note.
pub const ENCRYPTED_NOTE_LEN: usize = 32 + PLAINTEXT_LEN + 16;

fn note_key(shared: &[u8; 32], epk: &[u8; 32], pk_enc: &[u8; 32]) -> Zeroizing<[u8; 32]> {
	let hash = blake2b_simd::Params::new()
		.hash_length(32)
		.personal(b"zkSettle_NoteEnc")
		.to_state()
		.update(shared)
		.update(epk)
		.update(pk_enc)
		.finalize();
	let mut key = Zeroizing::new([0u8; 32]);
	key.copy_from_slice(hash.as_bytes());
	key
}

/// Encrypt `note` to `to` with the ephemeral secret `esk` (fresh for every note).
pub fn encrypt_with(note: &Note, to: &Address, esk: [u8; 32]) -> Result<Vec<u8>, WalletError> {
	let esk = StaticSecret::from(esk);
	let epk = PublicKey::from(&esk).to_bytes();
	let shared = esk.diffie_hellman(&PublicKey::from(to.pk_enc));
	// A low-order `pk_enc` fixes the shared secret whatever `esk` is (all zero for the
	// identity): the note key would follow from public data. Refuse it.
	if !shared.was_contributory() {
		return Err(WalletError::LowOrderKey);
	}
	let shared = Zeroizing::new(shared.to_bytes());
	let key = note_key(&shared, &epk, &to.pk_enc);
	let mut plaintext = Zeroizing::new(Vec::with_capacity(PLAINTEXT_LEN));
	plaintext.push(VERSION);
	plaintext.extend_from_slice(&note.value.to_le_bytes());
	plaintext.extend_from_slice(&note.asset.to_le_bytes());
	plaintext.extend_from_slice(&note.blinding.to_bytes());
	let cipher = ChaCha20Poly1305::new((&*key).into());
	let ct = cipher.encrypt(&Nonce::default(), plaintext.as_slice()).map_err(|_| WalletError::Encryption)?;
	let mut out = epk.to_vec();
	out.extend_from_slice(&ct);
	Ok(out)
}

/// Encrypt `note` to `to` with fresh randomness.
pub fn encrypt(note: &Note, to: &Address) -> Result<Vec<u8>, WalletError> {
	let mut esk = [0u8; 32];
	crate::random_bytes(&mut esk)?;
	encrypt_with(note, to, esk)
}

/// Try to decrypt `ciphertext` with the incoming viewing key; the note is returned only if it is
/// addressed to `owner` and matches `commitment`.
pub fn try_decrypt(ivk: &StaticSecret, owner: &Scalar, commitment: &Scalar, ciphertext: &[u8]) -> Option<Note> {
	if ciphertext.len() != ENCRYPTED_NOTE_LEN {
		return None;
	}
	let (epk, ct) = ciphertext.split_at(32);
	let epk: [u8; 32] = epk.try_into().ok()?;
	let pk_enc = PublicKey::from(ivk).to_bytes();
	let shared = ivk.diffie_hellman(&PublicKey::from(epk));
	if !shared.was_contributory() {
		return None;
	}
	let shared = Zeroizing::new(shared.to_bytes());
	let key = note_key(&shared, &epk, &pk_enc);
	let plaintext = Zeroizing::new(ChaCha20Poly1305::new((&*key).into()).decrypt(&Nonce::default(), ct).ok()?);
	let (version, rest) = plaintext.split_first()?;
	if *version != VERSION || rest.len() != PLAINTEXT_LEN - 1 {
		return None;
	}
	let (value, rest) = rest.split_at(8);
	let (asset, blinding) = rest.split_at(8);
	let note = Note {
		value: u64::from_le_bytes(value.try_into().ok()?),
		asset: u64::from_le_bytes(asset.try_into().ok()?),
		owner: *owner,
		blinding: Option::from(Scalar::from_bytes(&blinding.try_into().ok()?))?,
	};
	(note.commitment() == *commitment).then_some(note)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::keys::Keys;

	fn keys(word: &str) -> Keys {
		// Deterministic distinct mnemonics from fixed entropy.
		let entropy = blake2b_simd::Params::new().hash_length(32).hash(word.as_bytes());
		let phrase = bip39::Mnemonic::from_entropy(entropy.as_bytes()).unwrap().to_string();
		Keys::from_phrase(&phrase).unwrap()
	}

	fn note_for(keys: &Keys, value: u64) -> Note {
		Note { value, asset: 0, owner: keys.address().owner, blinding: Scalar::from(987_654u64) }
	}

	#[test]
	fn the_recipient_decrypts_and_nobody_else_does() {
		let (bob, eve) = (keys("bob"), keys("eve"));
		let note = note_for(&bob, 42);
		let ct = encrypt_with(&note, &bob.address(), [5; 32]).unwrap();
		assert_eq!(ct.len(), ENCRYPTED_NOTE_LEN);
		let cm = note.commitment();
		assert_eq!(try_decrypt(&bob.ivk(), &bob.address().owner, &cm, &ct), Some(note));
		assert_eq!(try_decrypt(&eve.ivk(), &eve.address().owner, &cm, &ct), None);
	}

	#[test]
	fn tampering_or_a_false_commitment_is_rejected() {
		let bob = keys("bob");
		let note = note_for(&bob, 42);
		let ct = encrypt_with(&note, &bob.address(), [6; 32]).unwrap();
		let cm = note.commitment();
		for i in [0, 40, ENCRYPTED_NOTE_LEN - 1] {
			let mut bad = ct.clone();
			bad[i] ^= 1;
			assert_eq!(try_decrypt(&bob.ivk(), &bob.address().owner, &cm, &bad), None, "byte {i}");
		}
		// A ciphertext that decrypts but does not open the commitment on chain is ignored.
		let other = note_for(&bob, 43).commitment();
		assert_eq!(try_decrypt(&bob.ivk(), &bob.address().owner, &other, &ct), None);
		assert_eq!(try_decrypt(&bob.ivk(), &bob.address().owner, &cm, &ct[..50]), None);
	}

	/// A recipient key of low order (here the zero point) makes the X25519 secret the all-zero
	/// string whatever `esk` is: anyone could derive the note key from the public `epk` and
	/// `pk_enc` and read the note. Such an exchange is not contributory and is refused.
	#[test]
	fn a_low_order_recipient_key_is_refused() {
		let bob = keys("bob");
		let note = note_for(&bob, 42);
		let trap = Address { owner: bob.address().owner, pk_enc: [0; 32] };
		assert!(matches!(encrypt_with(&note, &trap, [7; 32]), Err(WalletError::LowOrderKey)));
		// And a ciphertext whose epk is of low order is never accepted on the receiving side.
		let ct = encrypt_with(&note, &bob.address(), [8; 32]).unwrap();
		let mut low = ct.clone();
		low[..32].fill(0);
		assert_eq!(try_decrypt(&bob.ivk(), &bob.address().owner, &note.commitment(), &low), None);
	}

	#[test]
	fn fresh_randomness_gives_unlinkable_ciphertexts() {
		let bob = keys("bob");
		let note = note_for(&bob, 1);
		assert_ne!(encrypt(&note, &bob.address()).unwrap(), encrypt(&note, &bob.address()).unwrap());
	}
}
