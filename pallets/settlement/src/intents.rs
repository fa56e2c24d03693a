//! Intents: atomic settlement of an order between two chains.
//!
//! 1. On the origin, the user opens an order: the input is held, the fee of the chosen security
//!    level is paid, and the order, identified by `keccak256(SCALE(OrderData))`, is open.
//! 2. On the destination, a solver calls `fill_order` with the same [`OrderData`]: the output is
//!    paid to the recipient there, the order is marked filled (once), and a [`FillMessage`] is
//!    dispatched to the origin's settler.
//! 3. On the origin, `process` delivers the fill message only if the order's own ISM verifies it;
//!    the held input then goes to the solver named in the message. The order is closed.
//! 4. If nobody filled by the fill deadline, anyone may refund the order *on the destination*
//!    (`refund_order`, as ERC-7683 / Hyperlane7683 settlers do): the destination records it as
//!    refunded, so it can no longer be filled there, and dispatches a [`RefundMessage`] to the
//!    origin's settler. On the origin, `process` delivers it only if the order's own ISM
//!    verifies it; the held input then goes back to the user. The order is closed.
//!
//! Fill and refund exclude each other where the fill happens: the destination keeps one
//! [`DestinationStatus`] per order, set once, by whichever comes first (a fill until the
//! deadline, a refund after it). The origin never decides by its own clock, so a fill made in the
//! deadline's last second whose message arrives hours later still pays the solver, and a user
//! is refunded only when the destination attests that nobody filled.
//!
//! 5. The escape hatch: governance may `force_refund` an order whose deadline and refund grace
//!    (governed, fixed per order when it opens) have passed, for a destination that is gone. It
//!    is the one path that can break atomicity: if the destination did fill and its message is
//!    merely late, the user keeps the output and gets the input back while the solver loses.
//!    Governance must use it only once the destination is known to be dead; the grace should be
//!    long (days), far beyond any relaying delay.
//!
//! An order ends exactly once on the origin: closing removes it from `Orders` and records the
//! outcome in `ClosedOrders`, so every later fill or refund message fails with `OrderClosed`.
//! Deadlines are Unix seconds, which both chains read alike.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	ensure,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
		Get, UnixTime,
	},
};
use polkadot_sdk::{frame_support, sp_io::hashing::keccak_256, sp_runtime};
use scale_info::TypeInfo;
use sp_runtime::traits::{CheckedAdd, CheckedMul, CheckedSub, Zero};

use crate::{
	isms::{registry::IsmReads, Domain, Ism, IsmId, MAX_ISM_DEPTH},
	work::Work,
	BalanceOf, ClosedOrders, Config, DestinationOrders, EscrowTotal, Error, Event, HoldReason, IsmOf, Isms,
	OrderNonce, Orders, Pallet, RefundGrace, RemoteSettlers,
};

/// An order's id: `keccak256` of its SCALE-encoded [`OrderData`].
pub type OrderId = [u8; 32];

/// Everything both chains must agree on about an order. Its hash is the order id, so the
/// destination's settler, given these fields, pays exactly what the user asked for.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct OrderData {
	/// The chain the order was opened on, and its settler.
	pub origin: Domain,
	pub origin_settler: [u8; 32],
	/// Who opened it, and a nonce of the origin that makes each order unique.
	pub user: [u8; 32],
	pub nonce: u64,
	/// Held on the origin, paid to the solver on settlement.
	pub input_amount: u128,
	/// Where the output is delivered, by which settler.
	pub destination: Domain,
	pub destination_settler: [u8; 32],
	/// Paid on the destination to `output_recipient` by the solver.
	pub output_amount: u128,
	pub output_recipient: [u8; 32],
	/// Unix seconds: fills after it are refused.
	pub fill_deadline: u64,
	/// The security level: the origin's ISM that must attest the fill.
	pub ism: IsmId,
}

impl OrderData {
	/// The order id.
	pub fn id(&self) -> OrderId {
		keccak_256(&self.encode())
	}
}

/// An open order on its origin chain.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(T))]
pub struct OrderRecord<T: Config> {
	pub data: OrderData,
	/// The user's account (the `user` bytes of `data`).
	pub user: T::AccountId,
	/// The held input.
	pub input: BalanceOf<T>,
	/// The fee paid for the security level.
	pub fee: BalanceOf<T>,
	/// Unix seconds after which the order may be refunded: the fill deadline plus the refund
	/// grace when the order opened.
	pub refund_after: u64,
}

