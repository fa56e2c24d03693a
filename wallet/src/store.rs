//! The wallet's state: how far it has scanned, the notes it found, their spends, and its
//! history. Kept in one file, encrypted under [`Keys::state_key`] (for a spending wallet, a key
//! an exported viewing key does not give, since the file records what it sent), and written
//! atomically (temporary file, then rename) so an interrupted scan resumes from the
//! last save instead of corrupting the wallet.
//!
//! Scanning is pure here ([`State::apply_block`]): the chain module fetches the events, this
//! module decides what they mean for the wallet. That is what the unit tests exercise.

use std::path::Path;

use chacha20poly1305::{aead::Aead, ChaCha20Poly1305, KeyInit, Nonce};
use serde::{Deserialize, Serialize};
use zk_verifier::Scalar;

use crate::{error::WalletError, keys::Keys, note_encryption};

/// A note of this wallet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedNote {
	/// Leaf index in the note tree.
	pub index: u64,
	/// Value.
	pub value: u64,
	/// Asset (note field value: 0 native, `id + 1` for assets).
	pub asset: u64,
	/// Blinding, hex.
	pub blinding: String,
	/// Commitment, hex.
	pub commitment: String,
	/// The nullifier it will reveal, hex.
	pub nullifier: String,
	/// Block it was created in.
	pub block: u64,
	/// Block it was spent in.
	pub spent: Option<u64>,
}

/// What a history line records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
	/// A note arrived (from anyone, ourselves included).
	Received,
	/// One of our notes was spent.
	Spent,
	/// We shielded public funds.
	Shield,
	/// We sent privately.
	Send,
	/// We unshielded to a public account.
	Unshield,
}

/// One line of history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
	/// Block.
	pub block: u64,
	/// What happened.
	pub kind: EntryKind,
	/// Asset (note field value).
	pub asset: u64,
	/// Amount.
	pub amount: u128,
	/// Fee paid, for our own transactions.
	pub fee: u128,
	/// The other side, when known: a shielded address or an account.
	pub counterparty: Option<String>,
	/// Transaction hash, for our own transactions.
	pub tx: Option<String>,
}

/// An event of the shielded pool, as the scanner needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolEvent {
	/// `NoteCommitted`.
	Note {
		/// Leaf index.
		index: u64,
		/// Commitment.
		commitment: [u8; 32],
		/// The ciphertext.
		encrypted: Vec<u8>,
	},
	/// The nullifiers of a `Transacted`.
	Spent([[u8; 32]; 2]),
}

/// The wallet state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
	/// Genesis hash of the chain this state belongs to, hex.
	pub genesis: String,
	/// The wallet's birthday: no note of it is older than this block, so scanning starts here
	/// (the chain's height when the wallet was created; given when restoring; 0 scans
	/// everything). Absent in files from before birthdays, which scanned from 0.
	#[serde(default)]
	pub birthday: u64,
	/// The next block to scan.
	pub next_block: u64,
	/// Every note found, spent or not.
	pub notes: Vec<OwnedNote>,
	/// History, oldest first.
	pub history: Vec<Entry>,
}

/// Outcome of scanning one block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockFindings {
	/// Notes found.
	pub received: usize,
	/// Notes of ours spent.
	pub spent: usize,
}

fn parse_scalar(hex_text: &str) -> Option<Scalar> {
	let bytes: [u8; 32] = hex::decode(hex_text).ok()?.try_into().ok()?;
	Option::from(Scalar::from_bytes(&bytes))
}

impl OwnedNote {
	/// The note itself, with the owner key of `keys`.
	pub fn note(&self, keys: &Keys) -> Result<zk_verifier::note::Note, WalletError> {
		let blinding = parse_scalar(&self.blinding).ok_or(WalletError::Corrupt("wallet state".into(), "blinding".into()))?;
		Ok(zk_verifier::note::Note { value: self.value, asset: self.asset, owner: keys.address().owner, blinding })
	}
}

impl State {
	/// A fresh state for the chain with `genesis`.
	pub fn new(genesis: String) -> Self {
		State { genesis, ..Default::default() }
	}

	/// A fresh state whose scan starts at block `birthday`.
	pub fn born_at(birthday: u64) -> Self {
		State { birthday, next_block: birthday, ..Default::default() }
	}

