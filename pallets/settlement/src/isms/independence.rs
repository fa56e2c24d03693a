//! Independent modules: the signers an aggregation counts must be distinct people.
//!
//! An aggregation that needs `t ≥ 2` of its modules is priced and chosen as the sum of what
//! those modules need (a 2-of-3 and a 2-of-3: four signatures, four validators' fees). That
//! holds only if no validator sits in two of the modules: a validator in both signs both
//! checkpoints, and two keys then satisfy a level quoted as four. A governance "rotation" that
//! keeps every module's type and threshold could otherwise move one module onto the other's
//! validators (or swap every member of one for the other's) and halve the distinct signers an
//! open order paid for.
//!
//! So the registry keeps one more invariant, checked on every `set_ism` against the whole
//! registry as it would be after the change, and by `try_state`: **in every aggregation of
//! threshold two or more, the validators reachable from one module (through nested
//! aggregations and every route of a routing module, at any depth) are disjoint from those reachable from any
//! other module.** An aggregation of threshold one needs a single module, so overlap costs it
//! nothing: Hyperlane's usual pairing of a message-id and a merkle-root multisig over one
//! validator set (either may attest) stays allowed.
//!
//! With that invariant, the distinct signers a level needs ([`Registry::distinct_signers`]) are
//! a monotone function of its multisigs' thresholds; open orders already freeze the structure of
//! their level and allow multisig rotations only at the same or a higher threshold
//! ([`crate::Pallet::check_replacement`]), so the distinct signers a relied-on level needs never
//! decrease.
//!
//! A native module counts as one attester too, its parachain: two native modules naming one
//! parachain are one attestation, not two.
//!
//! The check reads the registry in full, which [`crate::Config::MaxIsms`] bounds: `set_ism` is
//! charged for that many reads and refunded to the reads made.

use alloc::collections::{BTreeMap, BTreeSet};
use frame_support::{ensure, traits::Get};
use polkadot_sdk::frame_support;

use super::{multisig::EthAddress, Ism, IsmId, MAX_ISM_DEPTH};
use crate::{Config, Error, IsmOf, Isms};

/// Who attests for a module: a multisig's validator, or the parachain of a native module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attester {
	/// A validator's key.
	Validator(EthAddress),
	/// A sibling parachain, over XCM.
	Parachain(u32),
}

/// The ISM registry read into memory.
pub struct Registry<T: Config> {
	isms: BTreeMap<IsmId, IsmOf<T>>,
}

impl<T: Config> Registry<T> {
	/// Read the stored registry; refuses one larger than `MaxIsms` (the reads are bounded by
	/// it, one more to tell). Returns the registry and the reads made.
	pub fn load() -> Result<(Self, u32), Error<T>> {
		let max = T::MaxIsms::get();
		let isms: BTreeMap<_, _> = Isms::<T>::iter().take(max.saturating_add(1) as usize).collect();
		let reads = u32::try_from(isms.len()).unwrap_or(u32::MAX);
		ensure!(reads <= max, Error::<T>::TooManyIsms);
		Ok((Registry { isms }, reads))
	}

	/// The registry with `id` set to `ism`; refused if that makes it larger than `MaxIsms`.
	pub fn with(mut self, id: IsmId, ism: IsmOf<T>) -> Result<Self, Error<T>> {
		self.isms.insert(id, ism);
		ensure!(self.isms.len() <= T::MaxIsms::get() as usize, Error::<T>::TooManyIsms);
		Ok(self)
	}

	/// The validators of every multisig and the parachains of every native module reachable
	/// from `id` (each ISM walked once, at any depth: a superset of what a verification, stopped
	/// at the nesting limit, can use, so the check built on it errs on the strict side).
	/// Unknown ISMs add none.
	pub fn attesters(&self, id: IsmId) -> BTreeSet<Attester> {
		let mut out = BTreeSet::new();
		let mut seen = BTreeSet::new();
		let mut pending = alloc::vec![id];
		while let Some(id) = pending.pop() {
			if !seen.insert(id) {
				continue;
			}
			match self.isms.get(&id) {
				Some(Ism::MessageIdMultisig(set) | Ism::MerkleRootMultisig(set)) =>
					out.extend(set.validators.iter().copied().map(Attester::Validator)),
				Some(Ism::Native { para }) => {
					out.insert(Attester::Parachain(*para));
				},
				Some(ism) => pending.extend(ism.references()),
				None => {},
			}
		}
		out
	}