/// How an order ended (on its origin).
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum OrderOutcome {
	/// Settled by the fill message with this id.
	Settled { message_id: [u8; 32] },
	/// Refunded to the user by governance (`force_refund`), without the destination's word.
	Refunded,
	/// Refunded to the user on the destination's refund message with this id.
	RefundAttested { message_id: [u8; 32] },
}

/// What happened to an order on its destination: set once, so a fill and a refund exclude
/// each other there.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum DestinationStatus {
	/// Filled; the fill message names this solver (paid on the origin).
	Filled { solver: [u8; 32] },
	/// Refunded after its deadline, unfilled; the refund message went to the origin.
	Refunded,
}

/// The body the destination's settler sends: `0x01 ‖ order id ‖ solver` (65 bytes), the solver
/// being the 32-byte account that receives the input on the origin.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FillMessage {
	pub order_id: OrderId,
	pub solver: [u8; 32],
}

impl FillMessage {
	/// The message type byte.
	pub const FILLED: u8 = 1;
	/// Encoded length.
	pub const LEN: usize = 65;

	/// The message body.
	pub fn encode(&self) -> alloc::vec::Vec<u8> {
		let mut body = alloc::vec::Vec::with_capacity(Self::LEN);
		body.push(Self::FILLED);
		body.extend_from_slice(&self.order_id);
		body.extend_from_slice(&self.solver);
		body
	}

	/// Parse a body; `None` unless it is exactly a fill message.
	pub fn decode(body: &[u8]) -> Option<Self> {
		let (kind, rest) = body.split_first()?;
		if *kind != Self::FILLED || rest.len() != 64 {
			return None;
		}
		let (order_id, solver) = rest.split_at(32);
		Some(FillMessage { order_id: order_id.try_into().ok()?, solver: solver.try_into().ok()? })
	}
}

/// The body the destination's settler sends when an order expired unfilled there:
/// `0x02 ‖ order id` (33 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RefundMessage {
	pub order_id: OrderId,
}

impl RefundMessage {
	/// The message type byte.
	pub const REFUNDED: u8 = 2;
	/// Encoded length.
	pub const LEN: usize = 33;

	/// The message body.
	pub fn encode(&self) -> alloc::vec::Vec<u8> {
		let mut body = alloc::vec::Vec::with_capacity(Self::LEN);
		body.push(Self::REFUNDED);
		body.extend_from_slice(&self.order_id);
		body
	}

	/// Parse a body; `None` unless it is exactly a refund message.
	pub fn decode(body: &[u8]) -> Option<Self> {
		let (kind, rest) = body.split_first()?;
		if *kind != Self::REFUNDED {
			return None;
		}
		Some(RefundMessage { order_id: rest.try_into().ok()? })
	}
}

/// A message from a destination's settler to an origin's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SettlerMessage {
	/// The order was filled: pay the solver.
	Filled(FillMessage),
	/// The order expired unfilled: refund the user.
	Refunded(RefundMessage),
}

impl SettlerMessage {
	/// Parse a body; `None` unless it is exactly one of the two messages.
	pub fn decode(body: &[u8]) -> Option<Self> {
		FillMessage::decode(body).map(Self::Filled).or_else(|| RefundMessage::decode(body).map(Self::Refunded))
	}

	/// The order it concerns.
	pub fn order_id(&self) -> OrderId {
		match self {
			Self::Filled(fill) => fill.order_id,
			Self::Refunded(refund) => refund.order_id,
		}
	}
}

/// What a user asks for when opening an order.
pub struct OrderRequest<Balance> {
	pub input_amount: Balance,
	pub destination: Domain,
	pub destination_settler: [u8; 32],
	pub output_amount: u128,
	pub output_recipient: [u8; 32],
	pub fill_deadline: u64,
	pub ism: IsmId,
}

impl<T: Config> Pallet<T> {
	fn now() -> u64 {
		T::UnixTime::now().as_secs()
	}

	fn amount_of(balance: BalanceOf<T>) -> Result<u128, Error<T>> {
		balance.try_into().map_err(|_| Error::<T>::AmountOverflow)
	}

	fn balance_of(amount: u128) -> Result<BalanceOf<T>, Error<T>> {
		amount.try_into().map_err(|_| Error::<T>::AmountOverflow)
	}

	/// The fee of security level `ism` for fills coming from `origin` (the order's destination):
	/// per multisig, `FeePerValidator × validators + FeePerSignature × threshold`; an
	/// aggregation costs its `threshold` dearest modules; a routing ISM what its route costs.
	/// `None` if the ISM, a module or the route is missing.
	pub fn quote(ism: IsmId, origin: Domain) -> Option<BalanceOf<T>> {
		Self::quote_at(ism, origin, 0, &mut IsmReads::default())
	}