	/// Apply the pool events of `block` (in order).
	pub fn apply_block(&mut self, keys: &Keys, block: u64, events: &[PoolEvent]) -> BlockFindings {
		let view = keys.viewing_key();
		let ivk = keys.ivk();
		let mut found = BlockFindings::default();
		for event in events {
			match event {
				PoolEvent::Note { index, commitment, encrypted } => {
					let Some(cm) = Option::<Scalar>::from(Scalar::from_bytes(commitment)) else { continue };
					let Some(note) = note_encryption::try_decrypt(&ivk, &view.owner, &cm, encrypted) else { continue };
					// Dummy outputs (value 0) are ours too but not worth a line or a note.
					if note.value == 0 || self.notes.iter().any(|n| n.index == *index) {
						continue;
					}
					self.notes.push(OwnedNote {
						index: *index,
						value: note.value,
						asset: note.asset,
						blinding: hex::encode(note.blinding.to_bytes()),
						commitment: hex::encode(commitment),
						nullifier: hex::encode(view.nullifier(&cm, *index).to_bytes()),
						block,
						spent: None,
					});
					self.history.push(Entry {
						block,
						kind: EntryKind::Received,
						asset: note.asset,
						amount: note.value.into(),
						fee: 0,
						counterparty: None,
						tx: None,
					});
					found.received += 1;
				},
				PoolEvent::Spent(nullifiers) => {
					for nullifier in nullifiers {
						let text = hex::encode(nullifier);
						if let Some(note) = self.notes.iter_mut().find(|n| n.nullifier == text && n.spent.is_none()) {
							note.spent = Some(block);
							self.history.push(Entry {
								block,
								kind: EntryKind::Spent,
								asset: note.asset,
								amount: note.value.into(),
								fee: 0,
								counterparty: None,
								tx: None,
							});
							found.spent += 1;
						}
					}
				},
			}
		}
		self.next_block = self.next_block.max(block.saturating_add(1));
		found
	}

	/// Unspent notes of `asset`, largest first.
	pub fn unspent(&self, asset: u64) -> Vec<&OwnedNote> {
		let mut notes: Vec<&OwnedNote> = self.notes.iter().filter(|n| n.spent.is_none() && n.asset == asset).collect();
		notes.sort_by(|a, b| b.value.cmp(&a.value).then(a.index.cmp(&b.index)));
		notes
	}

	/// Unspent value per asset.
	pub fn balances(&self) -> std::collections::BTreeMap<u64, u128> {
		let mut out = std::collections::BTreeMap::new();
		for note in self.notes.iter().filter(|n| n.spent.is_none()) {
			*out.entry(note.asset).or_insert(0u128) += u128::from(note.value);
		}
		out
	}

	/// Choose at most two unspent notes of `asset` covering `needed`: the smallest single note
	/// that covers it, else the smallest pair. Typed errors when the balance falls short or is
	/// spread over too many notes.
	pub fn select(&self, asset: u64, needed: u128) -> Result<Vec<OwnedNote>, WalletError> {
		let notes = self.unspent(asset);
		let available: u128 = notes.iter().map(|n| u128::from(n.value)).sum();
		if available < needed {
			return Err(WalletError::InsufficientShieldedBalance { asset, needed, available });
		}
		if needed == 0 {
			return Ok(Vec::new());
		}
		if let Some(single) = notes.iter().rev().find(|n| u128::from(n.value) >= needed) {
			return Ok(vec![(*single).clone()]);
		}
		let mut best: Option<(u128, usize, usize)> = None;
		for (i, a) in notes.iter().enumerate() {
			for (j, b) in notes.iter().enumerate().skip(i + 1) {
				let sum = u128::from(a.value) + u128::from(b.value);
				if sum >= needed && best.is_none_or(|(s, ..)| sum < s) {
					best = Some((sum, i, j));
				}
			}
		}
		match best {
			Some((_, i, j)) => Ok(vec![notes[i].clone(), notes[j].clone()]),
			None => Err(WalletError::NotesTooFragmented {
				needed,
				largest_two: notes.iter().take(2).map(|n| u128::from(n.value)).sum(),
			}),
		}
	}

