//! Benchmarks (frame-benchmarking v2). Checkpoints are signed inside the benchmark with `k256`
//! from fixed secrets, exactly as a validator signs; the runtime only recovers.

#![allow(clippy::expect_used)]

use super::*;
use crate::{
	checkpoint::Checkpoint,
	intents::FillMessage,
	message::{Message, VERSION},
	pallet::{Call, Config, Pallet},
	test_vectors::{address_of, sign},
};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get,
	},
	BoundedVec,
};
use frame_system::RawOrigin;
use polkadot_sdk::{
	frame_benchmarking,
	sp_runtime::traits::{Bounded, Saturating, UniqueSaturatedInto},
};

const DOMAIN: u32 = 1_000;
const SETTLER: [u8; 32] = [0x5e; 32];
const NOW: u64 = 1_700_000_000;

fn secret(i: u32) -> [u8; 32] {
	let mut secret = [0x42; 32];
	secret[..4].copy_from_slice(&(i + 1).to_be_bytes());
	secret
}

fn multisig<T: Config>(n: u32) -> IsmOf<T> {
	multisig_of::<T>(0, n, n)
}

/// A message-id multisig of the `n` validators from the `first`-th on, with `threshold`.
fn multisig_of<T: Config>(first: u32, n: u32, threshold: u32) -> IsmOf<T> {
	Ism::MessageIdMultisig(ValidatorSet {
		validators: BoundedVec::truncate_from((first..first + n).map(|i| address_of(&secret(i))).collect()),
		threshold: u8::try_from(threshold).unwrap_or(u8::MAX),
	})
}

/// The most signatures `process` ever recovers: `MaxSignatureChecks`, unless fewer fit in
/// `MaxMetadataLen` as two message-id multisig parts of an aggregation (16 bytes of offsets,
/// two 68-byte headers, 65 bytes a signature). A single multisig holds at most
/// `MaxValidators`, and `integrity_test` requires `MaxSignatureChecks` to cover that.
pub(crate) fn most_checks<T: Config>() -> u32 {
	let room = T::MaxMetadataLen::get().saturating_sub(16 + 2 * 68) / 65;
	T::MaxSignatureChecks::get().min(room).min(T::MaxValidators::get().saturating_mul(2)).max(T::MaxValidators::get())
}

/// An order amount every account can receive: a thousand existential deposits.
fn amount<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance().max(1u32.into()).saturating_mul(1_000u32.into())
}

/// The same amount as the `u128` of [`OrderData`].
fn amount_u128<T: Config>() -> u128 {
	amount::<T>().unique_saturated_into()
}

/// An account holding a million order amounts (enough for any fee of the runtime).
fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	let _ = T::Currency::set_balance(&who, amount::<T>().saturating_mul(1_000_000u32.into()));
	who
}

/// Open an order from this chain to itself under ISM 1; returns the user and the order id.
/// An order opened on another chain (domain 2000) whose destination is this one.
fn foreign_order<T: Config>() -> OrderData {
	OrderData {
		origin: 2_000,
		origin_settler: SETTLER,
		user: [9; 32],
		nonce: 0,
		input_amount: amount_u128::<T>(),
		destination: DOMAIN,
		destination_settler: Pallet::<T>::settler_address(),
		output_amount: amount_u128::<T>(),
		output_recipient: [0x44; 32],
		fill_deadline: NOW + 60,
		ism: 1,
	}
}

fn open<T: Config>() -> (T::AccountId, OrderId) {
	let user = funded::<T>("user");
	let id = Pallet::<T>::do_open_order(
		user.clone(),
		intents::OrderRequest {
			input_amount: amount::<T>(),
			destination: DOMAIN,
			destination_settler: SETTLER,
			output_amount: amount_u128::<T>(),
			output_recipient: [0x44; 32],
			fill_deadline: NOW + 60,
			ism: 1,
		},
		BalanceOf::<T>::max_value(),
		&mut Work::default(),
	)
	.expect("order opens");
	(user, id)
}

