//! One zkSettle chain's mailbox, as the agents see it over RPC: its domain and merkle tree hook,
//! the messages it dispatched, the ISM that guards a message's delivery, and `process`.
//!
//! The dispatched messages are read from the current state (`SettlementApi::dispatched_messages`)
//! and followed by leaf index ([`Outbox`]), never from events: an ordinary node prunes the state
//! of blocks older than 256, events included, and an agent must be able to sign or deliver a
//! message however long it was down.

use codec::{Decode, Encode};
use pallet_settlement::{merkle::IncrementalMerkle, message::Message, SettlerMessage};
use subxt::dynamic;
use zksettle_client::chain::{Chain, Included};

use crate::{signer::EthAddress, AgentError};

/// The settlement pallet's name in the runtime.
pub const SETTLEMENT: &str = "Settlement";

/// A dispatched message: what a validator signs and a relayer delivers (the fields of the
/// pallet's `Dispatched` event, rebuilt by [`Outbox`] from the message and the tree).
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct Dispatched {
	/// Message id.
	pub id: [u8; 32],
	/// Sender.
	pub sender: [u8; 32],
	/// Destination domain.
	pub destination: u32,
	/// Recipient.
	pub recipient: [u8; 32],
	/// The message bytes.
	pub message: Vec<u8>,
	/// Its leaf in the outbound tree.
	pub leaf_index: u32,
	/// The tree root after it.
	pub root: [u8; 32],
}

/// An ISM configuration (`pallet_settlement::Ism`, decoded by variant order).
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub enum Ism {
	/// Message-id multisig.
	MessageIdMultisig {
		/// Validators, in signature order.
		validators: Vec<EthAddress>,
		/// Signatures needed.
		threshold: u8,
	},
	/// Merkle-root multisig.
	MerkleRootMultisig {
		/// Validators, in signature order.
		validators: Vec<EthAddress>,
		/// Signatures needed.
		threshold: u8,
	},
	/// Aggregation.
	Aggregation {
		/// Modules.
		modules: Vec<u32>,
		/// How many must verify.
		threshold: u8,
	},
	/// Routing by origin.
	Routing {
		/// `(origin, ism)` routes.
		routes: Vec<(u32, u32)>,
	},
	/// Attested over XCM by a sibling parachain: no metadata.
	Native {
		/// The parachain whose attestation counts.
		para: u32,
	},
}

/// A connected mailbox.
pub struct Mailbox {
	/// The connection.
	pub chain: Chain,
	/// Local domain.
	pub domain: u32,
	/// Merkle tree hook (the mailbox address), as checkpoints name it.
	pub hook: [u8; 32],
	/// The intent settler's address.
	pub settler: [u8; 32],
	/// Where the node is, to reconnect.
	pub url: String,
}

fn node<E: std::fmt::Display>(e: E) -> AgentError {
	AgentError::Node(e.to_string())
}

impl Mailbox {
	/// Connect to the node at `url` and read its mailbox identity.
	pub async fn connect(url: &str) -> Result<Self, AgentError> {
		let chain = Chain::connect(url).await?;
		let mut mailbox = Mailbox { chain, domain: 0, hook: [0; 32], settler: [0; 32], url: url.to_string() };
		mailbox.domain = mailbox.api("SettlementApi_local_domain", &[]).await?;
		mailbox.hook = mailbox.api("SettlementApi_mailbox_address", &[]).await?;
		mailbox.settler = mailbox.api("SettlementApi_settler_address", &[]).await?;
		Ok(mailbox)
	}

	/// Connect again (after the node restarted or the connection dropped). The node must still
	/// serve the same chain (genesis, domain, mailbox and settler): an agent never carries its
	/// position over to another chain. On failure the old connection stays.
	pub async fn reconnect(&mut self) -> Result<(), AgentError> {
		let fresh = Mailbox::connect(&self.url).await?;
		let same = fresh.chain.genesis_hash() == self.chain.genesis_hash() &&
			(fresh.domain, fresh.hook, fresh.settler) == (self.domain, self.hook, self.settler);
		if !same {
			return Err(AgentError::Config(format!("{} now serves another chain than before", self.url)));
		}
		*self = fresh;
		Ok(())
	}

	/// Call a runtime API at the finalized head.
	async fn api<R: Decode>(&self, function: &str, args: &[u8]) -> Result<R, AgentError> {
		Ok(self.chain.runtime_api(function, args).await?)
	}