	/// Load the state at `path`, or a fresh one if there is none.
	pub fn load(path: &Path, keys: &Keys) -> Result<Option<Self>, WalletError> {
		let bytes = match std::fs::read(path) {
			Ok(bytes) => bytes,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(WalletError::Io(path.display().to_string(), e)),
		};
		let corrupt = |why: &str| WalletError::Corrupt(path.display().to_string(), why.to_string());
		if bytes.len() < 12 {
			return Err(corrupt("too short"));
		}
		let (nonce, ct) = bytes.split_at(12);
		let decrypt = |key: &[u8; 32]| ChaCha20Poly1305::new(key.into()).decrypt(Nonce::from_slice(nonce), ct).ok();
		// A spending wallet's file from before it had its own state key opens with the legacy
		// (viewing-key) key once, and is re-encrypted under the new key at once.
		let (plain, legacy) = match decrypt(&keys.state_key()) {
			Some(plain) => (plain, false),
			None => match decrypt(&keys.legacy_state_key()) {
				Some(plain) if matches!(keys, Keys::Spending { .. }) => (plain, true),
				_ => return Err(corrupt("does not decrypt with this wallet's keys")),
			},
		};
		let state: Self = serde_json::from_slice(&plain).map_err(|e| corrupt(&e.to_string()))?;
		if legacy {
			state.save(path, keys)?;
		}
		Ok(Some(state))
	}