	fn quote_at(id: IsmId, origin: Domain, depth: u8, reads: &mut IsmReads<T>) -> Option<BalanceOf<T>> {
		if depth > MAX_ISM_DEPTH {
			return None;
		}
		Self::quote_of(reads.get(id).ok()?, origin, depth, reads)
	}

	/// The quote of an ISM already read (its modules are read through `reads`).
	fn quote_of(ism: IsmOf<T>, origin: Domain, depth: u8, reads: &mut IsmReads<T>) -> Option<BalanceOf<T>> {
		match ism {
			Ism::MessageIdMultisig(set) | Ism::MerkleRootMultisig(set) => {
				let validators = BalanceOf::<T>::from(u32::try_from(set.validators.len()).ok()?);
				let signatures = BalanceOf::<T>::from(u32::from(set.threshold));
				T::FeePerValidator::get()
					.checked_mul(&validators)?
					.checked_add(&T::FeePerSignature::get().checked_mul(&signatures)?)
			},
			Ism::Aggregation { modules, threshold } => {
				let mut fees = alloc::vec::Vec::with_capacity(modules.len());
				for module in modules.iter() {
					fees.push(Self::quote_at(*module, origin, depth.saturating_add(1), reads)?);
				}
				fees.sort_unstable_by(|a, b| b.cmp(a));
				fees.into_iter().take(usize::from(threshold)).try_fold(Zero::zero(), |sum: BalanceOf<T>, fee| sum.checked_add(&fee))
			},
			ism @ Ism::Routing { .. } => Self::quote_at(ism.route(origin)?, origin, depth.saturating_add(1), reads),
			// No validator or relayer is paid: the destination's solver pays the message's
			// delivery over XCM when it fills (the price of the level is in its spread). Usable
			// only for the domain its parachain is routed for, over an open channel.
			Ism::Native { para } => Self::native_usable(para, origin).then(Zero::zero),
		}
	}

	/// Open an order for `who`; returns its id. `work` counts the registry walks (the quote, the
	/// satisfiability check and the closure whose counters it raises).
	pub fn do_open_order(
		who: T::AccountId,
		request: OrderRequest<BalanceOf<T>>,
		max_fee: BalanceOf<T>,
		work: &mut Work,
	) -> Result<OrderId, sp_runtime::DispatchError> {
		ensure!(!request.input_amount.is_zero() && request.output_amount > 0, Error::<T>::ZeroAmount);
		ensure!(request.input_amount >= T::MinOrderInput::get(), Error::<T>::OrderTooSmall);
		let now = Self::now();
		ensure!(request.fill_deadline > now, Error::<T>::DeadlineInPast);
		ensure!(request.fill_deadline <= now.saturating_add(T::MaxFillWindow::get()), Error::<T>::DeadlineTooFar);
		ensure!(
			RemoteSettlers::<T>::get(request.destination) == Some(request.destination_settler),
			Error::<T>::UnknownSettler
		);
		// The level is read once: the quote walks its modules, the satisfiability check again.
		let mut reads = IsmReads::default();
		let ism = reads.get(request.ism).ok();
		let quoted = ism.clone().and_then(|ism| Self::quote_of(ism, request.destination, 0, &mut reads));
		work.ism_reads = work.ism_reads.saturating_add(reads.count);
		let fee = quoted.ok_or(Error::<T>::UnquotableIsm)?;
		let ism = ism.ok_or(Error::<T>::UnquotableIsm)?;
		work.ism_reads = work.ism_reads.saturating_add(Self::ensure_satisfiable(&ism, Some(request.destination))?);
		ensure!(fee <= max_fee, Error::<T>::FeeTooHigh);
		let escrow = EscrowTotal::<T>::get().checked_add(&request.input_amount).ok_or(Error::<T>::EscrowOverflow)?;

		let nonce = OrderNonce::<T>::get();
		let data = OrderData {
			origin: Self::local_domain()?,
			origin_settler: Self::settler_address(),
			user: who.clone().into(),
			nonce,
			input_amount: Self::amount_of(request.input_amount)?,
			destination: request.destination,
			destination_settler: request.destination_settler,
			output_amount: request.output_amount,
			output_recipient: request.output_recipient,
			fill_deadline: request.fill_deadline,
			ism: request.ism,
		};
		let order_id = data.id();

		// Effects (the call is one storage transaction: a failed hold undoes the fee).
		if !fee.is_zero() {
			T::Currency::transfer(&who, &Self::fee_account(), fee, Preservation::Preserve)?;
		}
		T::Currency::hold(&HoldReason::IntentEscrow.into(), &who, request.input_amount)?;
		OrderNonce::<T>::put(nonce.saturating_add(1));
		EscrowTotal::<T>::put(escrow);
		let mut reads = IsmReads::default();
		let counted = Self::count_order_refs(request.ism, true, &mut reads);
		work.ism_reads = work.ism_reads.saturating_add(reads.count);
		work.ref_updates = work.ref_updates.saturating_add(counted?);
		let refund_after = request.fill_deadline.saturating_add(RefundGrace::<T>::get());
		Orders::<T>::insert(
			order_id,
			crate::OrderRecord { data: data.clone(), user: who.clone(), input: request.input_amount, fee, refund_after },
		);
		Self::deposit_event(Event::OrderOpened { order_id, user: who, order: data, fee, refund_after });
		Ok(order_id)
	}

