//! What a call did beyond its benchmarked baseline, counted as it went, and the weight it is
//! charged for that.
//!
//! The calls whose cost depends on the ISM registry (`process`, `open_order`, `force_refund`,
//! `set_ism`) are charged up front for the worst case the chain's bounds allow
//! (`MaxSignatureChecks` recoveries, `MaxIsmReads` reads per registry walk) and refunded, after
//! the fact, to what a [`Work`] counted. Each unit has a benchmark of its own in the runtime's
//! wasm: [`crate::WeightInfo::ism_read`] (one registry read of a full-size ISM, with its proof
//! size), [`crate::WeightInfo::order_ref`] (one counter update of
//! [`crate::IsmOrderRefs`]) and [`crate::WeightInfo::merkle_branch`] (one 32-level merkle-root
//! proof).

use frame_support::{traits::Get, weights::Weight};
use polkadot_sdk::frame_support;

use crate::{mailbox::MessageRecipient, Config, WeightInfo};

/// Work counted during a call.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Work {
	/// Signature recoveries (`process`).
	pub checks: u32,
	/// Merkle-root proofs verified (`process`).
	pub merkle_proofs: u32,
	/// ISM registry reads, all walks of the call together.
	pub ism_reads: u32,
	/// Counter updates of [`crate::IsmOrderRefs`] (an order's closure, at opening and closing).
	pub ref_updates: u32,
	/// Whether a recipient's handler ran (`process`).
	pub handled: bool,
}

impl Work {
	/// The most work of each kind one registry walk can do.
	fn walk<T: Config>() -> Work {
		Work { ism_reads: T::MaxIsmReads::get(), ref_updates: T::MaxIsmReads::get(), ..Default::default() }
	}

	/// The weight of the counted registry reads, counter updates and merkle proofs.
	pub fn weight<T: Config>(&self) -> Weight {
		T::WeightInfo::ism_read()
			.saturating_mul(u64::from(self.ism_reads))
			.saturating_add(T::WeightInfo::order_ref().saturating_mul(u64::from(self.ref_updates)))
			.saturating_add(T::WeightInfo::merkle_branch().saturating_mul(u64::from(self.merkle_proofs)))
	}

	/// `process` after the fact: the recoveries made, the rest of the work, and the handler's
	/// most weight if it ran.
	pub fn process_weight<T: Config>(&self) -> Weight {
		let handler = if self.handled { T::Recipients::max_handle_weight() } else { Weight::zero() };
		T::WeightInfo::process(self.checks).saturating_add(self.weight::<T>()).saturating_add(handler)
	}

	/// `process` up front: every recovery `MaxSignatureChecks` allows, each behind a merkle-root
	/// proof, a full verification walk and a full closure walk (settling an order), and the
	/// handler.
	pub fn max_process<T: Config>() -> Work {
		let max_checks = T::MaxSignatureChecks::get();
		let walk = Self::walk::<T>();
		Work {
			checks: max_checks,
			merkle_proofs: max_checks,
			ism_reads: walk.ism_reads.saturating_mul(2),
			ref_updates: walk.ref_updates,
			handled: true,
		}
	}

	/// `receive_native` up front: `process` without signatures or merkle proofs.
	pub fn max_receive_native<T: Config>() -> Work {
		Work { checks: 0, merkle_proofs: 0, ..Self::max_process::<T>() }
	}

	/// `open_order` up front: three walks (the quote, the satisfiability check, the closure).
	pub fn max_open_order<T: Config>() -> Work {
		let walk = Self::walk::<T>();
		Work { ism_reads: walk.ism_reads.saturating_mul(3), ..walk }
	}

	/// `force_refund` up front: one closure walk.
	pub fn max_refund<T: Config>() -> Work {
		Self::walk::<T>()
	}

	/// `set_ism` up front: the satisfiability walk and the registry read in full
	/// ([`crate::isms::independence`]).
	pub fn max_set_ism<T: Config>() -> Work {
		Work { ism_reads: T::MaxIsmReads::get().saturating_add(T::MaxIsms::get()), ..Default::default() }
	}
}