	/// Save atomically to `path`.
	pub fn save(&self, path: &Path, keys: &Keys) -> Result<(), WalletError> {
		let plain = serde_json::to_vec(self).map_err(|e| WalletError::Corrupt("wallet state".into(), e.to_string()))?;
		let mut nonce = [0u8; 12];
		crate::random_bytes(&mut nonce)?;
		let key = keys.state_key();
		let ct = ChaCha20Poly1305::new((&*key).into())
			.encrypt(Nonce::from_slice(&nonce), plain.as_slice())
			.map_err(|_| WalletError::Encryption)?;
		let mut bytes = nonce.to_vec();
		bytes.extend_from_slice(&ct);
		let tmp = path.with_extension("tmp");
		std::fs::write(&tmp, bytes).map_err(|e| WalletError::Io(tmp.display().to_string(), e))?;
		std::fs::rename(&tmp, path).map_err(|e| WalletError::Io(path.display().to_string(), e))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use zk_verifier::note::Note;

	/// A state file from before birthdays loads, with birthday 0 (it scanned from genesis).
	#[test]
	fn states_without_a_birthday_load() {
		let old = r#"{"genesis":"ab","next_block":7,"notes":[],"history":[]}"#;
		let state: State = serde_json::from_str(old).unwrap();
		assert_eq!((state.birthday, state.next_block), (0, 7));
		let born = State::born_at(40);
		assert_eq!((born.birthday, born.next_block), (40, 40));
		let again: State = serde_json::from_slice(&serde_json::to_vec(&born).unwrap()).unwrap();
		assert_eq!(again, born);
	}

	fn keys(word: &str) -> Keys {
		let entropy = blake2b_simd::Params::new().hash_length(32).hash(word.as_bytes());
		Keys::from_phrase(&bip39::Mnemonic::from_entropy(entropy.as_bytes()).unwrap().to_string()).unwrap()
	}

	fn note_event(to: &Keys, value: u64, index: u64) -> (PoolEvent, Note) {
		let note = Note { value, asset: 0, owner: to.address().owner, blinding: Scalar::from(index + 1000) };
		let encrypted = note_encryption::encrypt(&note, &to.address()).unwrap();
		(PoolEvent::Note { index, commitment: note.commitment().to_bytes(), encrypted }, note)
	}

	#[test]
	fn scanning_finds_our_notes_and_their_spends_only() {
		let (bob, eve) = (keys("bob"), keys("eve"));
		let mut state = State::new("g".into());
		let (mine, note) = note_event(&bob, 70, 0);
		let (theirs, _) = note_event(&eve, 30, 1);
		let (dummy, _) = note_event(&bob, 0, 2);
		let found = state.apply_block(&bob, 5, &[mine.clone(), theirs, dummy]);
		assert_eq!(found, BlockFindings { received: 1, spent: 0 });
		assert_eq!(state.balances().get(&0), Some(&70));
		assert_eq!(state.next_block, 6);
		// Seeing the same block again (a resumed scan) adds nothing.
		state.apply_block(&bob, 5, &[mine]);
		assert_eq!(state.notes.len(), 1);

		// The spend is recognised from the nullifier the viewing key computes.
		let nf = bob.viewing_key().nullifier(&note.commitment(), 0).to_bytes();
		let found = state.apply_block(&bob, 9, &[PoolEvent::Spent([[7; 32], nf])]);
		assert_eq!(found.spent, 1);
		assert_eq!(state.notes[0].spent, Some(9));
		assert!(state.balances().is_empty());
		let kinds: Vec<EntryKind> = state.history.iter().map(|e| e.kind).collect();
		assert_eq!(kinds, [EntryKind::Received, EntryKind::Spent]);
	}

	#[test]
	fn a_watch_only_wallet_sees_the_same_balance() {
		let bob = keys("bob");
		let watch = Keys::from_viewing_key(&bob.export_viewing_key()).unwrap();
		let (event, note) = note_event(&bob, 70, 0);
		let nf = bob.spending_key().unwrap().viewing_key().nullifier(&note.commitment(), 0).to_bytes();
		let (mut full, mut watching) = (State::new("g".into()), State::new("g".into()));
		full.apply_block(&bob, 1, std::slice::from_ref(&event));
		watching.apply_block(&watch, 1, &[event]);
		assert_eq!(full, watching);
		watching.apply_block(&watch, 2, &[PoolEvent::Spent([nf, [0; 32]])]);
		assert!(watching.balances().is_empty());
	}

	fn owned(value: u64, index: u64) -> OwnedNote {
		OwnedNote {
			index,
			value,
			asset: 0,
			blinding: String::new(),
			commitment: String::new(),
			nullifier: format!("{index}"),
			block: 0,
			spent: None,
		}
	}

	#[test]
	fn note_selection_prefers_one_note_then_the_tightest_pair() {
		let mut state = State::new("g".into());
		state.notes = vec![owned(10, 0), owned(50, 1), owned(30, 2), owned(25, 3)];
		let pick = |s: &State, n| s.select(0, n).unwrap().iter().map(|n| n.value).collect::<Vec<_>>();
		assert_eq!(pick(&state, 20), [25]);
		assert_eq!(pick(&state, 50), [50]);
		assert_eq!(pick(&state, 55), [30, 25]);
		assert_eq!(pick(&state, 80), [50, 30]);
		assert!(matches!(
			state.select(0, 116),
			Err(WalletError::InsufficientShieldedBalance { needed: 116, available: 115, .. })
		));
		assert!(matches!(state.select(0, 100), Err(WalletError::NotesTooFragmented { largest_two: 80, .. })));
		state.notes[1].spent = Some(3);
		assert!(matches!(state.select(0, 70), Err(WalletError::InsufficientShieldedBalance { available: 65, .. })));
	}

	#[test]
	fn the_state_file_round_trips_and_is_unreadable_to_others() {
		let (bob, eve) = (keys("bob"), keys("eve"));
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("state");
		assert_eq!(State::load(&path, &bob).unwrap(), None);
		let mut state = State::new("abc".into());
		state.notes.push(owned(5, 0));
		state.save(&path, &bob).unwrap();
		assert_eq!(State::load(&path, &bob).unwrap(), Some(state));
		assert!(matches!(State::load(&path, &eve), Err(WalletError::Corrupt(..))));
	}

	/// The state of a spending wallet records what it sent, which the viewing key does not
	/// reveal: whoever holds an exported viewing key and the file must not be able to read it.
	#[test]
	fn the_viewing_key_does_not_open_a_spending_wallets_state() {
		let bob = keys("bob");
		let watch = Keys::from_viewing_key(&bob.export_viewing_key()).unwrap();
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("state");
		let mut state = State::new("abc".into());
		state.notes.push(owned(5, 0));
		state.save(&path, &bob).unwrap();
		assert!(matches!(State::load(&path, &watch), Err(WalletError::Corrupt(..))));
		assert_eq!(State::load(&path, &bob).unwrap(), Some(state.clone()));

		// A file written under the legacy key opens once and is re-encrypted at once.
		let legacy = bob.legacy_state_key();
		let mut bytes = vec![0u8; 12];
		bytes.extend(
			ChaCha20Poly1305::new((&*legacy).into())
				.encrypt(Nonce::from_slice(&[0u8; 12]), serde_json::to_vec(&state).unwrap().as_slice())
				.unwrap(),
		);
		std::fs::write(&path, bytes).unwrap();
		assert!(State::load(&path, &watch).unwrap().is_some(), "the legacy file opens with the viewing key");
		assert_eq!(State::load(&path, &bob).unwrap(), Some(state));
		assert!(matches!(State::load(&path, &watch), Err(WalletError::Corrupt(..))), "re-encrypted");
	}
}
