//! Rules of the ISM registry that need the registry itself: what a configuration must satisfy
//! before governance can store it, and what open orders protect.
//!
//! * **Satisfiable.** An ISM is stored only if some metadata can satisfy it within the chain's
//!   limits (`MaxSignatureChecks` recoveries, `MaxMetadataLen` bytes). Otherwise every order
//!   under it would pay its fee and end in a refund after a solver filled.
//! * **Kept for open orders.** An order relies on its ISM and on every ISM that one refers to.
//!   While any open order relies on an ISM it cannot be removed, and a replacement must keep the
//!   security the order paid for: a multisig may rotate its validators at the same or a higher
//!   threshold; any other change is refused.

use alloc::{collections::BTreeSet, vec::Vec};
use frame_support::{ensure, traits::Get};
use polkadot_sdk::frame_support;

use super::{
	metadata::{MERKLE_ROOT_HEADER, MESSAGE_ID_HEADER},
	Domain, Ism, IsmId, MAX_ISM_DEPTH,
};
use crate::{Config, Error, IsmOf, IsmOrderRefs, Isms, Pallet};

/// The least any metadata must bring to satisfy an ISM.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Requirement {
	/// Signature recoveries.
	pub checks: u32,
	/// Metadata bytes.
	pub metadata_len: u32,
}

impl Requirement {
	fn signatures(header: usize, threshold: u8) -> Self {
		let threshold = u32::from(threshold);
		let header = u32::try_from(header).unwrap_or(u32::MAX);
		Requirement { checks: threshold, metadata_len: header.saturating_add(threshold.saturating_mul(65)) }
	}

	fn max(self, other: Self) -> Self {
		Requirement { checks: self.checks.max(other.checks), metadata_len: self.metadata_len.max(other.metadata_len) }
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
	/// choice of modules, so an ISM refused by it is truly unsatisfiable.
	pub fn requirement(ism: &IsmOf<T>, origin: Option<Domain>, depth: u8) -> Result<Requirement, Error<T>> {
		ensure!(depth <= MAX_ISM_DEPTH, Error::<T>::IsmTooDeep);
		let next = depth.saturating_add(1);
		let stored = |id: IsmId| Isms::<T>::get(id).ok_or(Error::<T>::UnknownIsm);
		Ok(match ism {
			Ism::MessageIdMultisig(set) => Requirement::signatures(MESSAGE_ID_HEADER, set.threshold),
			Ism::MerkleRootMultisig(set) => Requirement::signatures(MERKLE_ROOT_HEADER, set.threshold),
			Ism::Aggregation { modules, threshold } => {
				let mut needs = Vec::with_capacity(modules.len());
				for module in modules.iter() {
					needs.push(Self::requirement(&stored(*module)?, origin, next)?);
				}
				let threshold = usize::from(*threshold);
				let table = u32::try_from(modules.len().saturating_mul(8)).unwrap_or(u32::MAX);
				Requirement {
					checks: smallest_sum(needs.iter().map(|r| r.checks).collect(), threshold),
					metadata_len: table
						.saturating_add(smallest_sum(needs.iter().map(|r| r.metadata_len).collect(), threshold)),
				}
			},
			Ism::Routing { routes } => match origin {
				Some(origin) => Self::requirement(&stored(ism.route(origin).ok_or(Error::<T>::NoRoute)?)?, Some(origin), next)?,
				None => {
					let mut need = Requirement::default();
					for (domain, target) in routes.iter() {
						need = need.max(Self::requirement(&stored(*target)?, Some(*domain), next)?);
					}
					need
				},
			},
		})
	}

	/// Refuse an ISM that no metadata can satisfy within the chain's limits.
	pub fn ensure_satisfiable(ism: &IsmOf<T>, origin: Option<Domain>) -> Result<(), Error<T>> {
		let need = Self::requirement(ism, origin, 0)?;
		ensure!(
			need.checks <= T::MaxSignatureChecks::get() && need.metadata_len <= T::MaxMetadataLen::get(),
			Error::<T>::UnsatisfiableIsm
		);
		Ok(())
	}

	/// `id` and every ISM it refers to, to the nesting limit.
	fn closure(id: IsmId, depth: u8, out: &mut BTreeSet<IsmId>) {
		if depth > MAX_ISM_DEPTH || !out.insert(id) {
			return;
		}
		if let Some(ism) = Isms::<T>::get(id) {
			for reference in ism.references() {
				Self::closure(reference, depth.saturating_add(1), out);
			}
		}
	}

	/// Whether an open order relies on `id`: it is the order's ISM or one that ISM refers to.
	pub fn relied_on(id: IsmId) -> bool {
		IsmOrderRefs::<T>::iter_keys().any(|root| {
			let mut closure = BTreeSet::new();
			Self::closure(root, 0, &mut closure);
			closure.contains(&id)
		})
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

	/// An order opened (`+1`) or closed (`-1`) under `ism`.
	pub(crate) fn count_order_ref(ism: IsmId, opened: bool) {
		IsmOrderRefs::<T>::mutate_exists(ism, |count| {
			let next = if opened {
				count.unwrap_or(0).saturating_add(1)
			} else {
				count.unwrap_or(0).saturating_sub(1)
			};
			*count = (next > 0).then_some(next);
		});
	}
}