	/// The id of `order` if this chain is its destination and nothing happened to it here yet.
	fn fresh_here(order: &OrderData) -> Result<OrderId, sp_runtime::DispatchError> {
		ensure!(
			order.destination == Self::local_domain()? && order.destination_settler == Self::settler_address(),
			Error::<T>::NotThisDestination
		);
		let order_id = order.id();
		match DestinationOrders::<T>::get(order_id) {
			None => Ok(order_id),
			Some(DestinationStatus::Filled { .. }) => Err(Error::<T>::AlreadyFilled.into()),
			Some(DestinationStatus::Refunded) => Err(Error::<T>::AlreadyRefunded.into()),
		}
	}

	/// Fill `order` here as its destination: pay the output and send the fill message.
	pub fn do_fill_order(who: T::AccountId, order: OrderData, origin_solver: [u8; 32]) -> sp_runtime::DispatchResult {
		let order_id = Self::fresh_here(&order)?;
		ensure!(Self::now() <= order.fill_deadline, Error::<T>::FillDeadlinePassed);
		let amount = Self::balance_of(order.output_amount)?;
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let recipient = T::AccountId::from(order.output_recipient);

		T::Currency::transfer(&who, &recipient, amount, Preservation::Expendable)?;
		DestinationOrders::<T>::insert(order_id, DestinationStatus::Filled { solver: origin_solver });
		let body = FillMessage { order_id, solver: origin_solver }.encode();
		let message_id = Self::do_dispatch(Self::settler_address(), order.origin, order.origin_settler, body, &who)?;
		Self::deposit_event(Event::OrderFilled { order_id, filler: who, recipient, amount, message_id });
		Ok(())
	}

	/// Refund `order` here as its destination, after its deadline and unfilled: no fill can
	/// follow, and the refund message goes to the origin, which returns the input to the user.
	pub fn do_refund_order(who: T::AccountId, order: OrderData) -> sp_runtime::DispatchResult {
		let order_id = Self::fresh_here(&order)?;
		ensure!(Self::now() > order.fill_deadline, Error::<T>::RefundTooEarly);
		DestinationOrders::<T>::insert(order_id, DestinationStatus::Refunded);
		let body = RefundMessage { order_id }.encode();
		let message_id = Self::do_dispatch(Self::settler_address(), order.origin, order.origin_settler, body, &who)?;
		Self::deposit_event(Event::OrderRefundDispatched { order_id, message_id });
		Ok(())
	}

	/// Settle an open order from its verified fill message.
	pub(crate) fn settle(
		fill: crate::FillMessage,
		record: crate::OrderRecord<T>,
		message_id: [u8; 32],
		work: &mut Work,
	) -> Result<(), Error<T>> {
		let solver = T::AccountId::from(fill.solver);
		let escrow = EscrowTotal::<T>::get().checked_sub(&record.input).ok_or(Error::<T>::EscrowOverflow)?;
		T::Currency::transfer_on_hold(
			&HoldReason::IntentEscrow.into(),
			&record.user,
			&solver,
			record.input,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Polite,
		)
		.map_err(|_| Error::<T>::EscrowTransferFailed)?;
		EscrowTotal::<T>::put(escrow);
		Self::close(fill.order_id, &record, OrderOutcome::Settled { message_id }, work);
		Self::deposit_event(Event::OrderSettled { order_id: fill.order_id, solver, amount: record.input, message_id });
		Ok(())
	}