	/// The latest finalized block number.
	pub async fn finalized(&self) -> Result<u64, AgentError> {
		Ok(self.chain.finalized().await?)
	}

	/// Up to `count` (at most 256) messages dispatched here from leaf `start`, in order.
	pub async fn messages(&self, start: u32, count: u32) -> Result<Vec<Vec<u8>>, AgentError> {
		self.api("SettlementApi_dispatched_messages", &(start, count).encode()).await
	}

	/// `(root, index)` of the outbound tree's latest checkpoint at the finalized head; `None`
	/// before the first message.
	pub async fn latest_checkpoint(&self) -> Result<Option<([u8; 32], u32)>, AgentError> {
		self.api("SettlementApi_latest_checkpoint", &[]).await
	}

	/// Whether message `id` was delivered here.
	pub async fn delivered(&self, id: [u8; 32]) -> Result<bool, AgentError> {
		self.api("SettlementApi_delivered", &id.encode()).await
	}

	/// The id of the ISM that will verify `message` here: for a fill or refund message to the
	/// settler, the security level its order chose; otherwise the default ISM (zkSettle's own
	/// recipients choose none). A fill or refund of an order that is not open here yet (its
	/// opening not final, while the solver filled from a block that was not) is waited for,
	/// until the order is open or has ended; one of an order that ended is given up.
	pub async fn ism_id_for(&self, message: &Message) -> Result<u32, AgentError> {
		if message.recipient == self.settler {
			let order_id = SettlerMessage::decode(&message.body)
				.ok_or_else(|| AgentError::Unsupported("neither a fill nor a refund message".into()))?
				.order_id();
			// `order` returns (OrderData, fee, refund_after).
			let order: Option<(pallet_settlement::OrderData, u128, u64)> =
				self.api("SettlementApi_order", &order_id.encode()).await?;
			if let Some((order, _, _)) = order {
				return Ok(order.ism);
			}
			let ended: Option<pallet_settlement::OrderOutcome> =
				self.api("SettlementApi_order_outcome", &order_id.encode()).await?;
			return Err(match ended {
				Some(outcome) => AgentError::Unsupported(format!("the order 0x{} ended ({outcome:?})", hex::encode(order_id))),
				None => AgentError::Waiting(format!("the order 0x{} is not open here yet", hex::encode(order_id))),
			});
		}
		let at = self.chain.client().at_current_block().await.map_err(node)?;
		let value = at
			.storage()
			.try_fetch(dynamic::storage::<(), dynamic::Value>(SETTLEMENT, "DefaultIsm"), ())
			.await
			.map_err(node)?
			.ok_or_else(|| AgentError::Unsupported("the destination has no default ISM".into()))?;
		u32::decode(&mut value.bytes()).map_err(node)
	}

	/// Whether sibling parachain `para` attested message `id` here over XCM (the native level:
	/// the relayer brings the rest of an aggregation's metadata, and nothing for this module).
	pub async fn natively_attested(&self, id: [u8; 32], para: u32) -> Result<bool, AgentError> {
		let at = self.chain.client().at_current_block().await.map_err(node)?;
		let value = at
			.storage()
			.try_fetch(dynamic::storage::<([u8; 32],), dynamic::Value>(SETTLEMENT, "NativeAttested"), (id,))
			.await
			.map_err(node)?;
		match value {
			Some(value) => Ok(u32::decode(&mut value.bytes()).map_err(node)? == para),
			None => Ok(false),
		}
	}

	/// ISM `id`'s configuration.
	pub async fn ism(&self, id: u32) -> Result<Ism, AgentError> {
		let at = self.chain.client().at_current_block().await.map_err(node)?;
		let value = at
			.storage()
			.try_fetch(dynamic::storage::<(u32,), dynamic::Value>(SETTLEMENT, "Isms"), (id,))
			.await
			.map_err(node)?
			.ok_or_else(|| AgentError::Unsupported(format!("ISM {id} does not exist")))?;
		Ism::decode(&mut value.bytes()).map_err(node)
	}

