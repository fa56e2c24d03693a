//! Payments seen within a block: what the best chain holds for the wallet before finality.
//!
//! The wallet's state is built from finalized blocks only: they never revert, so nothing in it
//! is ever taken back. A payment is visible earlier, once a block holding it is the node's best
//! block (on a relay-chain network finality follows two or three blocks later). The state is
//! scanned on to the best block in a copy ([`crate::sync::pending`]) and compared with the final
//! state ([`Pending::between`]): notes that arrived and own notes that were spent there are
//! *pending*. Pending arrivals are recomputed from the final state every time, never stored, so
//! an abandoned block (a reorganisation before finality) simply stops showing them.
//!
//! [`Tracker`] follows arrivals across updates for `zksettle watch`: each one is reported when
//! it is first seen pending, again when it is final, or as dropped if the chain abandoned it.

use std::collections::{BTreeMap, BTreeSet};

use crate::store::{OwnedNote, State};

/// Which way a note moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
	/// A note of this wallet was created (a payment in, change, a shield).
	Received,
	/// A note of this wallet was spent.
	Spent,
}

/// A note that moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrival {
	/// Received or spent.
	pub direction: Direction,
	/// The block that holds it (on the best chain, for a pending one).
	pub block: u64,
	/// Asset (note field value: 0 native, `id + 1` for assets).
	pub asset: u64,
	/// Value.
	pub value: u64,
	/// The note's commitment, hex: which note (the wallet's own record, never sent anywhere).
	pub commitment: String,
}

impl Arrival {
	fn key(&self) -> (Direction, String) {
		(self.direction, self.commitment.clone())
	}

	fn received(note: &OwnedNote) -> Self {
		Arrival {
			direction: Direction::Received,
			block: note.block,
			asset: note.asset,
			value: note.value,
			commitment: note.commitment.clone(),
		}
	}

	fn spent(note: &OwnedNote, block: u64) -> Self {
		Arrival { direction: Direction::Spent, block, ..Self::received(note) }
	}
}

/// What the best chain holds beyond the wallet's final state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pending {
	/// The last block of the final state (scanned).
	pub scanned: u64,
	/// The node's best block, up to which pending arrivals were looked for.
	pub best: u64,
	/// Notes received and spent in blocks `scanned + 1..=best`.
	pub arrivals: Vec<Arrival>,
}

impl Pending {
	/// The arrivals in `ahead` (the final state scanned on to block `best`) that `final_state`
	/// (scanned to block `scanned`) does not have.
	pub fn between(final_state: &State, ahead: &State, scanned: u64, best: u64) -> Self {
		let known: BTreeMap<&str, &OwnedNote> = final_state.notes.iter().map(|n| (n.commitment.as_str(), n)).collect();
		let mut arrivals = Vec::new();
		for note in &ahead.notes {
			match known.get(note.commitment.as_str()) {
				None => arrivals.push(Arrival::received(note)),
				Some(before) if before.spent.is_some() => continue,
				Some(_) => {},
			}
			if let Some(block) = note.spent {
				arrivals.push(Arrival::spent(note, block));
			}
		}
		arrivals.sort_by(|a, b| (a.block, a.direction).cmp(&(b.block, b.direction)));
		Pending { scanned, best, arrivals }
	}

	/// The pending change per asset: received minus spent.
	pub fn net(&self) -> BTreeMap<u64, i128> {
		let mut net = BTreeMap::new();
		for a in &self.arrivals {
			let value = i128::from(a.value);
			*net.entry(a.asset).or_insert(0) += if a.direction == Direction::Received { value } else { -value };
		}
		net
	}
}

/// What happened to an arrival since the last update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
	/// In a best block, not final yet.
	Pending(Arrival),
	/// Final: in the wallet's state for good.
	Final(Arrival),
	/// It was pending and the chain abandoned its block; not final.
	Dropped(Arrival),
}

/// Arrivals followed from pending to final (`zksettle watch`).
#[derive(Clone, Debug, Default)]
pub struct Tracker {
	/// Final arrivals already reported (or there when watching began).
	final_seen: BTreeSet<(Direction, String)>,
	/// Pending arrivals reported, by key.
	pending: BTreeMap<(Direction, String), Arrival>,
}

fn final_arrivals(state: &State) -> impl Iterator<Item = Arrival> + '_ {
	state.notes.iter().flat_map(|note| {
		let spent = note.spent.map(|block| Arrival::spent(note, block));
		std::iter::once(Arrival::received(note)).chain(spent)
	})
}

impl Tracker {
	/// Start watching a wallet whose final state is `state`: what it already holds is not news.
	pub fn new(state: &State) -> Self {
		Tracker { final_seen: final_arrivals(state).map(|a| a.key()).collect(), pending: BTreeMap::new() }
	}

