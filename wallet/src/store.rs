//! The wallet's state: how far it has scanned, the notes it found, their spends, and its
//! history. Kept in one file, encrypted under [`Keys::state_key`] (for a spending wallet, a key
//! an exported viewing key does not give, since the file records what it sent), and written
//! atomically (temporary file, then rename) so an interrupted scan resumes from the
//! last save instead of corrupting the wallet.
//!
//! What a scanned block means for the state is decided in [`crate::scan`].

use std::path::Path;

use chacha20poly1305::{aead::Aead, ChaCha20Poly1305, KeyInit, Nonce};
use serde::{Deserialize, Serialize};
use zk_verifier::{
	merkle::{self, Frontier, DEPTH, SIBLINGS},
	witness::Witness,
	Scalar,
};

use crate::{error::WalletError, keys::Keys};

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
	/// Its authentication path to the root of the wallet's tree ([`State::frontier`]), hex, three
	/// siblings per level from the leaves up; empty once spent (or in a file from before the
	/// wallet kept witnesses, until the rescan that follows).
	#[serde(default)]
	pub path: Vec<String>,
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
	/// We joined two of our notes into one (before a payment that needed more than two).
	Merge,
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

impl Entry {
	/// A line for something the scan saw (not one of our own transactions).
	pub(crate) fn seen(block: u64, kind: EntryKind, asset: u64, amount: u64) -> Self {
		Entry { block, kind, asset, amount: amount.into(), fee: 0, counterparty: None, tx: None }
	}
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
	/// The wallet's copy of the note tree's frontier, as of `next_block`; `None` until the first
	/// block with notes at or after the birthday (or in a file from before the wallet kept it).
	#[serde(default)]
	pub frontier: Option<StoredFrontier>,
	/// Whether this state's scan has followed the tree since the birthday. Files from before
	/// the wallet kept witnesses lack it: their notes have no paths, so they rescan once from
	/// the birthday ([`State::rescan_if_without_witnesses`]).
	#[serde(default)]
	pub witnesses: bool,
	/// The last block scanned (`next_block - 1`) and its hash: the check that the node still
	/// serves the chain the wallet scanned. Finalized blocks are never reverted, so a node whose
	/// block at that height has another hash (or none) runs another chain with the same genesis
	/// (a restarted development chain), and the wallet rewinds ([`State::rewind`]). Absent in files
	/// from before the check, and until the first window scanned.
	#[serde(default)]
	pub tip: Option<Tip>,
}

/// A scanned block: its number and hash (hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tip {
	/// Block number.
	pub number: u64,
	/// Block hash, hex without `0x`.
	pub hash: String,
}

/// What a rewind dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Rewound {
	/// The block the scan starts again at (the birthday).
	pub to: u64,
	/// Notes forgotten (the rescan finds again those the chain holds).
	pub notes: usize,
	/// Of them, unspent ones: the balance they made is gone until the rescan finds them.
	pub unspent: usize,
	/// History lines forgotten.
	pub history: usize,
}

/// A [`Frontier`] in the state file: field elements as hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFrontier {
	/// Leaves so far.
	pub next_index: u64,
	/// `Frontier::filled`, flattened (three per height, leaf height first).
	pub filled: Vec<String>,
	/// The root.
	pub root: String,
}

pub(crate) fn hex_scalars<'a>(scalars: impl IntoIterator<Item = &'a Scalar>) -> Vec<String> {
	scalars.into_iter().map(|s| hex::encode(s.to_bytes())).collect()
}

/// `DEPTH` levels of three siblings from hex, as a path or a frontier stores them.
fn levels_from_hex(text: &[String]) -> Option<[[Scalar; SIBLINGS]; DEPTH]> {
	if text.len() != DEPTH * SIBLINGS {
		return None;
	}
	let mut out = [[Scalar::zero(); SIBLINGS]; DEPTH];
	for (slot, t) in out.iter_mut().flatten().zip(text) {
		*slot = parse_scalar(t)?;
	}
	Some(out)
}

impl From<&Frontier> for StoredFrontier {
	fn from(f: &Frontier) -> Self {
		StoredFrontier { next_index: f.next_index, filled: hex_scalars(f.filled.iter().flatten()), root: hex::encode(f.root.to_bytes()) }
	}
}

