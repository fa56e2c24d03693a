//! Validator announcements (Hyperlane's `ValidatorAnnounce.sol`): where each validator of this
//! chain publishes its signed checkpoints, so that relayers find them from the chain instead of
//! a hand-written list.
//!
//! ```text
//! announcementDomain = keccak256(localDomain_be32 ‖ mailbox ‖ "HYPERLANE_ANNOUNCEMENT")
//! digest             = keccak256("\x19Ethereum Signed Message:\n32" ‖
//!                                keccak256(announcementDomain ‖ storageLocation))
//! ```
//!
//! The validator signs the digest with its checkpoint key (the one the ISMs list); anyone may
//! submit the signed announcement, paying its fee, as anyone may on Hyperlane's contract (a
//! validator's key need not hold funds on this chain). What the contract checks, the pallet
//! checks: the signature recovers to the validator named, and the same `(validator, location)`
//! is announced once (`replayProtection`). A validator that moves its storage announces the new
//! location; relayers read the latest (`getAnnouncedStorageLocations` returns them all, oldest
//! first, and Hyperlane's relayer takes the last).
//!
//! Unlike the contract, storage here is bounded: a location is at most `MaxLocationLen` bytes of
//! UTF-8, a validator has at most `MaxLocationsPerValidator` of them, and each announcement pays
//! a fee for the bytes it keeps for good ([`Config::AnnouncementFee`] and
//! [`Config::AnnouncementByteFee`], to the fee account): there is no `unannounce`, on Hyperlane
//! either, since a relayer must be able to rely on what it read. A validator's own key is the
//! only way to fill its list, so the bound can be exhausted by nobody but the validator.
//!
//! The signature binds the local domain and this chain's mailbox address: an announcement made
//! for another chain, or another mailbox on a chain sharing the domain by mistake, does not
//! verify here.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::Mutate, tokens::Preservation, Get},
		BoundedVec,
	},
	sp_io::hashing::keccak_256,
	sp_runtime::{traits::Saturating, DispatchError, SaturatedConversion},
};

use crate::{
	checkpoint::eth_signed_message_hash,
	isms::multisig::{recover, EthAddress, Signature},
	pallet::{Config, Error, Event, Pallet, StorageLocations},
	BalanceOf,
};

/// `keccak256(domain ‖ mailbox ‖ "HYPERLANE_ANNOUNCEMENT")`: `ValidatorAnnounce._domainHash`.
pub fn announcement_domain_hash(domain: u32, mailbox: &[u8; 32]) -> [u8; 32] {
	let mut preimage = [0u8; 4 + 32 + 22];
	preimage[..4].copy_from_slice(&domain.to_be_bytes());
	preimage[4..36].copy_from_slice(mailbox);
	preimage[36..].copy_from_slice(b"HYPERLANE_ANNOUNCEMENT");
	keccak_256(&preimage)
}

/// What a validator signs to announce that its checkpoints for the mailbox `mailbox` of `domain`
/// are at `location` (`ValidatorAnnounce.getAnnouncementDigest`).
pub fn announcement_digest(domain: u32, mailbox: &[u8; 32], location: &[u8]) -> [u8; 32] {
	let mut preimage = Vec::with_capacity(32 + location.len());
	preimage.extend_from_slice(&announcement_domain_hash(domain, mailbox));
	preimage.extend_from_slice(location);
	eth_signed_message_hash(&keccak_256(&preimage))
}

/// A storage location as kept: UTF-8, at most `MaxLocationLen` bytes.
pub type LocationOf<T> = BoundedVec<u8, <T as Config>::MaxLocationLen>;

impl<T: Config> Pallet<T> {
	/// The fee of announcing a location of `len` bytes.
	pub fn announcement_fee(len: u32) -> BalanceOf<T> {
		T::AnnouncementFee::get().saturating_add(T::AnnouncementByteFee::get().saturating_mul(len.saturated_into()))
	}

	/// Check `signature` announces `location` for `validator`, charge `payer` the fee, and keep
	/// the location. Nothing changes on error.
	pub(crate) fn do_announce(
		payer: &T::AccountId,
		validator: EthAddress,
		location: LocationOf<T>,
		signature: &Signature,
	) -> Result<(), DispatchError> {
		ensure!(!location.is_empty() && core::str::from_utf8(&location).is_ok(), Error::<T>::InvalidStorageLocation);
		let mut locations = StorageLocations::<T>::get(validator);
		ensure!(!locations.contains(&location), Error::<T>::AlreadyAnnounced);
		let digest = announcement_digest(Self::local_domain()?, &Self::mailbox_address(), &location);
		let signer = recover(&digest, signature).map_err(Error::<T>::from)?;
		ensure!(signer == validator, Error::<T>::NotSignedByValidator);
		locations.try_push(location.clone()).map_err(|_| Error::<T>::TooManyLocations)?;
		let fee = Self::announcement_fee(location.len().saturated_into());
		T::Currency::transfer(payer, &Self::fee_account(), fee, Preservation::Preserve)?;
		StorageLocations::<T>::insert(validator, locations);
		Self::deposit_event(Event::ValidatorAnnounced { validator, storage_location: location.into_inner(), fee });
		Ok(())
	}

	/// Every location announced by each of `validators`, oldest first, in the order asked
	/// (`getAnnouncedStorageLocations`); at most [`MAX_VALIDATORS_PER_QUERY`] validators.
	pub fn announced_storage_locations(validators: &[EthAddress]) -> Vec<Vec<Vec<u8>>> {
		validators
			.iter()
			.take(MAX_VALIDATORS_PER_QUERY)
			.map(|validator| StorageLocations::<T>::get(validator).into_iter().map(BoundedVec::into_inner).collect())
			.collect()
	}
}

/// Most validators one `announced_storage_locations` query answers for.
pub const MAX_VALIDATORS_PER_QUERY: usize = 256;

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_vectors::hex;

	/// An announcement signed with ethers (`Wallet.signMessage` over the solidityPacked
	/// preimage, in `e2e/lib/hyperlane.test.ts`) by Anvil's first account,
	/// `0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266`.
	#[test]
	fn an_announcement_signed_by_ethers_recovers_to_its_validator() {
		let signature: Signature = hex(
			"a8a6ce383f5842b2a1e4bd43391e3e411554c6ad014725ee48986efb73d3c574520ac1d777d0e2d52b603e59c63290591e677381f7e637221296425a52bb55351b",
		)
		.try_into()
		.unwrap();
		let anvil_0: EthAddress = hex("f39fd6e51aad88f6f4ce6ab8827279cfffb92266").try_into().unwrap();
		let location = b"file:///var/lib/zksettle/v0";
		assert_eq!(recover(&announcement_digest(1_000_001, &[7; 32], location), &signature), Ok(anvil_0));
		// Bound to the domain, the mailbox and the location.
		assert_ne!(recover(&announcement_digest(1_000_002, &[7; 32], location), &signature), Ok(anvil_0));
		assert_ne!(recover(&announcement_digest(1_000_001, &[8; 32], location), &signature), Ok(anvil_0));
		assert_ne!(recover(&announcement_digest(1_000_001, &[7; 32], b"file:///var/lib/zksettle/v1"), &signature), Ok(anvil_0));
		// The domain hash is its own preimage's keccak (no ABI padding: `abi.encodePacked`).
		let mut preimage = 1_000_001u32.to_be_bytes().to_vec();
		preimage.extend_from_slice(&[7; 32]);
		preimage.extend_from_slice(b"HYPERLANE_ANNOUNCEMENT");
		assert_eq!(announcement_domain_hash(1_000_001, &[7; 32]), keccak_256(&preimage));
	}
}
