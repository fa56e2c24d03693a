//! A zkSettle node over its RPC (subxt): block hashes, headers and bodies, storage and runtime
//! calls at the finalized head, and submission.
//!
//! Submission watches the transaction (`submit_and_watch`) until a finalized block holds it
//! (the dev node's manual seal reports `Ready` then `Finalized`, without `InBlock`), then reads
//! its outcome from that block's events: a recent block, whose state every node keeps. A
//! refusal comes back as the pool's message ([`ClientError::Invalid`]) or the pallet error's
//! names ([`ClientError::Module`]), for the tool to map to its own errors.

use std::time::Duration;

use codec::Decode;
use subxt::{
	config::{substrate::SubstrateHeader, DefaultExtrinsicParamsBuilder, RpcConfigFor},
	dynamic,
	error::TransactionEventsError,
	rpcs::{methods::legacy::LegacyRpcMethods, rpc_params, RpcClient},
	transactions::TransactionStatus,
	utils::{AccountId32, H256},
	OnlineClient, PolkadotConfig,
};

use crate::ClientError;

fn node<E: std::fmt::Display>(e: E) -> ClientError {
	ClientError::Node(e.to_string())
}

/// A connection to a node.
pub struct Chain {
	client: OnlineClient<PolkadotConfig>,
	/// The same connection, for the RPCs subxt does not wrap (the pool-aware account nonce,
	/// headers and bodies by hash).
	rpc: LegacyRpcMethods<RpcConfigFor<PolkadotConfig>>,
	/// The same connection, raw (block hashes of many numbers in one request).
	raw: RpcClient,
	/// Held from reading an account's next nonce until its transaction is in the node's pool, so
	/// that transactions submitted at once from one account (a relayer's) get distinct nonces;
	/// waiting for inclusion happens outside it, concurrently.
	submitting: tokio::sync::Mutex<()>,
}

/// A block header.
pub type Header = SubstrateHeader<H256>;

/// Where an extrinsic landed.
#[derive(Clone, Debug)]
pub struct Included {
	/// Block number.
	pub block: u64,
	/// Extrinsic hash, hex.
	pub hash: String,
	/// The call data (pallet and call index, then the arguments), for records or resubmission.
	pub call: Vec<u8>,
}

impl Chain {
	/// Connect to `url` (ws:// or wss://).
	pub async fn connect(url: &str) -> Result<Self, ClientError> {
		let cannot = |e: &dyn std::fmt::Display| ClientError::Node(format!("cannot connect to {url}: {e}"));
		let rpc = RpcClient::from_insecure_url(url).await.map_err(|e| cannot(&e))?;
		let client = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await.map_err(|e| cannot(&e))?;
		Ok(Chain { client, rpc: LegacyRpcMethods::new(rpc.clone()), raw: rpc, submitting: tokio::sync::Mutex::new(()) })
	}

	/// The chain's genesis hash, hex.
	pub fn genesis(&self) -> String {
		hex::encode(self.client.genesis_hash())
	}

	/// The chain's genesis hash, which shielded proofs commit to.
	pub fn genesis_hash(&self) -> [u8; 32] {
		self.client.genesis_hash().0
	}

	/// Call the runtime API `function` (e.g. `SettlementApi_order`) with SCALE-encoded `args` at
	/// the finalized head, and decode its result.
	pub async fn runtime_api<R: Decode>(&self, function: &str, args: &[u8]) -> Result<R, ClientError> {
		self.runtime_api_at(None, function, args).await
	}

	/// [`Chain::runtime_api`] in the state of block `at` (the finalized head if `None`).
	pub async fn runtime_api_at<R: Decode>(&self, at: Option<H256>, function: &str, args: &[u8]) -> Result<R, ClientError> {
		let at = match at {
			Some(hash) => self.client.at_block(hash).await.map_err(node)?,
			None => self.client.at_current_block().await.map_err(node)?,
		};
		let bytes = at.runtime_apis().call_raw(function, Some(args)).await.map_err(node)?;
		R::decode(&mut &bytes[..]).map_err(node)
	}

	/// The node's best block: its number and hash (included, not necessarily final).
	pub async fn best(&self) -> Result<(u64, H256), ClientError> {
		// The hash first, then that block's header: one block, even if the best block changes
		// between the two requests.
		let hash = self.rpc.chain_get_block_hash(None).await.map_err(node)?;
		let hash = hash.ok_or_else(|| ClientError::Node("the node has no best block".into()))?;
		Ok((u64::from(self.header(hash).await?.number), hash))
	}

	/// The latest finalized block number.
	pub async fn finalized(&self) -> Result<u64, ClientError> {
		Ok(self.client.at_current_block().await.map_err(node)?.block_number())
	}

