//! The relayer's database: its position on the origin and the messages it still owes the
//! destination, on disk, so that a relayer killed at any instant resumes where it was (Hyperlane's
//! relayer keeps the same in its message database: the next nonce to process and each pending
//! message's retry count).
//!
//! One JSON file per route, replaced atomically (written to a temporary file, synced, renamed)
//! after every change, so a crash leaves the previous or the next state, never half of one. A
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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct State {
	route: Route,
	next: u32,
	pending: BTreeMap<u32, Entry>,
	given_up: BTreeMap<u32, Entry>,
	delivered: u64,
}

/// The relayer's durable state.
#[derive(Debug)]
pub struct Db {
	file: Option<PathBuf>,
	state: State,
}

fn io(path: &Path, e: std::io::Error) -> AgentError {
	AgentError::Io(path.display().to_string(), e)
}

impl Db {
	/// The database in `file` for `route` (empty if the file does not exist yet), or one in
	/// memory only. A file of another route is refused.
	pub fn open(file: Option<PathBuf>, route: Route) -> Result<Self, AgentError> {
		let empty = State { route: route.clone(), next: 0, pending: BTreeMap::new(), given_up: BTreeMap::new(), delivered: 0 };
		let Some(path) = file else { return Ok(Db { file: None, state: empty }) };
		let state = match std::fs::read(&path) {
			Ok(bytes) => {
				let state: State = serde_json::from_slice(&bytes)
					.map_err(|e| AgentError::Config(format!("{}: not a relayer database: {e}", path.display())))?;
				if state.route != route {
					return Err(AgentError::Config(format!(
						"{}: the database of route {:?}, not of this one ({route:?})",
						path.display(),
						state.route
					)));
				}
				state
			},
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => empty,
			Err(e) => return Err(io(&path, e)),
		};
		Ok(Db { file: Some(path), state })
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
		for (leaf, id) in owed {
			if (self.state.next..next).contains(&leaf) {
				self.state.pending.insert(leaf, Entry { id: crate::hex0x(&id), attempts: 0, last_error: None });
			}
		}
		self.state.next = self.state.next.max(next);
		self.save()
	}

	/// Message `leaf` is delivered (`by_us`: by this relayer): nothing more is owed.
	pub fn done(&mut self, leaf: u32, by_us: bool) -> Result<(), AgentError> {
		self.state.pending.remove(&leaf);
		if by_us {
			self.state.delivered = self.state.delivered.saturating_add(1);
		}
		self.save()
	}

	/// An attempt at `leaf` failed with `error`, and will be retried.
	pub fn failed(&mut self, leaf: u32, error: &AgentError) -> Result<u32, AgentError> {
		let Some(entry) = self.state.pending.get_mut(&leaf) else { return Ok(0) };
		entry.attempts = entry.attempts.saturating_add(1);
		entry.last_error = Some(error.to_string());
		let attempts = entry.attempts;
		self.save()?;
		Ok(attempts)
	}

	/// Message `leaf` can never be delivered by this relayer.
	pub fn give_up(&mut self, leaf: u32, error: &AgentError) -> Result<(), AgentError> {
		if let Some(mut entry) = self.state.pending.remove(&leaf) {
			entry.last_error = Some(error.to_string());
			self.state.given_up.insert(leaf, entry);
			while self.state.given_up.len() > MAX_GIVEN_UP {
				self.state.given_up.pop_first();
			}
		}
		self.save()
	}

	fn save(&self) -> Result<(), AgentError> {
		let Some(path) = &self.file else { return Ok(()) };
		let json = serde_json::to_vec_pretty(&self.state).map_err(|e| AgentError::Config(e.to_string()))?;
		let tmp = path.with_extension("tmp");
		let mut file = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
		file.write_all(&json).and_then(|()| file.sync_all()).map_err(|e| io(&tmp, e))?;
		std::fs::rename(&tmp, path).map_err(|e| io(path, e))
	}
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