	/// `changed` and every ISM that refers to it, directly or through others.
	fn ancestors(&self, changed: IsmId) -> BTreeSet<IsmId> {
		let mut parents = BTreeMap::<IsmId, alloc::vec::Vec<IsmId>>::new();
		for (id, ism) in &self.isms {
			for reference in ism.references() {
				parents.entry(reference).or_default().push(*id);
			}
		}
		let mut out = BTreeSet::from([changed]);
		let mut pending = alloc::vec![changed];
		while let Some(id) = pending.pop() {
			for parent in parents.get(&id).into_iter().flatten() {
				if out.insert(*parent) {
					pending.push(*parent);
				}
			}
		}
		out
	}

	/// Refuse two modules sharing a validator (or a native parachain) in aggregation `id`
	/// (threshold two or more).
	pub fn ensure_independent(&self, id: IsmId) -> Result<(), Error<T>> {
		let Some(Ism::Aggregation { modules, threshold }) = self.isms.get(&id) else { return Ok(()) };
		if *threshold < 2 {
			return Ok(());
		}
		let mut seen = BTreeSet::new();
		for module in modules.iter() {
			for attester in self.attesters(*module) {
				ensure!(seen.insert(attester), Error::<T>::SharedValidators);
			}
		}
		Ok(())
	}

	/// Refuse the registry if any aggregation that is `changed` or reaches it has modules that
	/// share a validator. Aggregations the change cannot affect are not judged, so that an
	/// older registry's overlap (from before the rule) never blocks an unrelated change.
	pub fn ensure_independent_above(&self, changed: IsmId) -> Result<(), Error<T>> {
		self.ancestors(changed).into_iter().try_for_each(|id| self.ensure_independent(id))
	}

	/// Every aggregation's modules are independent (for `try_state`).
	#[cfg(any(test, feature = "std", feature = "try-runtime"))]
	pub fn ensure_all_independent(&self) -> Result<(), Error<T>> {
		self.isms.keys().try_for_each(|id| self.ensure_independent(*id))
	}

	/// The fewest distinct validators whose signatures satisfy `id` for messages from `origin`
	/// (`None`: the weakest route of every routing ISM). Exact under the independence invariant:
	/// a multisig needs its threshold, an aggregation the `t` cheapest of its modules (one, for
	/// `t = 1`), a routing ISM its route. `u32::MAX` for what cannot verify at all.
	pub fn distinct_signers(&self, id: IsmId, origin: Option<super::Domain>, depth: u8) -> u32 {
		if depth > MAX_ISM_DEPTH {
			return u32::MAX;
		}
		let next = depth.saturating_add(1);
		match self.isms.get(&id) {
			Some(Ism::MessageIdMultisig(set) | Ism::MerkleRootMultisig(set)) => u32::from(set.threshold),
			// No validator signs: the relay chain's validators attest, counted as none here.
			Some(Ism::Native { .. }) => 0,
			Some(Ism::Aggregation { modules, threshold }) => {
				let mut needs: alloc::vec::Vec<u32> =
					modules.iter().map(|m| self.distinct_signers(*m, origin, next)).collect();
				needs.sort_unstable();
				needs.into_iter().take(usize::from(*threshold)).fold(0, u32::saturating_add)
			},
			Some(ism @ Ism::Routing { routes }) => match origin {
				Some(origin) => ism.route(origin).map_or(u32::MAX, |route| self.distinct_signers(route, Some(origin), next)),
				None => routes.iter().map(|(domain, route)| self.distinct_signers(*route, Some(*domain), next)).min().unwrap_or(u32::MAX),
			},
			None => u32::MAX,
		}
	}
}
