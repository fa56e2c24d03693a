//! Validator announcements through the public call, attacks first: a replayed announcement,
//! another key's signature, an announcement made for another chain or mailbox or location, a
//! malleated signature, junk locations, an exhausted list, and a payer who cannot pay. Each is
//! refused with its own error and leaves no trace.

use super::*;
use crate::{announce::announcement_digest, StorageLocations};

type Location = BoundedVec<u8, polkadot_sdk::frame_support::traits::ConstU32<128>>;

fn location(s: &str) -> Location {
	BoundedVec::truncate_from(s.as_bytes().to_vec())
}

/// Validator `signer`'s signature announcing `at` for this chain's mailbox.
fn signed(signer: usize, at: &str) -> Signature {
	sign(&secret(signer), &announcement_digest(LOCAL, &Settlement::mailbox_address(), at.as_bytes()))
}

fn announce(validator: usize, at: &str, signature: Signature) -> DispatchResult {
	Settlement::announce(RuntimeOrigin::signed(alice()), validators(validator..validator + 1)[0], location(at), signature)
}

use polkadot_sdk::frame_support::dispatch::DispatchResult;

#[test]
fn a_validator_announces_its_locations_and_relayers_read_the_latest_last() {
	run(|| {
		let v0 = validators(0..1)[0];
		let fees_before = Balances::balance(&Settlement::fee_account());
		let at = "s3://zksettle-v0/eu-west-1/checkpoints";
		assert_ok!(announce(0, at, signed(0, at)));
		let fee = Settlement::announcement_fee(at.len() as u32);
		assert_eq!(fee, 100 + at.len() as u128);
		assert_eq!(Balances::balance(&alice()), ENDOWMENT - fee);
		assert_eq!(Balances::balance(&Settlement::fee_account()), fees_before + fee);
		System::assert_last_event(
			Event::ValidatorAnnounced { validator: v0, storage_location: at.as_bytes().to_vec(), fee }.into(),
		);
		// Moved: the new location comes after the old one.
		assert_ok!(announce(0, "file:///srv/v0", signed(0, "file:///srv/v0")));
		let v1 = validators(1..2)[0];
		assert_eq!(
			Settlement::announced_storage_locations(&[v1, v0]),
			vec![vec![], vec![at.as_bytes().to_vec(), b"file:///srv/v0".to_vec()]]
		);
		// Anyone may submit a validator's signed announcement (its key need hold nothing here).
		assert_ok!(Settlement::announce(RuntimeOrigin::signed(bob()), v1, location("file:///v1"), signed(1, "file:///v1")));
		assert_eq!(StorageLocations::<Test>::get(v1).len(), 1);
	});
}

#[test]
fn replays_and_forgeries_are_refused_without_a_trace() {
	run(|| {
		let at = "file:///srv/v0";
		assert_ok!(announce(0, at, signed(0, at)));
		// The same announcement again, by anyone: Hyperlane's `replay`.
		assert_noop!(announce(0, at, signed(0, at)), Error::<Test>::AlreadyAnnounced);
		// Validator 1's key announcing for validator 2.
		assert_noop!(announce(2, "file:///evil", signed(1, "file:///evil")), Error::<Test>::NotSignedByValidator);
		// A genuine signature over another location than the one submitted.
		assert_noop!(announce(0, "file:///evil", signed(0, "file:///srv/v0-new")), Error::<Test>::NotSignedByValidator);
		// Signed for another chain's domain, or another mailbox.
		let other_domain = sign(&secret(0), &announcement_digest(REMOTE, &Settlement::mailbox_address(), b"file:///x"));
		assert_noop!(announce(0, "file:///x", other_domain), Error::<Test>::NotSignedByValidator);
		let other_mailbox = sign(&secret(0), &announcement_digest(LOCAL, &[0xab; 32], b"file:///x"));
		assert_noop!(announce(0, "file:///x", other_mailbox), Error::<Test>::NotSignedByValidator);
		// The same signature malleated to high s, and with a v no signature has.
		let mut malleated = signed(0, "file:///y");
		let s = <k256::Scalar as k256::elliptic_curve::PrimeField>::from_repr(k256::FieldBytes::clone_from_slice(&malleated[32..64])).unwrap();
		malleated[32..64].copy_from_slice(&(-s).to_bytes());
		malleated[64] ^= 1;
		assert_noop!(announce(0, "file:///y", malleated), Error::<Test>::HighS);
		let mut bad_v = signed(0, "file:///y");
		bad_v[64] = 29;
		assert_noop!(announce(0, "file:///y", bad_v), Error::<Test>::InvalidV);
	});
}

#[test]
fn junk_locations_full_lists_and_unpaid_fees_are_refused() {
	run(|| {
		assert_noop!(announce(0, "", signed(0, "")), Error::<Test>::InvalidStorageLocation);
		let not_utf8 = BoundedVec::truncate_from(vec![0x66, 0xff, 0xfe]);
		let signature = sign(&secret(0), &announcement_digest(LOCAL, &Settlement::mailbox_address(), &not_utf8));
		assert_noop!(
			Settlement::announce(RuntimeOrigin::signed(alice()), validators(0..1)[0], not_utf8, signature),
			Error::<Test>::InvalidStorageLocation
		);
		// Three locations at most (the mock's bound).
		for at in ["file:///a", "file:///b", "file:///c"] {
			assert_ok!(announce(0, at, signed(0, at)));
		}
		assert_noop!(announce(0, "file:///d", signed(0, "file:///d")), Error::<Test>::TooManyLocations);
		// A payer who cannot pay the fee (and keep its account alive).
		let poor = AccountId::new([0x99; 32]);
		<Balances as polkadot_sdk::frame_support::traits::fungible::Mutate<_>>::set_balance(&poor, 50);
		let at = "file:///v1";
		assert_noop!(
			Settlement::announce(RuntimeOrigin::signed(poor), validators(1..2)[0], location(at), signed(1, at)),
			polkadot_sdk::sp_runtime::TokenError::FundsUnavailable
		);
	});
}
