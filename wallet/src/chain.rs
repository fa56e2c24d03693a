//! Talking to a zkSettle node over its RPC (subxt): block hashes, headers and bodies to scan
//! (what every node keeps, see [`crate::compact`]), the note tree's leaves and subtree roots from
//! the current state, the verifying key to prove against, balances, and submission.
//!
//! Submission does not rely on the transaction-status subscription (the dev node's manual seal
//! does not report `InBlock` through it): after submitting, the wallet reads each new finalized
//! block until it finds its extrinsic, as an explorer would, and reads the outcome from that
//! block's events.

use std::{str::FromStr, time::Duration};

use codec::{Decode, Encode};
use subxt::{
	config::{substrate::SubstrateHeader, DefaultExtrinsicParamsBuilder, RpcConfigFor},
	dynamic,
	rpcs::{methods::legacy::LegacyRpcMethods, rpc_params, RpcClient},
	utils::{AccountId32, H256},
	OnlineClient, PolkadotConfig,
};
use zk_verifier::Scalar;

use crate::error::WalletError;

/// The pallet's name in the runtime.
pub const POOL: &str = "ShieldedPool";

fn node<E: std::fmt::Display>(e: E) -> WalletError {
	WalletError::Node(e.to_string())
}

/// A connection to a node.
pub struct Chain {
	client: OnlineClient<PolkadotConfig>,
	/// The same connection, for the RPCs subxt does not wrap (the pool-aware account nonce,
	/// headers and bodies by hash).
	rpc: LegacyRpcMethods<RpcConfigFor<PolkadotConfig>>,
	/// The same connection, raw (block hashes of many numbers in one request).
	raw: RpcClient,
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
	pub async fn connect(url: &str) -> Result<Self, WalletError> {
		let cannot = |e: &dyn std::fmt::Display| WalletError::Node(format!("cannot connect to {url}: {e}"));
		let rpc = RpcClient::from_insecure_url(url).await.map_err(|e| cannot(&e))?;
		let client = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await.map_err(|e| cannot(&e))?;
		Ok(Chain { client, rpc: LegacyRpcMethods::new(rpc.clone()), raw: rpc })
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
	pub async fn runtime_api<R: Decode>(&self, function: &str, args: &[u8]) -> Result<R, WalletError> {
		let at = self.client.at_current_block().await.map_err(node)?;
		let bytes = at.runtime_apis().call_raw(function, Some(args)).await.map_err(node)?;
		R::decode(&mut &bytes[..]).map_err(node)
	}

	/// The latest finalized block number.
	pub async fn finalized(&self) -> Result<u64, WalletError> {
		Ok(self.client.at_current_block().await.map_err(node)?.block_number())
	}

	/// The hashes of blocks `numbers` (finalized ones: the canonical chain), in one request.
	pub async fn block_hashes(&self, numbers: &[u64]) -> Result<Vec<H256>, WalletError> {
		let hashes: Vec<Option<H256>> = self.raw.request("chain_getBlockHash", rpc_params![numbers]).await.map_err(node)?;
		if hashes.len() != numbers.len() {
			return Err(WalletError::Node("chain_getBlockHash answered for other blocks".into()));
		}
		numbers
			.iter()
			.zip(hashes)
			.map(|(n, h)| h.ok_or_else(|| WalletError::Node(format!("the node has no block {n}"))))
			.collect()
	}

	/// The header of block `hash`.
	pub async fn header(&self, hash: H256) -> Result<Header, WalletError> {
		self.rpc.chain_get_header(Some(hash)).await.map_err(node)?.ok_or_else(|| WalletError::Node(format!("no header {hash:?}")))
	}

	/// The extrinsics of block `hash`, encoded.
	pub async fn body(&self, hash: H256) -> Result<Vec<Vec<u8>>, WalletError> {
		let block = self.rpc.chain_get_block(Some(hash)).await.map_err(node)?;
		let block = block.ok_or_else(|| WalletError::Node(format!("the node has no body for block {hash:?}")))?;
		Ok(block.block.extrinsics.into_iter().map(|e| e.0).collect())
	}

	/// Up to `count` leaves of the note tree from `start` (`ShieldedPoolApi::leaves`).
	pub async fn leaves(&self, start: u64, count: u32) -> Result<Vec<[u8; 32]>, WalletError> {
		self.runtime_api("ShieldedPoolApi_leaves", &(start, count).encode()).await
	}

	/// Up to `count` roots of complete subtrees from subtree `start` (`ShieldedPoolApi::subtree_roots`).
	pub async fn subtree_roots(&self, start: u64, count: u32) -> Result<Vec<[u8; 32]>, WalletError> {
		self.runtime_api("ShieldedPoolApi_subtree_roots", &(start, count).encode()).await
	}

	/// The note tree's current root.
	pub async fn current_root(&self) -> Result<Scalar, WalletError> {
		let bytes: [u8; 32] = self.runtime_api("ShieldedPoolApi_current_root", &[]).await?;
		Option::from(Scalar::from_bytes(&bytes)).ok_or_else(|| WalletError::Node("a non-canonical root".into()))
	}

	/// Whether the chain accepts proofs against `root`, and the newest verifying key version
	/// with its bytes, read at one finalized block.
	pub async fn proving_context(&self, root: &Scalar) -> Result<(bool, u32, Vec<u8>), WalletError> {
		let at = self.client.at_current_block().await.map_err(node)?;
		let apis = at.runtime_apis();
		let known = apis.call_raw("ShieldedPoolApi_is_known_root", Some(&root.to_bytes().encode())).await.map_err(node)?;
		let known = bool::decode(&mut &known[..]).map_err(node)?;
		let version_bytes = apis.call_raw("ShieldedPoolApi_verifying_key_version", None).await.map_err(node)?;
		let version = Option::<u32>::decode(&mut &version_bytes[..]).map_err(node)?.ok_or(WalletError::NoVerifyingKey)?;
		let key = at
			.storage()
			.try_fetch(dynamic::storage::<(u32,), Vec<u8>>(POOL, "VerifyingKeys"), (version,))
			.await
			.map_err(node)?
			.ok_or(WalletError::NoVerifyingKey)?
			.decode()
			.map_err(node)?;
		Ok((known, version, key))
	}

	/// The smallest fee an unsigned (relayer-less) transaction may pay.
	pub async fn min_unsigned_fee(&self) -> Result<u128, WalletError> {
		let at = self.client.at_current_block().await.map_err(node)?;
		at.constants().entry(dynamic::constant::<u128>(POOL, "MinUnsignedFee")).map_err(node)
	}

	/// Free public balance of `account`.
	pub async fn free_balance(&self, account: &AccountId32) -> Result<u128, WalletError> {
		#[derive(scale_decode::DecodeAsType)]
		struct AccountInfo {
			data: AccountData,
		}
		#[derive(scale_decode::DecodeAsType)]
		struct AccountData {
			free: u128,
		}
		let at = self.client.at_current_block().await.map_err(node)?;
		let info = at
			.storage()
			.try_fetch(dynamic::storage::<([u8; 32],), AccountInfo>("System", "Account"), (account.0,))
			.await
			.map_err(node)?;
		match info {
			Some(value) => Ok(value.decode().map_err(node)?.data.free),
			None => Ok(0),
		}
	}

	/// The subxt client, for queries this module does not wrap.
	pub fn client(&self) -> &OnlineClient<PolkadotConfig> {
		&self.client
	}

	/// Public balance of `account` in the `pallet-assets` asset `id` (0 without an account).
	pub async fn asset_balance(&self, id: u32, account: &AccountId32) -> Result<u128, WalletError> {
		#[derive(scale_decode::DecodeAsType)]
		struct AssetAccount {
			balance: u128,
		}
		let at = self.client.at_current_block().await.map_err(node)?;
		let entry = at
			.storage()
			.try_fetch(dynamic::storage::<(u32, [u8; 32]), AssetAccount>("Assets", "Account"), (id, account.0))
			.await
			.map_err(node)?;
		match entry {
			Some(value) => Ok(value.decode().map_err(node)?.balance),
			None => Ok(0),
		}
	}

	/// Submit the shielded pool's `call_name` with SCALE-encoded arguments `args`, signed by
	/// `signer` or unsigned when `signer` is `None`; wait until a finalized block holds it and
	/// report where, or the chain's error.
	pub async fn submit(
		&self,
		call_name: &str,
		args: &[u8],
		signer: Option<&subxt_signer::sr25519::Keypair>,
	) -> Result<Included, WalletError> {
		self.submit_to(POOL, call_name, args, signer).await
	}

	/// The call data of `pallet_name.call_name` with SCALE-encoded arguments `args` (pallet and
	/// call index from the node's metadata), for example to wrap it in another call.
	pub async fn call_data(&self, pallet_name: &str, call_name: &str, args: &[u8]) -> Result<Vec<u8>, WalletError> {
		let at = self.client.at_current_block().await.map_err(node)?;
		let metadata = at.metadata();
		let pallet =
			metadata.pallet_by_name(pallet_name).ok_or_else(|| WalletError::Node(format!("no {pallet_name} pallet")))?;
		let call = pallet
			.call_variant_by_name(call_name)
			.ok_or_else(|| WalletError::Node(format!("no call {pallet_name}.{call_name}")))?;
		let mut call_data = vec![pallet.call_index(), call.index];
		call_data.extend_from_slice(args);
		Ok(call_data)
	}

	/// [`Self::submit`] for a call of any pallet.
	pub async fn submit_to(
		&self,
		pallet_name: &str,
		call_name: &str,
		args: &[u8],
		signer: Option<&subxt_signer::sr25519::Keypair>,
	) -> Result<Included, WalletError> {
		let call_data = self.call_data(pallet_name, call_name, args).await?;
		self.submit_call(call_data, signer).await
	}

	/// Submit encoded call data (as [`Included::call`] holds it), signed or unsigned, and wait
	/// for it as [`Self::submit`] does.
	pub async fn submit_call(
		&self,
		call_data: Vec<u8>,
		signer: Option<&subxt_signer::sr25519::Keypair>,
	) -> Result<Included, WalletError> {
		let at = self.client.at_current_block().await.map_err(node)?;
		let mut txs = at.transactions();
		// Decoding against the node's metadata checks our encoding of the arguments.
		let payload = txs.from_call_data_bytes(&call_data).map_err(|e| WalletError::Node(format!("call encoding: {e}")))?;
		let start = at.block_number();
		let hash = match signer {
			Some(signer) => {
				// The nonce the node's pool expects next: the finalized state's nonce (subxt's
				// default) is stale while the account has transactions in unfinalized blocks or
				// in the pool, and the pool would refuse this one as outdated.
				let nonce = self.rpc.system_account_next_index(&signer.public_key().to_account_id()).await.map_err(node)?;
				let params = DefaultExtrinsicParamsBuilder::<PolkadotConfig>::new().nonce(nonce).build();
				txs.sign_and_submit(&payload, signer, params).await
			},
			None => txs.create_unsigned(&payload).map_err(node)?.submit().await,
		}
		.map_err(|e| WalletError::from_submission(&e.to_string()))?;
		self.find_included(hash, start, call_data).await
	}

	async fn find_included(&self, hash: subxt::utils::H256, start: u64, call: Vec<u8>) -> Result<Included, WalletError> {
		let deadline = std::time::Instant::now() + Duration::from_secs(180);
		let mut next = start.saturating_add(1);
		while std::time::Instant::now() < deadline {
			let head = self.finalized().await?;
			while next <= head {
				let at = self.client.at_block(next).await.map_err(node)?;
				let extrinsics = at.extrinsics().fetch().await.map_err(node)?;
				for ext in extrinsics.iter() {
					let ext = ext.map_err(node)?;
					if ext.hash() != hash {
						continue;
					}
					let events = ext.events().await.map_err(node)?;
					for event in events.iter() {
						let event = event.map_err(node)?;
						if event.pallet_name() == "System" && event.event_name() == "ExtrinsicFailed" {
							let error = subxt::error::DispatchError::decode_from(event.field_bytes(), at.metadata())
								.map_err(node)?;
							return Err(WalletError::from_dispatch(&error.to_string()));
						}
					}
					return Ok(Included { block: next, hash: format!("{hash:?}"), call });
				}
				next += 1;
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
		Err(WalletError::Node(format!("extrinsic {hash:?} not included within 180 s")))
	}
}

/// Parse an SS58 account.
pub fn account(text: &str) -> Result<AccountId32, WalletError> {
	AccountId32::from_str(text.trim()).map_err(|_| WalletError::BadEncoding("not an SS58 account"))
}
