//! Runtime API of settlement: what validators, relayers, solvers and wallets read.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet_settlement::{Domain, IsmId, OrderData, OrderId, OrderOutcome};

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Mailbox state, checkpoints, quotes and orders.
	///
	/// Version 2: `dispatched_messages`, from which validators and relayers read outbound
	/// messages without historical state. Version 3: `announced_storage_locations`, from which
	/// relayers find validators' checkpoints.
	#[api_version(3)]
	pub trait SettlementApi<Balance: codec::Codec> {
		/// This chain's Hyperlane domain.
		fn local_domain() -> Domain;
		/// The mailbox and merkle tree hook address validators put in `domainHash`.
		fn mailbox_address() -> [u8; 32];
		/// The intent settler's address (recipient of fill messages).
		fn settler_address() -> [u8; 32];
		/// `(root, index)` of the latest outbound checkpoint; `None` before the first message.
		fn latest_checkpoint() -> Option<([u8; 32], u32)>;
		/// Messages dispatched so far (the next nonce).
		fn outbound_count() -> u32;
		/// Up to `count` dispatched messages from leaf `start` (at most 256), in order (since
		/// version 2).
		fn dispatched_messages(start: u32, count: u32) -> alloc::vec::Vec<alloc::vec::Vec<u8>>;
		/// Every storage location each of `validators` announced, oldest first (Hyperlane's
		/// `getAnnouncedStorageLocations`); at most 256 validators a query (since version 3).
		fn announced_storage_locations(validators: alloc::vec::Vec<[u8; 20]>) -> alloc::vec::Vec<alloc::vec::Vec<alloc::vec::Vec<u8>>>;
		/// Whether an inbound message was delivered.
		fn delivered(message_id: [u8; 32]) -> bool;
		/// The fee of security level `ism` for an order to `destination`; `None` if it cannot
		/// attest fills from there.
		fn quote(ism: IsmId, destination: Domain) -> Option<Balance>;
		/// Every security level usable for orders to `destination`, with its fee.
		fn quotes(destination: Domain) -> alloc::vec::Vec<(IsmId, Balance)>;
		/// An open order: its data, the fee paid, and the Unix second after which it may be
		/// refunded.
		fn order(order_id: OrderId) -> Option<(OrderData, Balance, u64)>;
		/// How an ended order ended.
		fn order_outcome(order_id: OrderId) -> Option<OrderOutcome>;
	}
}