fn setup<T: Config>(validators: u32) {
	T::BenchmarkHelper::set_time(NOW);
	LocalDomain::<T>::put(DOMAIN);
	crate::RemoteSettlers::<T>::insert(DOMAIN, SETTLER);
	Isms::<T>::insert(1, multisig::<T>(validators));
	DefaultIsm::<T>::put(1);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn dispatch(b: Linear<0, { T::MaxBodyLen::get() }>) {
		setup::<T>(1);
		let caller = funded::<T>("caller");
		let body = BoundedVec::truncate_from(alloc::vec![7u8; b as usize]);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 2_000, [0x22; 32], body);
		assert_eq!(OutboundTree::<T>::get().count, 1);
	}

	/// A fill message settling an order, verified with `s` signatures, every one recovered: up
	/// to a full validator set by one message-id multisig (threshold `s`); beyond, by an
	/// aggregation of two disjoint multisigs (a full set and `s` minus it), up to the most
	/// recoveries `process` allows ([`most_checks`]: `MaxSignatureChecks`, or fewer when the
	/// signatures would not fit in `MaxMetadataLen`).
	#[benchmark]
	fn process(s: Linear<1, { most_checks::<T>() }>) {
		setup::<T>(1);
		let full = T::MaxValidators::get();
		if s <= full {
			Isms::<T>::insert(1, multisig_of::<T>(0, s, s));
		} else {
			Isms::<T>::insert(2, multisig_of::<T>(0, full, full));
			Isms::<T>::insert(3, multisig_of::<T>(full, s - full, s - full));
			Isms::<T>::insert(1, Ism::Aggregation { modules: BoundedVec::truncate_from(alloc::vec![2, 3]), threshold: 2 });
		}
		let (_, order_id) = open::<T>();
		let solver: [u8; 32] = funded::<T>("solver").into();
		let message = Message {
			version: VERSION,
			nonce: 0,
			origin: DOMAIN,
			sender: SETTLER,
			destination: DOMAIN,
			recipient: Pallet::<T>::settler_address(),
			body: FillMessage { order_id, solver }.encode(),
		};
		let checkpoint = Checkpoint { origin: DOMAIN, merkle_tree_hook: [0xab; 32], root: [0xcd; 32], index: 0, message_id: message.id() };
		let signed_by = |signers: core::ops::Range<u32>| {
			let mut part = Vec::new();
			part.extend_from_slice(&checkpoint.merkle_tree_hook);
			part.extend_from_slice(&checkpoint.root);
			part.extend_from_slice(&checkpoint.index.to_be_bytes());
			for i in signers {
				part.extend_from_slice(&sign(&secret(i), &checkpoint.digest()));
			}
			part
		};
		let metadata = if s <= full {
			signed_by(0..s)
		} else {
			let (first, second) = (signed_by(0..full), signed_by(full..s));
			crate::isms::aggregation::encode(&[Some(&first[..]), Some(&second[..])])
		};
		assert!(metadata.len() <= T::MaxMetadataLen::get() as usize, "the metadata fits");
		let caller = funded::<T>("relayer");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), BoundedVec::truncate_from(metadata), BoundedVec::truncate_from(message.to_bytes()));
		assert!(ClosedOrders::<T>::contains_key(order_id));
	}

	/// One read of the ISM registry, of the largest ISM (a full validator set): the unit
	/// registry walks are charged in ([`Work`]), with its proof size.
	#[benchmark]
	fn ism_read() {
		Isms::<T>::insert(1, multisig::<T>(T::MaxValidators::get()));
		let mut reads = crate::isms::registry::IsmReads::<T>::default();
		let read;
		#[block]
		{
			read = reads.get(1);
		}
		assert!(read.is_ok());
	}

	/// One update of an open-order counter of [`IsmOrderRefs`].
	#[benchmark]
	fn order_ref() {
		IsmOrderRefs::<T>::insert(1, 1);
		#[block]
		{
			Pallet::<T>::bump_order_ref(1, true);
		}
		assert_eq!(IsmOrderRefs::<T>::get(1), 2);
	}

	/// Checking one merkle-root multisig proof: decoding the metadata and the 32 hashes of the
	/// branch (the signatures are charged by `process`).
	#[benchmark]
	fn merkle_branch() {
		let message_id = [0x17; 32];
		let index = 0x5555_5555u32;
		let proof: Vec<[u8; 32]> = (0..crate::merkle::TREE_DEPTH).map(|i| [i as u8; 32]).collect();
		let proof: [[u8; 32]; crate::merkle::TREE_DEPTH] = proof.try_into().expect("32 siblings");
		let root = crate::merkle::branch_root(&message_id, &proof, index);
		let mut metadata = Vec::new();
		metadata.extend_from_slice(&[0xab; 32]);
		metadata.extend_from_slice(&index.to_be_bytes());
		metadata.extend_from_slice(&message_id);
		for sibling in &proof {
			metadata.extend_from_slice(sibling);
		}
		metadata.extend_from_slice(&index.to_be_bytes());
		metadata.extend_from_slice(&sign(&secret(0), &[0; 32]));
		let checkpoint;
		#[block]
		{
			checkpoint = crate::isms::metadata::merkle_root_checkpoint(&metadata, DOMAIN, message_id);
		}
		assert_eq!(checkpoint.map(|(c, _)| c.root), Ok(root));
	}

	#[benchmark]
	fn enroll_settler() -> Result<(), BenchmarkError> {
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 7, [7; 32]);
		assert_eq!(RemoteSettlers::<T>::get(7), Some([7; 32]));
		Ok(())
	}

	/// The worst case: a domain's route moved from one parachain to another (the old source
	/// freed, the new one checked and taken).
	#[benchmark]
	fn set_native_route() -> Result<(), BenchmarkError> {
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		LocalDomain::<T>::put(DOMAIN);
		let old = NativeRoute { para: 2_000, pallet_index: 51 };
		Pallet::<T>::do_set_native_route(7, Some(old)).expect("a free parachain is routed");
		let new = NativeRoute { para: 2_001, pallet_index: 51 };
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 7, Some(new));
		assert_eq!(NativeRoutes::<T>::get(7), Some(new));
		assert_eq!((NativeSources::<T>::get(2_000), NativeSources::<T>::get(2_001)), (None, Some(7)));
		Ok(())
	}

	/// The largest configuration: a full validator set (duplicate checks are quadratic).
	#[benchmark]
	fn set_ism(v: Linear<1, { T::MaxValidators::get() }>) -> Result<(), BenchmarkError> {
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		Isms::<T>::insert(1, multisig::<T>(1));
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1, multisig::<T>(v));
		assert_eq!(Isms::<T>::get(1), Some(multisig::<T>(v)));
		Ok(())
	}

	#[benchmark]
	fn remove_ism() -> Result<(), BenchmarkError> {
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		Isms::<T>::insert(9, multisig::<T>(T::MaxValidators::get()));
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 9);
		assert!(!Isms::<T>::contains_key(9));
		Ok(())
	}

	#[benchmark]
	fn set_default_ism() -> Result<(), BenchmarkError> {
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		Isms::<T>::insert(9, multisig::<T>(T::MaxValidators::get()));
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 9);
		assert_eq!(DefaultIsm::<T>::get(), Some(9));
		Ok(())
	}

	#[benchmark]
	fn set_refund_grace() -> Result<(), BenchmarkError> {
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let seconds = T::MaxFillWindow::get();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, seconds);
		assert_eq!(RefundGrace::<T>::get(), seconds);
		Ok(())
	}

	#[benchmark]
	fn open_order() {
		setup::<T>(T::MaxValidators::get());
		let user = funded::<T>("user");
		#[extrinsic_call]
		_(
			RawOrigin::Signed(user),
			amount::<T>(),
			DOMAIN,
			SETTLER,
			amount_u128::<T>(),
			[0x44; 32],
			NOW + 60,
			1,
			BalanceOf::<T>::max_value(),
		);
		assert_eq!(OrderNonce::<T>::get(), 1);
	}

	#[benchmark]
	fn fill_order() {
		setup::<T>(1);
		let filler = funded::<T>("filler");
		let order = foreign_order::<T>();
		let id = order.id();
		#[extrinsic_call]
		_(RawOrigin::Signed(filler), order, [3; 32]);
		assert!(matches!(DestinationOrders::<T>::get(id), Some(DestinationStatus::Filled { .. })));
	}

	#[benchmark]
	fn refund_order() {
		setup::<T>(1);
		let caller = funded::<T>("caller");
		let order = foreign_order::<T>();
		let id = order.id();
		T::BenchmarkHelper::set_time(NOW + 61);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), order);
		assert_eq!(DestinationOrders::<T>::get(id), Some(DestinationStatus::Refunded));
	}

	#[benchmark]
	fn force_refund() -> Result<(), BenchmarkError> {
		setup::<T>(1);
		let (_, order_id) = open::<T>();
		T::BenchmarkHelper::set_time(NOW + 60 + RefundGrace::<T>::get() + 1);
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, order_id);
		assert!(ClosedOrders::<T>::contains_key(order_id));
		Ok(())
	}

	/// The validator has announced all but one of its locations, each as long as allowed (the
	/// replay check compares against all of them), and announces one more of `l` bytes.
	#[benchmark]
	fn announce(l: Linear<1, { T::MaxLocationLen::get() }>) {
		setup::<T>(1);
		let caller = funded::<T>("caller");
		let key = secret(0);
		let validator = address_of(&key);
		let location = |byte: u8, len: u32| -> crate::announce::LocationOf<T> {
			BoundedVec::truncate_from(alloc::vec![byte; len as usize])
		};
		let earlier: Vec<_> = (0..T::MaxLocationsPerValidator::get().saturating_sub(1))
			.map(|i| location(b'a'.saturating_add(u8::try_from(i % 26).unwrap_or(0)), T::MaxLocationLen::get()))
			.collect();
		crate::StorageLocations::<T>::insert(validator, BoundedVec::truncate_from(earlier));
		let new = location(b'/', l);
		let digest = crate::announce::announcement_digest(DOMAIN, &Pallet::<T>::mailbox_address(), &new);
		let signature = sign(&key, &digest);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), validator, new.clone(), signature);
		assert!(crate::StorageLocations::<T>::get(validator).contains(&new));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