	/// The hashes of blocks `numbers` (finalized ones: the canonical chain), in one request.
	pub async fn block_hashes(&self, numbers: &[u64]) -> Result<Vec<H256>, ClientError> {
		let hashes: Vec<Option<H256>> = self.raw.request("chain_getBlockHash", rpc_params![numbers]).await.map_err(node)?;
		if hashes.len() != numbers.len() {
			return Err(ClientError::Node("chain_getBlockHash answered for other blocks".into()));
		}
		numbers
			.iter()
			.zip(hashes)
			.map(|(n, h)| h.ok_or_else(|| ClientError::Node(format!("the node has no block {n}"))))
			.collect()
	}

	/// The hash of block `number` on the node's best chain, `None` if it has no such block.
	pub async fn block_hash(&self, number: u64) -> Result<Option<H256>, ClientError> {
		let hashes: Vec<Option<H256>> = self.raw.request("chain_getBlockHash", rpc_params![[number]]).await.map_err(node)?;
		match hashes.as_slice() {
			[one] => Ok(*one),
			_ => Err(ClientError::Node("chain_getBlockHash answered for other blocks".into())),
		}
	}

	/// The chain type of the node's spec (`system_chainType`), as JSON.
	pub async fn chain_type(&self) -> Result<serde_json::Value, ClientError> {
		self.raw.request("system_chainType", rpc_params![]).await.map_err(node)
	}

	/// The header of block `hash`.
	pub async fn header(&self, hash: H256) -> Result<Header, ClientError> {
		self.rpc.chain_get_header(Some(hash)).await.map_err(node)?.ok_or_else(|| ClientError::Node(format!("no header {hash:?}")))
	}

	/// The extrinsics of block `hash`, encoded.
	pub async fn body(&self, hash: H256) -> Result<Vec<Vec<u8>>, ClientError> {
		let block = self.rpc.chain_get_block(Some(hash)).await.map_err(node)?;
		let block = block.ok_or_else(|| ClientError::Node(format!("the node has no body for block {hash:?}")))?;
		Ok(block.block.extrinsics.into_iter().map(|e| e.0).collect())
	}

	/// Free public balance of `account`.
	pub async fn free_balance(&self, account: &AccountId32) -> Result<u128, ClientError> {
		#[derive(scale_decode::DecodeAsType)]
		struct AccountInfo {
			data: AccountData,
		}
		#[derive(scale_decode::DecodeAsType)]
		struct AccountData {
			free: u128,
		}
		let info: Option<AccountInfo> = self.fetch("System", "Account", (account.0,)).await?;
		Ok(info.map_or(0, |info| info.data.free))
	}

	/// The value of `pallet.entry` under `key` in the state of the node's best block, decoded by field name
	/// against the node's metadata; `None` where there is none.
	pub async fn fetch<K, V>(&self, pallet: &str, entry: &str, key: K) -> Result<Option<V>, ClientError>
	where
		K: subxt::ext::frame_decode::storage::IntoEncodableValues + subxt::ext::frame_decode::storage::IntoDecodableValues,
		V: scale_decode::DecodeAsType,
	{
		// At the best block, not the finalized one: what a transaction submitted now is checked
		// against (funds that just arrived count), and on a relay-chain network finality lags the
		// best block by several blocks.
		let at = match self.rpc.chain_get_block_hash(None).await.map_err(node)? {
			Some(best) => self.client.at_block(best).await.map_err(node)?,
			None => self.client.at_current_block().await.map_err(node)?,
		};
		match at.storage().try_fetch(dynamic::storage::<K, V>(pallet, entry), key).await.map_err(node)? {
			Some(value) => Ok(Some(value.decode().map_err(node)?)),
			None => Ok(None),
		}
	}

	/// The legacy RPC methods over the same connection.
	pub fn legacy_rpc(&self) -> &LegacyRpcMethods<RpcConfigFor<PolkadotConfig>> {
		&self.rpc
	}

	/// The subxt client, for queries this module does not wrap.
	pub fn client(&self) -> &OnlineClient<PolkadotConfig> {
		&self.client
	}

	/// The call data of `pallet_name.call_name` with SCALE-encoded arguments `args` (pallet and
	/// call index from the node's metadata), for example to wrap it in another call.
	pub async fn call_data(&self, pallet_name: &str, call_name: &str, args: &[u8]) -> Result<Vec<u8>, ClientError> {
		let at = self.client.at_current_block().await.map_err(node)?;
		let metadata = at.metadata();
		let pallet =
			metadata.pallet_by_name(pallet_name).ok_or_else(|| ClientError::Node(format!("no {pallet_name} pallet")))?;
		let call = pallet
			.call_variant_by_name(call_name)
			.ok_or_else(|| ClientError::Node(format!("no call {pallet_name}.{call_name}")))?;
		let mut call_data = vec![pallet.call_index(), call.index];
		call_data.extend_from_slice(args);
		Ok(call_data)
	}

