//! The relayer's database: its position on the origin and the messages it still owes the
//! destination, on disk, so that a relayer killed at any instant resumes where it was (Hyperlane's
//! relayer keeps the same in its message database: the next nonce to process and each pending
//! message's retry count).
//!
//! A snapshot (one JSON file per route, replaced atomically: written to a temporary file, synced,
//! renamed) and a journal beside it (`<file>.journal`): every change appends one synced JSON line
//! there, so a change costs a write the size of one message, whatever the database holds (anyone
//! can dispatch messages a relayer has to take in and give up). Opening replays the journal onto
//! the snapshot, drops a torn last line (a crash mid-append: that change never happened), and
//! folds the result into a new snapshot; a long journal is folded the same way while running. A
//! database names its route (both chains' domains and genesis hashes): pointed at another chain,
//! a relayer refuses to start instead of mistaking its leaves for the ones it recorded.
//!
//! The invariant: every origin leaf below [`Db::next`] whose message goes to this destination
//! is delivered (by us or anyone), given up (undeliverable by this relayer, with the reason),
//! or in [`Db::pending`]. A message is removed from `pending` only once the destination says it
//! is delivered.

use std::{
	collections::BTreeMap,
	io::Write,
	path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use crate::AgentError;

/// The most given-up messages remembered (the oldest are forgotten first): anyone can dispatch
/// undeliverable messages, and the database must stay bounded.
pub const MAX_GIVEN_UP: usize = 1024;

/// Journal lines after which the journal is folded into the snapshot.
const FOLD_AFTER: usize = 4096;

/// Which route a database belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
	/// Origin domain.
	pub origin: u32,
	/// Origin genesis hash, hex.
	pub origin_genesis: String,
	/// Destination domain.
	pub destination: u32,
	/// Destination genesis hash, hex.
	pub destination_genesis: String,
}

/// A message the relayer owes, or gave up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
	/// Its id, hex.
	pub id: String,
	/// Failed attempts so far.
	pub attempts: u32,
	/// The last failure, if any.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub last_error: Option<String>,
	/// Deliveries that failed on chain (paid for), among the attempts.
	#[serde(default)]
	pub rejected: u32,
}

/// One change, as a journal line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Change {
	TakeIn { owed: Vec<(u32, String)>, next: u32 },
	Done { leaf: u32, by_us: bool },
	Failed {
		leaf: u32,
		error: String,
		#[serde(default)]
		rejected: bool,
	},
	GiveUp { leaf: u32, error: String },
}

/// A journal line: a change and its sequence number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Line {
	seq: u64,
	change: Change,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct State {
	/// Changes applied so far: a journal line at or below it is in the snapshot already.
	#[serde(default)]
	seq: u64,
	route: Route,
	next: u32,
	pending: BTreeMap<u32, Entry>,
	given_up: BTreeMap<u32, Entry>,
	delivered: u64,
}

impl State {
	/// Apply `change`; returns the attempts of a failed message.
	fn apply(&mut self, change: &Change) -> u32 {
		match change {
			Change::TakeIn { owed, next } => {
				for (leaf, id) in owed {
					if (self.next..*next).contains(leaf) {
						self.pending.insert(*leaf, Entry { id: id.clone(), attempts: 0, last_error: None, rejected: 0 });
					}
				}
				self.next = self.next.max(*next);
			},
			Change::Done { leaf, by_us } => {
				self.pending.remove(leaf);
				if *by_us {
					self.delivered = self.delivered.saturating_add(1);
				}
			},
			Change::Failed { leaf, error, rejected } =>
				if let Some(entry) = self.pending.get_mut(leaf) {
					entry.attempts = entry.attempts.saturating_add(1);
					entry.rejected = entry.rejected.saturating_add(u32::from(*rejected));
					entry.last_error = Some(error.clone());
					return entry.attempts;
				},
			Change::GiveUp { leaf, error } =>
				if let Some(mut entry) = self.pending.remove(leaf) {
					entry.last_error = Some(error.clone());
					self.given_up.insert(*leaf, entry);
					while self.given_up.len() > MAX_GIVEN_UP {
						self.given_up.pop_first();
					}
				},
		}
		0
	}
}