	/// Every storage location each of `validators` announced here, oldest first (relayers read
	/// the last). A location that is not UTF-8 (the pallet refuses those) is left out.
	pub async fn announced_storage_locations(&self, validators: &[EthAddress]) -> Result<Vec<Vec<String>>, AgentError> {
		let locations: Vec<Vec<Vec<u8>>> = self.api("SettlementApi_announced_storage_locations", &validators.encode()).await?;
		if locations.len() != validators.len() {
			return Err(AgentError::Node(format!("{} answers for {} validators", locations.len(), validators.len())));
		}
		Ok(locations.into_iter().map(|ls| ls.into_iter().filter_map(|l| String::from_utf8(l).ok()).collect()).collect())
	}

	/// Submit `announce(validator, location, signature)`, paid by `payer`.
	pub async fn announce(
		&self,
		validator: EthAddress,
		location: &str,
		signature: &[u8; 65],
		payer: &subxt_signer::sr25519::Keypair,
	) -> Result<Included, AgentError> {
		let args = (validator, location.as_bytes(), signature).encode();
		Ok(self.chain.submit_to(SETTLEMENT, "announce", &args, Some(payer)).await?)
	}

	/// What `process(metadata, message)` from `relayer` would do at the finalized head, found by
	/// a dry run (`DryRunApi::dry_run_call`), which costs the relayer nothing: `Ok(())`, or the
	/// refusal as `Pallet::Error` (other dispatch errors by their variant).
	pub async fn dry_run_process(&self, metadata: &[u8], message: &[u8], relayer: [u8; 32]) -> Result<Result<(), String>, AgentError> {
		let call = self.chain.call_data(SETTLEMENT, "process", &(metadata, message).encode()).await?;
		let at = self.chain.client().at_current_block().await.map_err(node)?;
		let metadata = at.metadata();
		let system = metadata.pallet_by_name("System").ok_or_else(|| AgentError::Node("no System pallet".into()))?.call_index();
		// `OriginCaller::system(RawOrigin::Signed(relayer))`, the call, the XCM version of the
		// effects (unused here).
		let mut args = vec![system, 1];
		args.extend_from_slice(&relayer);
		args.extend_from_slice(&call);
		args.extend_from_slice(&5u32.encode());
		let effects: Result<dry_run::Execution, u8> = self.api("DryRunApi_dry_run_call", &args).await?;
		let execution = effects.map_err(|e| AgentError::Node(format!("the node cannot dry-run calls (error {e})")))?;
		Ok(execution.map(|_| ()).map_err(|(_, error)| match error {
			dry_run::DispatchError::Module { index, error } => metadata
				.pallet_by_error_index(index)
				.and_then(|pallet| pallet.error_variant_by_index(error[0]).map(|v| format!("{}::{}", pallet.name(), v.name)))
				.unwrap_or_else(|| format!("module {index} error {}", error[0])),
			other => format!("{other:?}"),
		}))
	}

	/// Submit `process(metadata, message)` signed by `relayer`.
	pub async fn process(
		&self,
		metadata: &[u8],
		message: &[u8],
		relayer: &subxt_signer::sr25519::Keypair,
	) -> Result<Included, AgentError> {
		let args = (metadata, message).encode();
		Ok(self.chain.submit_to(SETTLEMENT, "process", &args, Some(relayer)).await?)
	}
}

/// The head of `DryRunApi::dry_run_call`'s answer: the call's dispatch result (the emitted
/// events and messages after it are not read).
mod dry_run {
	use codec::Decode;

	/// `Weight`.
	#[derive(Debug, Decode)]
	pub struct Weight {
		#[codec(compact)]
		_ref_time: u64,
		#[codec(compact)]
		_proof_size: u64,
	}

	/// `PostDispatchInfo`.
	#[derive(Debug, Decode)]
	pub struct PostInfo {
		_actual_weight: Option<Weight>,
		_pays_fee: u8,
	}

	/// `sp_runtime::DispatchError`, by variant index (the fields are shown by `Debug` only).
	#[allow(dead_code)]
	#[derive(Debug, Decode)]
	pub enum DispatchError {
		#[codec(index = 0)]
		Other,
		#[codec(index = 1)]
		CannotLookup,
		#[codec(index = 2)]
		BadOrigin,
		#[codec(index = 3)]
		Module { index: u8, error: [u8; 4] },
		#[codec(index = 4)]
		ConsumerRemaining,
		#[codec(index = 5)]
		NoProviders,
		#[codec(index = 6)]
		TooManyConsumers,
		#[codec(index = 7)]
		Token(u8),
		#[codec(index = 8)]
		Arithmetic(u8),
		#[codec(index = 9)]
		Transactional(u8),
		#[codec(index = 10)]
		Exhausted,
		#[codec(index = 11)]
		Corruption,
		#[codec(index = 12)]
		Unavailable,
		#[codec(index = 13)]
		RootNotAllowed,
		#[codec(index = 14)]
		Trie(u8),
	}