	/// End an order: it leaves `Orders` and its outcome stays in `ClosedOrders`, so that it can
	/// be neither settled nor refunded again. Never fails: the closure walk reads what the
	/// opening read (see [`crate::isms::registry`]); were the registry ever inconsistent, the
	/// order still closes and `try_state` reports the counters.
	fn close(order_id: OrderId, record: &crate::OrderRecord<T>, outcome: OrderOutcome, work: &mut Work) {
		Orders::<T>::remove(order_id);
		let mut reads = IsmReads::unlimited();
		let counted = Self::count_order_refs(record.data.ism, false, &mut reads);
		work.ism_reads = work.ism_reads.saturating_add(reads.count);
		work.ref_updates = work.ref_updates.saturating_add(counted.unwrap_or(0));
		ClosedOrders::<T>::insert(order_id, outcome);
	}

	/// Refund an open order on the destination's verified refund message.
	pub(crate) fn refund_attested(
		order_id: OrderId,
		record: crate::OrderRecord<T>,
		message_id: [u8; 32],
		work: &mut Work,
	) -> Result<(), Error<T>> {
		Self::release_to_user(order_id, record, OrderOutcome::RefundAttested { message_id }, work)
	}

	/// Refund an order past its deadline and grace without the destination's word (governance's
	/// escape hatch for a destination that is gone; see the module docs for its risk).
	pub fn do_force_refund(order_id: OrderId, work: &mut Work) -> sp_runtime::DispatchResult {
		let record = Self::open_record(order_id)?;
		ensure!(Self::now() > record.refund_after, Error::<T>::RefundTooEarly);
		Ok(Self::release_to_user(order_id, record, OrderOutcome::Refunded, work)?)
	}

	/// The open order `order_id`; typed errors for a closed or unknown one.
	pub(crate) fn open_record(order_id: OrderId) -> Result<crate::OrderRecord<T>, Error<T>> {
		match Orders::<T>::get(order_id) {
			Some(record) => Ok(record),
			None if ClosedOrders::<T>::contains_key(order_id) => Err(Error::<T>::OrderClosed),
			None => Err(Error::<T>::UnknownOrder),
		}
	}

	fn release_to_user(
		order_id: OrderId,
		record: crate::OrderRecord<T>,
		outcome: OrderOutcome,
		work: &mut Work,
	) -> Result<(), Error<T>> {
		let escrow = EscrowTotal::<T>::get().checked_sub(&record.input).ok_or(Error::<T>::EscrowOverflow)?;
		T::Currency::release(&HoldReason::IntentEscrow.into(), &record.user, record.input, Precision::Exact)
			.map_err(|_| Error::<T>::EscrowTransferFailed)?;
		EscrowTotal::<T>::put(escrow);
		Self::close(order_id, &record, outcome, work);
		Self::deposit_event(Event::OrderRefunded { order_id, user: record.user, amount: record.input });
		Ok(())
	}
}

/// The fees of every security level, for wallets: `(ism, fee)` for each ISM that can attest
/// fills from `destination`.
pub fn quotes<T: Config>(destination: Domain) -> alloc::vec::Vec<(IsmId, BalanceOf<T>)> {
	Isms::<T>::iter_keys().filter_map(|id| Some((id, Pallet::<T>::quote(id, destination)?))).collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn fill_message_layout() {
		let fill = FillMessage { order_id: [7; 32], solver: [9; 32] };
		let body = fill.encode();
		assert_eq!(body.len(), FillMessage::LEN);
		assert_eq!(body[0], 1);
		assert_eq!(FillMessage::decode(&body), Some(fill));
		assert_eq!(FillMessage::decode(&body[..64]), None);
		let mut other = body.clone();
		other[0] = 2;
		assert_eq!(FillMessage::decode(&other), None);
		let mut longer = body;
		longer.push(0);
		assert_eq!(FillMessage::decode(&longer), None);
	}

	#[test]
	fn refund_message_layout_and_settler_messages() {
		let refund = RefundMessage { order_id: [7; 32] };
		let body = refund.encode();
		assert_eq!(body.len(), RefundMessage::LEN);
		assert_eq!(body[0], 2);
		assert_eq!(RefundMessage::decode(&body), Some(refund));
		assert_eq!(RefundMessage::decode(&body[..32]), None);
		let mut longer = body.clone();
		longer.push(0);
		assert_eq!(RefundMessage::decode(&longer), None);
		assert_eq!(SettlerMessage::decode(&body), Some(SettlerMessage::Refunded(refund)));
		let fill = FillMessage { order_id: [7; 32], solver: [9; 32] };
		assert_eq!(SettlerMessage::decode(&fill.encode()), Some(SettlerMessage::Filled(fill)));
		// A fill's bytes cut to a refund's length are neither.
		assert_eq!(SettlerMessage::decode(&fill.encode()[..33]), None);
		assert_eq!(SettlerMessage::decode(&[]), None);
		assert_eq!(SettlerMessage::decode(&longer).map(|m| m.order_id()), None);
	}
}