/// The relayer's durable state.
#[derive(Debug)]
pub struct Db {
	file: Option<PathBuf>,
	state: State,
	/// The open journal and its length in lines.
	journal: Option<(std::fs::File, usize)>,
}

fn io(path: &Path, e: std::io::Error) -> AgentError {
	AgentError::Io(path.display().to_string(), e)
}

impl Db {
	/// The database in `file` for `route` (empty if the file does not exist yet), or one in
	/// memory only. A file of another route is refused.
	pub fn open(file: Option<PathBuf>, route: Route) -> Result<Self, AgentError> {
		let empty = State { seq: 0, route: route.clone(), next: 0, pending: BTreeMap::new(), given_up: BTreeMap::new(), delivered: 0 };
		let Some(path) = file else { return Ok(Db { file: None, state: empty, journal: None }) };
		let state = match Self::load(&path)? {
			Some(state) if state.route != route => {
				return Err(AgentError::Config(format!(
					"{}: the database of route {:?}, not of this one ({route:?})",
					path.display(),
					state.route
				)))
			},
			Some(state) => state,
			None => empty,
		};
		let mut db = Db { file: Some(path), state, journal: None };
		db.fold()?;
		Ok(db)
	}

	/// The database in `path` as it stands, read only (nothing is written, no route is
	/// required): to inspect a running or killed relayer's database.
	pub fn read(path: &Path) -> Result<Self, AgentError> {
		let state = Self::load(path)?.ok_or_else(|| AgentError::Config(format!("{}: no relayer database", path.display())))?;
		Ok(Db { file: None, state, journal: None })
	}

	/// The snapshot in `path` with its journal replayed onto it; `None` if there is no snapshot.
	fn load(path: &Path) -> Result<Option<State>, AgentError> {
		let mut state: State = match std::fs::read(path) {
			Ok(bytes) => serde_json::from_slice(&bytes)
				.map_err(|e| AgentError::Config(format!("{}: not a relayer database: {e}", path.display())))?,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(io(path, e)),
		};
		let journal = journal_path(path);
		match std::fs::read(&journal) {
			Ok(bytes) => {
				let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
				let torn = bytes.last().is_some_and(|b| *b != b'\n');
				for (n, line) in lines.iter().enumerate() {
					match serde_json::from_slice::<Line>(line) {
						Ok(line) if line.seq <= state.seq => {},
						Ok(line) => {
							state.apply(&line.change);
							state.seq = line.seq;
						},
						// Only the last line can be torn (every earlier one was synced whole).
						Err(_) if torn && n + 1 == lines.len() => {},
						Err(e) => return Err(AgentError::Config(format!("{}: line {}: {e}", journal.display(), n + 1))),
					}
				}
			},
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => {},
			Err(e) => return Err(io(&journal, e)),
		}
		Ok(Some(state))
	}

	/// Every origin leaf below this was taken in.
	pub fn next(&self) -> u32 {
		self.state.next
	}

	/// The messages owed, by origin leaf.
	pub fn pending(&self) -> &BTreeMap<u32, Entry> {
		&self.state.pending
	}

	/// The messages given up, by origin leaf.
	pub fn given_up(&self) -> &BTreeMap<u32, Entry> {
		&self.state.given_up
	}

	/// Messages delivered by this relayer, over its whole life.
	pub fn delivered(&self) -> u64 {
		self.state.delivered
	}

	/// Take in the origin's leaves up to `next` (exclusive), owing `owed`: `(leaf, id)` of those
	/// that go to this destination. Leaves taken in before (and any at or past `next`) are not
	/// owed again.
	pub fn take_in(&mut self, owed: impl IntoIterator<Item = (u32, [u8; 32])>, next: u32) -> Result<(), AgentError> {
		let owed = owed
			.into_iter()
			.filter(|(leaf, _)| (self.state.next..next).contains(leaf))
			.map(|(leaf, id)| (leaf, crate::hex0x(&id)))
			.collect();
		self.record(Change::TakeIn { owed, next }).map(|_| ())
	}