	/// `DispatchResultWithPostInfo`.
	pub type Execution = Result<PostInfo, (PostInfo, DispatchError)>;
}

/// A mailbox's outbound messages, followed by leaf index with the outbound tree rebuilt alongside
/// (as Hyperlane agents rebuild the merkle tree hook's tree from its insertions).
#[derive(Clone, Default)]
pub struct Outbox {
	tree: IncrementalMerkle,
	/// Every message id so far, by leaf: what merkle proofs are built from.
	pub ids: Vec<[u8; 32]>,
}

impl Outbox {
	/// Leaves followed so far (the next leaf index).
	pub fn next(&self) -> u32 {
		self.tree.count
	}

	/// The messages dispatched since the last poll, up to the finalized head. Each must be this
	/// chain's, numbered by its leaf, and hash to the id the rebuilt tree takes in; the rebuilt
	/// root must be the chain's own checkpoint root. Otherwise nothing is taken in (so nothing is
	/// signed or delivered) and the error says why.
	pub async fn poll(&mut self, mailbox: &Mailbox) -> Result<Vec<Dispatched>, AgentError> {
		let Some((root, last)) = mailbox.latest_checkpoint().await? else { return Ok(Vec::new()) };
		let count = last.saturating_add(1);
		let mut tree = self.tree.clone();
		let mut out = Vec::new();
		while tree.count < count {
			let next = tree.count;
			let batch = mailbox.messages(next, (count - next).min(256)).await?;
			if batch.is_empty() {
				return Err(AgentError::Node(format!("the origin serves no message at leaf {next} of {count}")));
			}
			for bytes in batch {
				let index = tree.count;
				let message =
					Message::from_bytes(&bytes).map_err(|_| AgentError::Node(format!("leaf {index}: a message shorter than its header")))?;
				if message.origin != mailbox.domain || message.nonce != index {
					return Err(AgentError::Node(format!("leaf {index}: a message of another origin or nonce")));
				}
				let id = message.id();
				tree.insert(id).map_err(|_| AgentError::Node("the outbound tree is full".into()))?;
				out.push(Dispatched {
					id,
					sender: message.sender,
					destination: message.destination,
					recipient: message.recipient,
					message: bytes,
					leaf_index: index,
					root: tree.root(),
				});
			}
		}
		if tree.count != count || tree.root() != root {
			return Err(AgentError::Node(format!(
				"the messages the origin serves do not rebuild its tree (root 0x{} at leaf {last}): refusing them",
				hex::encode(root)
			)));
		}
		self.ids.extend(out.iter().map(|d| d.id));
		self.tree = tree;
		Ok(out)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
	use polkadot_sdk::frame_support::{traits::ConstU32, BoundedVec};

	type PalletIsm = pallet_settlement::Ism<ConstU32<8>, ConstU32<8>>;

	/// The agent reads ISMs from storage with its own mirror of the pallet's enum: every variant
	/// must decode to its counterpart, the native level included.
	#[test]
	fn every_ism_the_pallet_stores_decodes_here() {
		let set = pallet_settlement::ValidatorSet { validators: BoundedVec::truncate_from(vec![[1; 20], [2; 20]]), threshold: 2 };
		let cases = [
			(PalletIsm::MessageIdMultisig(set.clone()), Ism::MessageIdMultisig { validators: vec![[1; 20], [2; 20]], threshold: 2 }),
			(PalletIsm::MerkleRootMultisig(set), Ism::MerkleRootMultisig { validators: vec![[1; 20], [2; 20]], threshold: 2 }),
			(
				PalletIsm::Aggregation { modules: BoundedVec::truncate_from(vec![1, 2]), threshold: 2 },
				Ism::Aggregation { modules: vec![1, 2], threshold: 2 },
			),
			(PalletIsm::Routing { routes: BoundedVec::truncate_from(vec![(7, 1)]) }, Ism::Routing { routes: vec![(7, 1)] }),
			(PalletIsm::Native { para: 2_043 }, Ism::Native { para: 2_043 }),
		];
		for (stored, read) in cases {
			assert_eq!(Ism::decode(&mut &stored.encode()[..]).unwrap(), read);
		}
	}
}
