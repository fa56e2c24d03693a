//! Rules of the ISM registry that need the registry itself: what a configuration must satisfy
//! before governance can store it, and what open orders protect.
//!
//! * **Satisfiable.** An ISM is stored only if some metadata can satisfy it within the chain's
//!   limits (`MaxSignatureChecks` recoveries, `MaxMetadataLen` bytes). Otherwise every order
//!   under it would pay its fee and end in a refund after a solver filled.
//! * **Kept for open orders.** An order relies on its ISM and on every ISM that one refers to
//!   (its closure). [`crate::IsmOrderRefs`] counts, for each ISM, the open orders whose closure
//!   holds it: updated over the closure when an order opens and when it closes, so that "is this
//!   ISM relied on?" is one read. While any open order relies on an ISM it cannot be removed, and
//!   a replacement must keep the security the order paid for: a multisig may rotate its
//!   validators at the same or a higher threshold; any other change is refused. A rotation
//!   must also keep every aggregation's modules independent ([`super::independence`]), so the
//!   distinct signers a level needs never decrease. So a closure
//!   cannot change while an order relies on it, and closing an order walks the same ISMs its
//!   opening walked.
//! * **Bounded walks.** Every walk of the registry — verification, a quote, the requirement, a
//!   closure — reads through an [`IsmReads`] meter that stops it at `MaxIsmReads` with
//!   [`Error::TooManyIsmReads`]; the calls charge for the worst case and refund to the reads
//!   made.

use alloc::{collections::BTreeSet, vec::Vec};
use frame_support::{ensure, traits::Get};
use polkadot_sdk::frame_support;

use super::{
	metadata::{MERKLE_ROOT_HEADER, MESSAGE_ID_HEADER},
	Domain, Ism, IsmId, MAX_ISM_DEPTH,
};
use crate::{Config, Error, IsmOf, IsmOrderRefs, Isms, Pallet};

/// Counts the ISM registry reads of one walk and stops the walk past its limit.
pub struct IsmReads<T> {
	/// Reads made so far (the one that failed the limit included).
	pub count: u32,
	limit: u32,
	_config: core::marker::PhantomData<T>,
}

impl<T: Config> Default for IsmReads<T> {
	/// A walk limited to `Config::MaxIsmReads`.
	fn default() -> Self {
		IsmReads { count: 0, limit: T::MaxIsmReads::get(), _config: core::marker::PhantomData }
	}
}

impl<T: Config> IsmReads<T> {
	/// A walk that must not fail: closing an order walks the closure its opening walked within
	/// the limit (it cannot have changed since), and an order must always be able to close.
	pub fn unlimited() -> Self {
		IsmReads { count: 0, limit: u32::MAX, _config: core::marker::PhantomData }
	}

	/// Read ISM `id`, counting the read.
	pub fn get(&mut self, id: IsmId) -> Result<IsmOf<T>, Error<T>> {
		self.count = self.count.saturating_add(1);
		ensure!(self.count <= self.limit, Error::<T>::TooManyIsmReads);
		Isms::<T>::get(id).ok_or(Error::<T>::UnknownIsm)
	}
}

/// The least any metadata must bring to satisfy an ISM.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Requirement {
	/// Signature recoveries.
	pub checks: u32,
	/// Metadata bytes.
	pub metadata_len: u32,
	/// ISM reads of the verification (the ISM's own read included).
	pub reads: u32,
}

impl Requirement {
	fn signatures(header: usize, threshold: u8) -> Self {
		let threshold = u32::from(threshold);
		let header = u32::try_from(header).unwrap_or(u32::MAX);
		Requirement { checks: threshold, metadata_len: header.saturating_add(threshold.saturating_mul(65)), reads: 1 }
	}

	fn max(self, other: Self) -> Self {
		Requirement {
			checks: self.checks.max(other.checks),
			metadata_len: self.metadata_len.max(other.metadata_len),
			reads: self.reads.max(other.reads),
		}
	}
}

/// Sum of the `n` smallest of `values`.
fn smallest_sum(mut values: Vec<u32>, n: usize) -> u32 {
	values.sort_unstable();
	values.into_iter().take(n).fold(0u32, u32::saturating_add)
}