	/// Message `leaf` is delivered (`by_us`: by this relayer): nothing more is owed.
	pub fn done(&mut self, leaf: u32, by_us: bool) -> Result<(), AgentError> {
		self.record(Change::Done { leaf, by_us }).map(|_| ())
	}

	/// An attempt at `leaf` failed with `error`, and will be retried; returns its failed
	/// attempts so far.
	pub fn failed(&mut self, leaf: u32, error: &AgentError) -> Result<u32, AgentError> {
		let rejected = matches!(error, AgentError::Rejected(_));
		self.record(Change::Failed { leaf, error: error.to_string(), rejected })
	}

	/// Message `leaf` can never be delivered by this relayer.
	pub fn give_up(&mut self, leaf: u32, error: &AgentError) -> Result<(), AgentError> {
		self.record(Change::GiveUp { leaf, error: error.to_string() }).map(|_| ())
	}

	/// Apply `change` and append it to the journal (synced) before anyone acts on it.
	fn record(&mut self, change: Change) -> Result<u32, AgentError> {
		let attempts = self.state.apply(&change);
		self.state.seq = self.state.seq.saturating_add(1);
		let Some(path) = &self.file else { return Ok(attempts) };
		let journal = journal_path(path);
		let (file, lines) = match &mut self.journal {
			Some(open) => open,
			None => {
				let file = std::fs::OpenOptions::new().create(true).append(true).open(&journal).map_err(|e| io(&journal, e))?;
				self.journal.insert((file, 0))
			},
		};
		let mut line =
			serde_json::to_vec(&Line { seq: self.state.seq, change }).map_err(|e| AgentError::Config(e.to_string()))?;
		line.push(b'\n');
		file.write_all(&line).and_then(|()| file.sync_data()).map_err(|e| io(&journal, e))?;
		*lines += 1;
		if *lines >= FOLD_AFTER {
			self.fold()?;
		}
		Ok(attempts)
	}

	/// Write the state as the new snapshot, then empty the journal (after a crash between the
	/// two, the journal's lines are at or below the snapshot's sequence number and skipped).
	fn fold(&mut self) -> Result<(), AgentError> {
		let Some(path) = &self.file else { return Ok(()) };
		let json = serde_json::to_vec_pretty(&self.state).map_err(|e| AgentError::Config(e.to_string()))?;
		let tmp = path.with_extension("tmp");
		let mut file = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
		file.write_all(&json).and_then(|()| file.sync_all()).map_err(|e| io(&tmp, e))?;
		std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
		let journal = journal_path(path);
		let file = std::fs::File::create(&journal).and_then(|f| f.sync_all().map(|()| f)).map_err(|e| io(&journal, e))?;
		drop(file);
		self.journal = None;
		Ok(())
	}
}