impl StoredFrontier {
	/// The frontier.
	pub fn frontier(&self) -> Result<Frontier, WalletError> {
		let corrupt = || WalletError::corrupt("wallet state".into(), "note tree frontier".into());
		let filled = levels_from_hex(&self.filled).ok_or_else(corrupt)?;
		let root = parse_scalar(&self.root).ok_or_else(corrupt)?;
		Ok(Frontier { next_index: self.next_index, filled, root })
	}
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
		let blinding = parse_scalar(&self.blinding).ok_or(WalletError::corrupt("wallet state".into(), "blinding".into()))?;
		Ok(zk_verifier::note::Note { value: self.value, asset: self.asset, owner: keys.address().owner, blinding })
	}

	/// Its witness (`None` without a path).
	pub fn witness(&self) -> Result<Option<Witness>, WalletError> {
		if self.path.is_empty() {
			return Ok(None);
		}
		let corrupt = || WalletError::corrupt("wallet state".into(), format!("the path of note {}", self.index));
		let path: merkle::Path = levels_from_hex(&self.path).ok_or_else(corrupt)?;
		let leaf = parse_scalar(&self.commitment).ok_or_else(corrupt)?;
		Ok(Some(Witness { index: self.index, leaf, path }))
	}
}

impl State {
	/// A fresh state for the chain with `genesis`.
	pub fn new(genesis: String) -> Self {
		State { genesis, witnesses: true, ..Default::default() }
	}

	/// A fresh state whose scan starts at block `birthday`.
	pub fn born_at(birthday: u64) -> Self {
		State { birthday, next_block: birthday, witnesses: true, ..Default::default() }
	}

	/// A state from before the wallet kept witnesses scans again from its birthday: known notes
	/// gain their paths, nothing is counted twice.
	pub fn rescan_if_without_witnesses(&mut self) {
		if !self.witnesses {
			self.next_block = self.birthday;
			self.frontier = None;
			self.witnesses = true;
		}
	}

	/// Forget what the scan found (notes, the tree, where it was) and start again at the
	/// birthday. With `keep_own`, the history lines of this wallet's own transactions stay
	/// (a rescan of the same chain cannot find them again: it sees notes and spends, not who
	/// sent them); without, every line goes (the chain they happened on is gone).
	pub fn rewind(&mut self, keep_own: bool) -> Rewound {
		let unspent = self.notes.iter().filter(|n| n.spent.is_none()).count();
		let notes = std::mem::take(&mut self.notes).len();
		let before = self.history.len();
		self.history.retain(|e| keep_own && e.tx.is_some());
		self.next_block = self.birthday;
		self.frontier = None;
		self.tip = None;
		self.witnesses = true;
		Rewound { to: self.birthday, notes, unspent, history: before - self.history.len() }
	}