	/// The events between the last update and now: the final state and the pending arrivals.
	/// Final first (an arrival becomes final once), then the abandoned, then the new pending.
	pub fn update(&mut self, state: &State, pending: &Pending) -> Vec<Event> {
		let mut events = Vec::new();
		for arrival in final_arrivals(state) {
			if self.final_seen.insert(arrival.key()) {
				self.pending.remove(&arrival.key());
				events.push(Event::Final(arrival));
			}
		}
		let now: BTreeSet<(Direction, String)> = pending.arrivals.iter().map(Arrival::key).collect();
		let dropped: Vec<(Direction, String)> = self.pending.keys().filter(|k| !now.contains(*k)).cloned().collect();
		for key in dropped {
			if let Some(arrival) = self.pending.remove(&key) {
				events.push(Event::Dropped(arrival));
			}
		}
		for arrival in &pending.arrivals {
			if !self.final_seen.contains(&arrival.key()) && !self.pending.contains_key(&arrival.key()) {
				self.pending.insert(arrival.key(), arrival.clone());
				events.push(Event::Pending(arrival.clone()));
			}
		}
		events
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn note(commitment: &str, value: u64, block: u64, spent: Option<u64>) -> OwnedNote {
		OwnedNote {
			index: 0,
			value,
			asset: 0,
			blinding: String::new(),
			commitment: commitment.into(),
			nullifier: String::new(),
			block,
			spent,
			path: Vec::new(),
		}
	}

	fn state(notes: Vec<OwnedNote>) -> State {
		State { notes, ..State::default() }
	}

	#[test]
	fn pending_is_what_the_best_chain_adds_to_the_final_state() {
		let final_state = state(vec![note("a", 5, 10, None), note("b", 7, 11, Some(12))]);
		// On the best chain: `a` spent in 14, a new note `c` in 14 (change), `d` in 15.
		let ahead = state(vec![
			note("a", 5, 10, Some(14)),
			note("b", 7, 11, Some(12)),
			note("c", 2, 14, None),
			note("d", 9, 15, None),
		]);
		let pending = Pending::between(&final_state, &ahead, 13, 15);
		let seen: Vec<(Direction, &str, u64)> =
			pending.arrivals.iter().map(|a| (a.direction, a.commitment.as_str(), a.block)).collect();
		assert_eq!(
			seen,
			vec![(Direction::Received, "c", 14), (Direction::Spent, "a", 14), (Direction::Received, "d", 15)]
		);
		assert_eq!(pending.net(), BTreeMap::from([(0, 2 - 5 + 9)]));
		assert!(Pending::between(&final_state, &final_state, 13, 13).arrivals.is_empty());
	}

	#[test]
	fn an_arrival_is_reported_pending_then_final_once() {
		let before = state(vec![note("a", 5, 10, None)]);
		let mut tracker = Tracker::new(&before);
		let ahead = state(vec![note("a", 5, 10, None), note("c", 3, 14, None)]);
		let pending = Pending::between(&before, &ahead, 13, 14);
		let events = tracker.update(&before, &pending);
		assert_eq!(events, vec![Event::Pending(Arrival::received(&note("c", 3, 14, None)))]);
		// The next block: still pending, nothing new.
		assert!(tracker.update(&before, &pending).is_empty());
		// Finality reaches block 14.
		let events = tracker.update(&ahead, &Pending::between(&ahead, &ahead, 14, 15));
		assert_eq!(events, vec![Event::Final(Arrival::received(&note("c", 3, 14, None)))]);
		assert!(tracker.update(&ahead, &Pending::between(&ahead, &ahead, 14, 16)).is_empty());
	}

	#[test]
	fn an_abandoned_block_drops_its_pending_arrival() {
		let before = state(vec![]);
		let mut tracker = Tracker::new(&before);
		let fork = state(vec![note("x", 4, 20, None)]);
		assert_eq!(tracker.update(&before, &Pending::between(&before, &fork, 19, 20)).len(), 1);
		// The best chain moved to another branch without `x`.
		let events = tracker.update(&before, &Pending::between(&before, &before, 19, 21));
		assert_eq!(events, vec![Event::Dropped(Arrival::received(&note("x", 4, 20, None)))]);
		// It comes back in a later block: pending again, then final.
		let back = state(vec![note("x", 4, 22, None)]);
		assert_eq!(tracker.update(&before, &Pending::between(&before, &back, 21, 22)).len(), 1);
		let events = tracker.update(&back, &Pending::between(&back, &back, 22, 22));
		assert_eq!(events, vec![Event::Final(Arrival::received(&note("x", 4, 22, None)))]);
	}

	#[test]
	fn what_the_wallet_held_when_watching_began_is_not_news() {
		let held = state(vec![note("a", 5, 10, Some(11)), note("b", 1, 11, None)]);
		let mut tracker = Tracker::new(&held);
		assert!(tracker.update(&held, &Pending::between(&held, &held, 11, 11)).is_empty());
		// A final arrival never seen pending (finality caught up between two looks) is reported.
		let later = state(vec![note("a", 5, 10, Some(11)), note("b", 1, 11, Some(13))]);
		let events = tracker.update(&later, &Pending::between(&later, &later, 13, 13));
		assert_eq!(events, vec![Event::Final(Arrival::spent(&note("b", 1, 11, None), 13))]);
	}
}