impl<T: Config> Pallet<T> {
	/// The least any metadata needs to satisfy `ism` for messages from `origin`, or from every
	/// origin its routes name (`None`: each route must be satisfiable). For an aggregation the
	/// cheapest `threshold` modules are counted by each measure separately: a lower bound of every
	/// choice of modules, so an ISM refused by it is truly unsatisfiable. The walk reads every
	/// module through `reads`.
	pub fn requirement(
		ism: &IsmOf<T>,
		origin: Option<Domain>,
		depth: u8,
		reads: &mut IsmReads<T>,
	) -> Result<Requirement, Error<T>> {
		ensure!(depth <= MAX_ISM_DEPTH, Error::<T>::IsmTooDeep);
		let next = depth.saturating_add(1);
		Ok(match ism {
			Ism::MessageIdMultisig(set) => Requirement::signatures(MESSAGE_ID_HEADER, set.threshold),
			Ism::MerkleRootMultisig(set) => Requirement::signatures(MERKLE_ROOT_HEADER, set.threshold),
			Ism::Native { .. } => Requirement { checks: 0, metadata_len: 0, reads: 1 },
			Ism::Aggregation { modules, threshold } => {
				let mut needs = Vec::with_capacity(modules.len());
				for module in modules.iter() {
					needs.push(Self::requirement(&reads.get(*module)?, origin, next, reads)?);
				}
				let threshold = usize::from(*threshold);
				let table = u32::try_from(modules.len().saturating_mul(8)).unwrap_or(u32::MAX);
				let cheapest = |measure: fn(&Requirement) -> u32| smallest_sum(needs.iter().map(measure).collect(), threshold);
				Requirement {
					checks: cheapest(|r| r.checks),
					metadata_len: table.saturating_add(cheapest(|r| r.metadata_len)),
					reads: cheapest(|r| r.reads).saturating_add(1),
				}
			},
			Ism::Routing { routes } => {
				let need = match origin {
					Some(origin) => {
						let route = reads.get(ism.route(origin).ok_or(Error::<T>::NoRoute)?)?;
						Self::requirement(&route, Some(origin), next, reads)?
					},
					None => {
						let mut need = Requirement::default();
						for (domain, target) in routes.iter() {
							need = need.max(Self::requirement(&reads.get(*target)?, Some(*domain), next, reads)?);
						}
						need
					},
				};
				Requirement { reads: need.reads.saturating_add(1), ..need }
			},
		})
	}

	/// Refuse an ISM that no metadata can satisfy within the chain's limits. Returns the ISM
	/// reads the check made.
	pub fn ensure_satisfiable(ism: &IsmOf<T>, origin: Option<Domain>) -> Result<u32, Error<T>> {
		let mut reads = IsmReads::default();
		let need = Self::requirement(ism, origin, 0, &mut reads)?;
		ensure!(
			need.checks <= T::MaxSignatureChecks::get() &&
				need.metadata_len <= T::MaxMetadataLen::get() &&
				need.reads <= T::MaxIsmReads::get(),
			Error::<T>::UnsatisfiableIsm
		);
		Ok(reads.count)
	}

	/// `id` and every ISM it refers to, each once.
	pub(crate) fn closure(id: IsmId, reads: &mut IsmReads<T>) -> Result<BTreeSet<IsmId>, Error<T>> {
		let mut out = BTreeSet::new();
		let mut pending = alloc::vec![(id, 0u8)];
		while let Some((id, depth)) = pending.pop() {
			ensure!(depth <= MAX_ISM_DEPTH, Error::<T>::IsmTooDeep);
			if out.insert(id) {
				pending.extend(reads.get(id)?.references().map(|r| (r, depth.saturating_add(1))));
			}
		}
		Ok(out)
	}

	/// What [`IsmOrderRefs`] must hold: for each ISM, the open orders whose closure holds it.
	#[cfg(any(test, feature = "std", feature = "try-runtime"))]
	pub fn expected_order_refs() -> Result<alloc::collections::BTreeMap<IsmId, u32>, Error<T>> {
		let mut refs = alloc::collections::BTreeMap::<IsmId, u32>::new();
		for record in crate::Orders::<T>::iter_values() {
			for id in Self::closure(record.data.ism, &mut IsmReads::unlimited())? {
				let count = refs.entry(id).or_default();
				*count = count.saturating_add(1);
			}
		}
		Ok(refs)
	}

	/// Whether an open order relies on `id`: it is the order's ISM or one that ISM refers to.
	pub fn relied_on(id: IsmId) -> bool {
		IsmOrderRefs::<T>::contains_key(id)
	}

	/// Refuse a replacement of `id` by `new` that would weaken what open orders rely on.
	pub(crate) fn check_replacement(id: IsmId, new: &IsmOf<T>) -> Result<(), Error<T>> {
		let Some(old) = Isms::<T>::get(id) else { return Ok(()) };
		if &old == new || !Self::relied_on(id) {
			return Ok(());
		}
		let keeps_security = match (&old, new) {
			(Ism::MessageIdMultisig(old), Ism::MessageIdMultisig(new)) |
			(Ism::MerkleRootMultisig(old), Ism::MerkleRootMultisig(new)) => new.threshold >= old.threshold,
			_ => false,
		};
		ensure!(keeps_security, Error::<T>::IsmInUse);
		Ok(())
	}

	/// An order opened (`opened`) or closed under `ism`: count it for every ISM of the closure.
	/// Returns the ISMs counted (each one counter update).
	pub(crate) fn count_order_refs(ism: IsmId, opened: bool, reads: &mut IsmReads<T>) -> Result<u32, Error<T>> {
		let closure = Self::closure(ism, reads)?;
		for id in &closure {
			Self::bump_order_ref(*id, opened);
		}
		Ok(u32::try_from(closure.len()).unwrap_or(u32::MAX))
	}

	/// One counter update of [`IsmOrderRefs`]: a relying order more (`opened`) or less.
	pub(crate) fn bump_order_ref(id: IsmId, opened: bool) {
		IsmOrderRefs::<T>::mutate_exists(id, |count| {
			let next = if opened { count.unwrap_or(0).saturating_add(1) } else { count.unwrap_or(0).saturating_sub(1) };
			*count = (next > 0).then_some(next);
		});
	}
}