	/// Submit `pallet_name.call_name` with SCALE-encoded arguments `args`, signed by `signer` or
	/// unsigned when `signer` is `None` ([`Self::submit_call`]).
	pub async fn submit_to(
		&self,
		pallet_name: &str,
		call_name: &str,
		args: &[u8],
		signer: Option<&subxt_signer::sr25519::Keypair>,
	) -> Result<Included, ClientError> {
		let call_data = self.call_data(pallet_name, call_name, args).await?;
		self.submit_call(call_data, signer).await
	}

	/// The bytes of an unsigned extrinsic of `call_data` (as [`Self::call_data`] builds it),
	/// checked against the node's metadata, for a caller that submits it itself.
	pub async fn unsigned_extrinsic(&self, call_data: &[u8]) -> Result<Vec<u8>, ClientError> {
		let at = self.client.at_current_block().await.map_err(node)?;
		let payload =
			at.transactions().from_call_data_bytes(call_data).map_err(|e| ClientError::Node(format!("call encoding: {e}")))?;
		Ok(at.transactions().create_unsigned(&payload).map_err(node)?.encoded().to_vec())
	}

	/// Submit encoded call data (as [`Included::call`] holds it), signed or unsigned, and watch
	/// it (`submit_and_watch`) until a finalized block holds it; report where, or the chain's
	/// refusal as a typed error.
	pub async fn submit_call(
		&self,
		call_data: Vec<u8>,
		signer: Option<&subxt_signer::sr25519::Keypair>,
	) -> Result<Included, ClientError> {
		let submitting = self.submitting.lock().await;
		let at = self.client.at_current_block().await.map_err(node)?;
		let mut txs = at.transactions();
		// Decoding against the node's metadata checks our encoding of the arguments.
		let payload = txs.from_call_data_bytes(&call_data).map_err(|e| ClientError::Node(format!("call encoding: {e}")))?;
		let submittable = match signer {
			Some(signer) => {
				// The nonce the node's pool expects next: the finalized state's nonce (subxt's
				// default) is stale while the account has transactions in unfinalized blocks or
				// in the pool, and the pool would refuse this one as outdated.
				let nonce = self.rpc.system_account_next_index(&signer.public_key().to_account_id()).await.map_err(node)?;
				let params = DefaultExtrinsicParamsBuilder::<PolkadotConfig>::new().nonce(nonce).build();
				txs.create_signed(&payload, signer, params).await.map_err(node)?
			},
			None => txs.create_unsigned(&payload).map_err(node)?,
		};
		let hash = submittable.hash();
		tracing::debug!(target: "zksettle::chain", ?hash, bytes = submittable.encoded().len(), "submitting");
		let mut progress =
			submittable.submit_and_watch().await.map_err(|e| ClientError::Invalid(e.to_string()))?;
		drop(submitting);
		let in_block = loop {
			let status = match tokio::time::timeout(Duration::from_secs(300), progress.next()).await {
				Ok(Some(status)) => status.map_err(node)?,
				Ok(None) => return Err(ClientError::Node(format!("the node stopped reporting on {hash:?}"))),
				Err(_) => return Err(ClientError::Node(format!("{hash:?} not finalized within 300 s"))),
			};
			tracing::debug!(target: "zksettle::chain", ?hash, status = status_name(&status), "transaction status");
			match status {
				TransactionStatus::InFinalizedBlock(in_block) => break in_block,
				TransactionStatus::Invalid { message } | TransactionStatus::Error { message } => {
					return Err(ClientError::Invalid(message))
				},
				TransactionStatus::Dropped { message } => {
					return Err(ClientError::Rejected(format!("dropped by the node's pool: {message}")))
				},
				_ => continue,
			}
		};
		let block = in_block.at().await.map_err(node)?.block_number();
		match in_block.wait_for_success().await {
			Ok(_) => Ok(Included { block, hash: format!("{hash:?}"), call: call_data }),
			Err(TransactionEventsError::ExtrinsicFailed(error)) => Err(dispatch_error(&error)),
			Err(other) => Err(node(other)),
		}
	}
}

fn status_name<C>(status: &TransactionStatus<PolkadotConfig, C>) -> &'static str {
	match status {
		TransactionStatus::Validated => "validated",
		TransactionStatus::Broadcasted => "broadcasted",
		TransactionStatus::NoLongerInBestBlock => "no longer in best block",
		TransactionStatus::InBestBlock(_) => "in best block",
		TransactionStatus::InFinalizedBlock(_) => "finalized",
		TransactionStatus::Error { .. } => "error",
		TransactionStatus::Invalid { .. } => "invalid",
		TransactionStatus::Dropped { .. } => "dropped",
	}
}

/// A failed extrinsic's error: a module error by its pallet and variant names as the node's
/// metadata gives them, anything else as its text.
fn dispatch_error(error: &subxt::error::DispatchError) -> ClientError {
	if let subxt::error::DispatchError::Module(module) = error {
		if let Ok(details) = module.details() {
			return ClientError::Module { pallet: details.pallet.name().to_string(), error: details.variant.name.clone() };
		}
	}
	ClientError::Rejected(error.to_string())
}
