//! Interchain Security Modules: what must vouch for an inbound message before it is handled.
//!
//! * [`multisig`]: threshold ECDSA over a validator set (Hyperlane's `AbstractMultisigIsm`);
//! * [`metadata`]: the message-id and merkle-root multisig metadata layouts;
//! * [`aggregation`]: the `t`-of-`n` aggregation metadata table;
//! * [`independence`]: modules of an aggregation share no validator;
//! * [`crate::native`]: the native level, attested over XCM by a sibling parachain;
//! * this module: the ISM configurations governance installs, and [`Ism::validate`], which every
//!   configuration passes before it is stored.
//!
//! ISMs live in a registry by [`IsmId`]. Aggregation and routing ISMs refer to other ISMs by id,
//! so a validator-set rotation (replacing one multisig ISM) takes effect everywhere it is used,
//! including the security level of open intents.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

pub mod aggregation;
pub mod independence;
pub mod metadata;
pub mod multisig;
pub mod registry;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use polkadot_sdk::frame_support;
use scale_info::TypeInfo;

use multisig::EthAddress;

/// Identifier of an ISM in the registry.
pub type IsmId = u32;
/// A Hyperlane domain id.
pub type Domain = u32;

/// Nesting limit of aggregation and routing ISMs. It also stops a cycle of references, which the
/// registry cannot rule out cheaply when an ISM is replaced.
pub const MAX_ISM_DEPTH: u8 = 4;

/// An ordered validator set and its threshold (`0 < threshold ≤ validators`, no duplicates).
#[derive(
	Encode, Decode, DecodeWithMemTracking, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(S))]
#[codec(mel_bound())]
pub struct ValidatorSet<S: Get<u32>> {
	/// Validators' Ethereum addresses, in the order their signatures must appear.
	pub validators: BoundedVec<EthAddress, S>,
	/// How many of them must sign.
	pub threshold: u8,
}

/// An ISM configuration. `V` bounds a validator set, `M` the modules of an aggregation and the
/// routes of a routing ISM.
#[derive(
	Encode, Decode, DecodeWithMemTracking, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(V, M))]
#[codec(mel_bound())]
pub enum Ism<V: Get<u32>, M: Get<u32>> {
	/// Validators signed the checkpoint at the message's own leaf (module type 5).
	#[codec(index = 0)]
	MessageIdMultisig(ValidatorSet<V>),
	/// Validators signed a later checkpoint; the metadata proves the message is in its tree
	/// (module type 4).
	#[codec(index = 1)]
	MerkleRootMultisig(ValidatorSet<V>),
	/// Exactly `threshold` of `modules` verify, each with its slice of the metadata (type 2).
	#[codec(index = 2)]
	Aggregation { modules: BoundedVec<IsmId, M>, threshold: u8 },
	/// The ISM for the message's origin domain verifies, with the metadata unchanged (type 1).
	/// Routes are sorted by domain, one per domain.
	#[codec(index = 3)]
	Routing { routes: BoundedVec<(Domain, IsmId), M> },
	/// Sibling parachain `para` sent the message over XCM, as its own runtime, and the relay
	/// chain's validators checked the block that sent it ([`crate::native`]). No metadata
	/// (module type 6, `NULL`, as Hyperlane's hook-authorized ISMs).
	#[codec(index = 4)]
	Native { para: u32 },
}

/// Why a configuration was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigError {
	/// `threshold` is 0 or above the number of validators or modules.
	InvalidThreshold,
	/// A validator appears twice: one signer could then count twice.
	DuplicateValidator,
	/// Routes are not strictly sorted by domain (unsorted or two routes for one domain).
	UnsortedRoutes,
	/// An aggregation or routing ISM refers to itself.
	SelfReference,
	/// An aggregation names a module twice: one attestation would count (and be paid) twice.
	DuplicateModule,
}

impl<V: Get<u32>, M: Get<u32>> Ism<V, M> {
	/// Check the configuration's own invariants. References to other ISMs are checked by the
	/// pallet against the registry.
	pub fn validate(&self, id: IsmId) -> Result<(), ConfigError> {
		match self {
			Ism::MessageIdMultisig(set) | Ism::MerkleRootMultisig(set) => {
				let n = set.validators.len();
				if set.threshold == 0 || usize::from(set.threshold) > n {
					return Err(ConfigError::InvalidThreshold);
				}
				for (i, validator) in set.validators.iter().enumerate() {
					if set.validators.iter().skip(i.saturating_add(1)).any(|other| other == validator) {
						return Err(ConfigError::DuplicateValidator);
					}
				}
			},
			Ism::Aggregation { modules, threshold } => {
				if *threshold == 0 || usize::from(*threshold) > modules.len() {
					return Err(ConfigError::InvalidThreshold);
				}
				if modules.contains(&id) {
					return Err(ConfigError::SelfReference);
				}
				for (i, module) in modules.iter().enumerate() {
					if modules.iter().skip(i.saturating_add(1)).any(|other| other == module) {
						return Err(ConfigError::DuplicateModule);
					}
				}
			},
			Ism::Native { .. } => {},
			Ism::Routing { routes } => {
				if routes.windows(2).any(|pair| matches!(pair, [(a, _), (b, _)] if a >= b)) {
					return Err(ConfigError::UnsortedRoutes);
				}
				if routes.iter().any(|(_, target)| *target == id) {
					return Err(ConfigError::SelfReference);
				}
			},
		}
		Ok(())
	}