/// The journal beside a snapshot.
fn journal_path(snapshot: &Path) -> PathBuf {
	let mut name = snapshot.as_os_str().to_owned();
	name.push(".journal");
	PathBuf::from(name)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn route() -> Route {
		Route { origin: 1, origin_genesis: "0xaa".into(), destination: 2, destination_genesis: "0xbb".into() }
	}

	#[test]
	fn a_reopened_database_resumes_where_it_was() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("relayer.json");
		let mut db = Db::open(Some(path.clone()), route()).unwrap();
		db.take_in([(0, [1; 32]), (2, [3; 32]), (3, [4; 32])], 4).unwrap();
		db.done(0, true).unwrap();
		assert_eq!(db.failed(2, &AgentError::Node("down".into())).unwrap(), 1);
		db.give_up(3, &AgentError::Unsupported("body".into())).unwrap();

		let mut again = Db::open(Some(path.clone()), route()).unwrap();
		assert_eq!(again.next(), 4);
		assert_eq!(again.delivered(), 1);
		assert_eq!(again.pending().keys().copied().collect::<Vec<_>>(), [2]);
		assert_eq!(again.pending()[&2].attempts, 1);
		assert_eq!(again.pending()[&2].last_error.as_deref(), Some("node: down"));
		assert_eq!(again.given_up().keys().copied().collect::<Vec<_>>(), [3]);
		// Leaves taken in before are not owed again; the position only moves forward.
		again.take_in([(2, [3; 32]), (3, [4; 32]), (5, [6; 32])], 3).unwrap();
		assert_eq!(again.pending()[&2].attempts, 1, "a pending message keeps its attempts");
		assert_eq!(again.pending().keys().copied().collect::<Vec<_>>(), [2], "leaf 5 is not below next");
		assert_eq!(again.next(), 4);
		again.take_in([(5, [6; 32])], 6).unwrap();
		assert_eq!(again.pending().keys().copied().collect::<Vec<_>>(), [2, 5]);
		assert!(!dir.path().join("relayer.tmp").exists());
	}

	/// A change appends one line to the journal, whatever the database holds; a crash mid-append
	/// loses that change only; and a crash after folding, before the journal is emptied, does
	/// not apply its changes twice.
	#[test]
	fn each_change_writes_one_line_and_survives_crashes() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("relayer.json");
		let journal = dir.path().join("relayer.json.journal");
		let mut db = Db::open(Some(path.clone()), route()).unwrap();
		db.take_in((0..1000).map(|leaf| (leaf, [7; 32])), 1000).unwrap();
		let snapshot = std::fs::read(&path).unwrap();
		let size = std::fs::metadata(&journal).unwrap().len();
		db.failed(3, &AgentError::Node("down".into())).unwrap();
		db.give_up(4, &AgentError::Unsupported("junk".into())).unwrap();
		let per_change = (std::fs::metadata(&journal).unwrap().len() - size) / 2;
		assert!(per_change < 200, "a change wrote {per_change} bytes");
		assert_eq!(std::fs::read(&path).unwrap(), snapshot, "the snapshot is not rewritten per change");

		// Torn last line: the give-up is lost, everything before it kept.
		let bytes = std::fs::read(&journal).unwrap();
		let cut = bytes.len() - 10;
		std::fs::write(&journal, &bytes[..cut]).unwrap();
		drop(db);
		let mut again = Db::open(Some(path.clone()), route()).unwrap();
		assert_eq!(again.pending().len(), 1000);
		assert_eq!(again.pending()[&3].attempts, 1);
		assert!(again.given_up().is_empty());
		assert_eq!(std::fs::metadata(&journal).unwrap().len(), 0, "folded at open");

		// Crash after a fold wrote the snapshot but before it emptied the journal.
		again.failed(3, &AgentError::Node("down".into())).unwrap();
		again.done(5, true).unwrap();
		let lines = std::fs::read(&journal).unwrap();
		drop(again);
		let folded = Db::open(Some(path.clone()), route()).unwrap();
		drop(folded);
		std::fs::write(&journal, &lines).unwrap();
		let replayed = Db::open(Some(path), route()).unwrap();
		assert_eq!(replayed.pending()[&3].attempts, 2, "not counted twice");
		assert_eq!(replayed.delivered(), 1, "not counted twice");
	}

	#[test]
	fn another_routes_database_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("relayer.json");
		Db::open(Some(path.clone()), route()).unwrap().take_in([], 1).unwrap();
		let regenesis = Route { origin_genesis: "0xcc".into(), ..route() };
		assert!(matches!(Db::open(Some(path.clone()), regenesis), Err(AgentError::Config(_))));
		std::fs::write(&path, "{").unwrap();
		assert!(matches!(Db::open(Some(path), route()), Err(AgentError::Config(_))));
	}

	#[test]
	fn given_up_messages_are_bounded() {
		let mut db = Db::open(None, route()).unwrap();
		let count = u32::try_from(MAX_GIVEN_UP).unwrap() + 5;
		db.take_in((0..count).map(|leaf| (leaf, [0; 32])), count).unwrap();
		for leaf in 0..count {
			db.give_up(leaf, &AgentError::Unsupported("x".into())).unwrap();
		}
		assert_eq!(db.given_up().len(), MAX_GIVEN_UP);
		assert_eq!(db.given_up().keys().next(), Some(&5), "the oldest are forgotten");
		assert!(db.pending().is_empty());
	}
}