	/// Forget everything the chain told the wallet, its genesis included, keeping only the
	/// birthday (given anew with `birthday`): a state for whichever chain the next sync meets.
	pub fn reset(&mut self, birthday: Option<u64>) -> Rewound {
		if let Some(b) = birthday {
			self.birthday = b;
		}
		let rewound = self.rewind(false);
		self.genesis.clear();
		rewound
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

	/// How many merges (two notes into one, paying `fee` each) let one transaction spend
	/// `needed`: 0 when [`Self::select`] finds at most two notes. Merging the largest notes
	/// first is optimal: after `k` merges the best pair holds the `k + 2` largest notes less
	/// `k` fees, and no other choice of `k + 2` notes holds more.
	pub fn merges_needed(&self, asset: u64, needed: u128, fee: u128) -> Result<usize, WalletError> {
		match self.select(asset, needed) {
			Ok(_) => return Ok(0),
			Err(WalletError::NotesTooFragmented { .. }) => {},
			Err(other) => return Err(other),
		}
		let notes = self.unspent(asset);
		let mut top: u128 = notes.iter().take(2).map(|n| u128::from(n.value)).sum();
		for (merges, note) in notes.iter().enumerate().skip(2).map(|(i, n)| (i - 1, n)) {
			top = top.saturating_add(u128::from(note.value));
			let fees = fee.saturating_mul(merges as u128);
			if top.saturating_sub(fees) >= needed && top >= fees {
				return Ok(merges);
			}
		}
		let merges = notes.len().saturating_sub(2) as u128;
		Err(WalletError::InsufficientShieldedBalance {
			asset,
			needed: needed.saturating_add(fee.saturating_mul(merges)),
			available: top,
		})
	}

	/// Load the state at `path`, or a fresh one if there is none.
	pub fn load(path: &Path, keys: &Keys) -> Result<Option<Self>, WalletError> {
		let bytes = match std::fs::read(path) {
			Ok(bytes) => bytes,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(WalletError::io(path.display().to_string(), e)),
		};
		let corrupt = |why: &str| WalletError::corrupt(path.display().to_string(), why.to_string());
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
		let plain = serde_json::to_vec(self).map_err(|e| WalletError::corrupt("wallet state".into(), e.to_string()))?;
		let mut nonce = [0u8; 12];
		crate::random_bytes(&mut nonce)?;
		let key = keys.state_key();
		let ct = ChaCha20Poly1305::new((&*key).into())
			.encrypt(Nonce::from_slice(&nonce), plain.as_slice())
			.map_err(|_| WalletError::Encryption)?;
		let mut bytes = nonce.to_vec();
		bytes.extend_from_slice(&ct);
		Ok(crate::files::write_private(path, &bytes)?)
	}
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;

	/// A rescan keeps the wallet's own transactions (no scan could find them again); a rewind
	/// for another chain and a reset drop everything the chain told, and start at the birthday.
	#[test]
	fn rewinds_forget_what_the_chain_told_and_start_at_the_birthday() {
		let mut state = State::born_at(5);
		state.genesis = "ab".into();
		state.next_block = 90;
		state.tip = Some(Tip { number: 89, hash: "cd".into() });
		state.notes = vec![owned(7, 0), OwnedNote { spent: Some(60), ..owned(3, 1) }];
		let own = Entry { tx: Some("0x1".into()), ..Entry::seen(50, EntryKind::Shield, 0, 7) };
		state.history = vec![Entry::seen(50, EntryKind::Received, 0, 7), own.clone()];
		let mut rescanned = state.clone();
		assert_eq!(rescanned.rewind(true), Rewound { to: 5, notes: 2, unspent: 1, history: 1 });
		assert_eq!((rescanned.next_block, &rescanned.tip, &rescanned.frontier), (5, &None, &None));
		assert_eq!((rescanned.history.as_slice(), rescanned.genesis.as_str()), ([own].as_slice(), "ab"));
		let mut other_chain = state.clone();
		assert_eq!(other_chain.rewind(false).history, 2);
		assert!(other_chain.history.is_empty() && other_chain.notes.is_empty());
		assert_eq!(state.reset(Some(0)).to, 0);
		assert_eq!((state.genesis.as_str(), state.next_block, state.birthday), ("", 0, 0));
	}

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

	pub(crate) fn keys(word: &str) -> Keys {
		let entropy = blake2b_simd::Params::new().hash_length(32).hash(word.as_bytes());
		Keys::from_phrase(&bip39::Mnemonic::from_entropy(entropy.as_bytes()).unwrap().to_string()).unwrap()
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
			path: Vec::new(),
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
	fn merges_join_the_largest_notes_until_two_cover_the_payment() {
		let mut state = State::new("g".into());
		state.notes = vec![owned(10, 0), owned(50, 1), owned(30, 2), owned(25, 3), owned(5, 4)];
		let merges = |s: &State, needed, fee| s.merges_needed(0, needed, fee);
		assert_eq!(merges(&state, 80, 1).unwrap(), 0);
		// 50 + 30 + 25 - 1 = 104 after one merge.
		assert_eq!(merges(&state, 104, 1).unwrap(), 1);
		assert_eq!(merges(&state, 105, 1).unwrap(), 2);
		assert_eq!(merges(&state, 117, 1).unwrap(), 3);
		// Everything less three fees is 117: one more is too much, and the error counts the fees.
		assert!(matches!(
			merges(&state, 118, 1),
			Err(WalletError::InsufficientShieldedBalance { needed: 121, available: 120, .. })
		));
		// Over the whole balance, the error is the plain one.
		assert!(matches!(merges(&state, 121, 1), Err(WalletError::InsufficientShieldedBalance { needed: 121, .. })));
		// A fee larger than what a merge adds never helps.
		assert!(merges(&state, 106, 40).is_err());
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
		assert!(matches!(State::load(&path, &eve), Err(e) if e.is_corrupt()));
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
		assert!(matches!(State::load(&path, &watch), Err(e) if e.is_corrupt()));
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
		assert!(matches!(State::load(&path, &watch), Err(e) if e.is_corrupt()), "re-encrypted");
	}
}