	/// The ISMs this one refers to.
	pub fn references(&self) -> impl Iterator<Item = IsmId> + '_ {
		let (modules, routes): (&[IsmId], &[(Domain, IsmId)]) = match self {
			Ism::Aggregation { modules, .. } => (modules, &[]),
			Ism::Routing { routes } => (&[], routes),
			_ => (&[], &[]),
		};
		modules.iter().copied().chain(routes.iter().map(|(_, id)| *id))
	}

	/// The route for messages from `origin`.
	pub fn route(&self, origin: Domain) -> Option<IsmId> {
		match self {
			Ism::Routing { routes } =>
				routes.binary_search_by_key(&origin, |(domain, _)| *domain).ok().and_then(|i| routes.get(i)).map(|r| r.1),
			_ => None,
		}
	}
}

/// An ISM as genesis configs write it: unbounded and serde-friendly. It becomes an [`Ism`]
/// through the same validation as a governance call.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IsmSpec {
	/// See [`Ism::MessageIdMultisig`].
	MessageIdMultisig { validators: alloc::vec::Vec<EthAddress>, threshold: u8 },
	/// See [`Ism::MerkleRootMultisig`].
	MerkleRootMultisig { validators: alloc::vec::Vec<EthAddress>, threshold: u8 },
	/// See [`Ism::Aggregation`].
	Aggregation { modules: alloc::vec::Vec<IsmId>, threshold: u8 },
	/// See [`Ism::Routing`].
	Routing { routes: alloc::vec::Vec<(Domain, IsmId)> },
	/// See [`Ism::Native`].
	Native { para: u32 },
}

/// An [`IsmSpec`] exceeds a bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLong;

impl<V: Get<u32>, M: Get<u32>> TryFrom<IsmSpec> for Ism<V, M> {
	type Error = TooLong;

	fn try_from(spec: IsmSpec) -> Result<Self, TooLong> {
		let set = |validators: alloc::vec::Vec<EthAddress>, threshold| -> Result<ValidatorSet<V>, TooLong> {
			Ok(ValidatorSet { validators: validators.try_into().map_err(|_| TooLong)?, threshold })
		};
		Ok(match spec {
			IsmSpec::MessageIdMultisig { validators, threshold } => Ism::MessageIdMultisig(set(validators, threshold)?),
			IsmSpec::MerkleRootMultisig { validators, threshold } =>
				Ism::MerkleRootMultisig(set(validators, threshold)?),
			IsmSpec::Aggregation { modules, threshold } =>
				Ism::Aggregation { modules: modules.try_into().map_err(|_| TooLong)?, threshold },
			IsmSpec::Routing { routes } => Ism::Routing { routes: routes.try_into().map_err(|_| TooLong)? },
			IsmSpec::Native { para } => Ism::Native { para },
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::traits::ConstU32;

	type TestIsm = Ism<ConstU32<4>, ConstU32<4>>;

	fn multisig(validators: &[u8], threshold: u8) -> TestIsm {
		TestIsm::try_from(IsmSpec::MessageIdMultisig {
			validators: validators.iter().map(|b| [*b; 20]).collect(),
			threshold,
		})
		.unwrap()
	}

	#[test]
	fn validation_rules() {
		assert_eq!(multisig(&[1, 2, 3], 2).validate(9), Ok(()));
		assert_eq!(multisig(&[1, 2, 3], 0).validate(9), Err(ConfigError::InvalidThreshold));
		assert_eq!(multisig(&[1, 2, 3], 4).validate(9), Err(ConfigError::InvalidThreshold));
		assert_eq!(multisig(&[1, 2, 1], 2).validate(9), Err(ConfigError::DuplicateValidator));
		assert_eq!(multisig(&[], 1).validate(9), Err(ConfigError::InvalidThreshold));

		let aggregation = |modules: &[u32], threshold| TestIsm::try_from(IsmSpec::Aggregation { modules: modules.to_vec(), threshold }).unwrap();
		assert_eq!(aggregation(&[1, 2], 2).validate(9), Ok(()));
		assert_eq!(aggregation(&[1, 2], 3).validate(9), Err(ConfigError::InvalidThreshold));
		assert_eq!(aggregation(&[1, 9], 1).validate(9), Err(ConfigError::SelfReference));

		let routing = |routes: &[(u32, u32)]| TestIsm::try_from(IsmSpec::Routing { routes: routes.to_vec() }).unwrap();
		let sorted = routing(&[(1, 5), (7, 6)]);
		assert_eq!(sorted.validate(9), Ok(()));
		assert_eq!(sorted.route(7), Some(6));
		assert_eq!(sorted.route(2), None);
		assert_eq!(routing(&[(7, 6), (1, 5)]).validate(9), Err(ConfigError::UnsortedRoutes));
		assert_eq!(routing(&[(1, 5), (1, 6)]).validate(9), Err(ConfigError::UnsortedRoutes));
		assert_eq!(routing(&[(1, 9)]).validate(9), Err(ConfigError::SelfReference));

		assert_eq!(
			TestIsm::try_from(IsmSpec::Aggregation { modules: alloc::vec![1; 5], threshold: 1 }),
			Err(TooLong)
		);
	}
}
