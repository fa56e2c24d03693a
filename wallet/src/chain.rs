//! Talking to a zkSettle node over its RPC (subxt): block hashes, headers and bodies to scan
//! (what every node keeps, see [`crate::compact`]), the note tree's leaves and subtree roots from
//! the current state, the verifying key to prove against, balances, and submission.
//!
//! Submission watches the transaction (`submit_and_watch`) until a finalized block holds it
//! (the dev node's manual seal reports `Ready` then `Finalized`, without `InBlock`), then reads
//! its outcome from that block's events: a recent block, whose state every node keeps.

use std::{str::FromStr, time::Duration};

use codec::{Decode, Encode};
use subxt::{
	config::{substrate::SubstrateHeader, DefaultExtrinsicParamsBuilder, RpcConfigFor},
	dynamic,
	rpcs::{methods::legacy::LegacyRpcMethods, rpc_params, RpcClient},
	error::TransactionEventsError,
	transactions::TransactionStatus,
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
	pub async fn connect(url: &str) -> Result<Self, WalletError> {
		let cannot = |e: &dyn std::fmt::Display| WalletError::Node(format!("cannot connect to {url}: {e}"));
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

	/// The hash of block `number` on the node's best chain, `None` if it has no such block.
	pub async fn block_hash(&self, number: u64) -> Result<Option<H256>, WalletError> {
		let hashes: Vec<Option<H256>> = self.raw.request("chain_getBlockHash", rpc_params![[number]]).await.map_err(node)?;
		match hashes.as_slice() {
			[one] => Ok(*one),
			_ => Err(WalletError::Node("chain_getBlockHash answered for other blocks".into())),
		}
	}

	/// The chain type of the node's spec (`system_chainType`), as JSON.
	pub async fn chain_type(&self) -> Result<serde_json::Value, WalletError> {
		self.raw.request("system_chainType", rpc_params![]).await.map_err(node)
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

	/// The leading zero bits the work stamp of an unsigned transaction needs
	/// (`zk_verifier::stamp`); `None` on a runtime from before stamps, whose `transact_unsigned`
	/// takes no stamp argument at all (a wallet must then send none: spec_version 9 and older).
	pub async fn unsigned_stamp_bits(&self) -> Result<Option<u32>, WalletError> {
		let at = self.client.at_current_block().await.map_err(node)?;
		if at.metadata().pallet_by_name(POOL).and_then(|p| p.constant_by_name("UnsignedStampBits")).is_none() {
			return Ok(None);
		}
		at.constants().entry(dynamic::constant::<u32>(POOL, "UnsignedStampBits")).map(Some).map_err(node)
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
		let info: Option<AccountInfo> = self.fetch("System", "Account", (account.0,)).await?;
		Ok(info.map_or(0, |info| info.data.free))
	}

	/// The value of `pallet.entry` under `key` in the current state, decoded by field name
	/// against the node's metadata; `None` where there is none.
	pub async fn fetch<K, V>(&self, pallet: &str, entry: &str, key: K) -> Result<Option<V>, WalletError>
	where
		K: subxt::ext::frame_decode::storage::IntoEncodableValues + subxt::ext::frame_decode::storage::IntoDecodableValues,
		V: scale_decode::DecodeAsType,
	{
		let at = self.client.at_current_block().await.map_err(node)?;
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

	/// Public balance of `account` in the `pallet-assets` asset `id` (0 without an account).
	pub async fn asset_balance(&self, id: u32, account: &AccountId32) -> Result<u128, WalletError> {
		#[derive(scale_decode::DecodeAsType)]
		struct AssetAccount {
			balance: u128,
		}
		let entry: Option<AssetAccount> = self.fetch("Assets", "Account", (id, account.0)).await?;
		Ok(entry.map_or(0, |entry| entry.balance))
	}

	/// Public balance of `account` in the foreign asset the pool registered under `index`.
	pub async fn foreign_asset_balance(&self, index: u32, account: &AccountId32) -> Result<u128, WalletError> {
		#[derive(scale_decode::DecodeAsType)]
		struct AssetAccount {
			balance: u128,
		}
		let location = self.foreign_location(index).await?;
		let entry: Option<AssetAccount> = self.fetch("ForeignAssets", "Account", (location, account.0)).await?;
		Ok(entry.map_or(0, |entry| entry.balance))
	}

	/// Public balance of `account` in `asset` (the native token's free balance, or the asset's).
	pub async fn public_balance(&self, asset: crate::builder::AssetArg, account: &AccountId32) -> Result<u128, WalletError> {
		use crate::builder::AssetArg;
		match asset {
			AssetArg::Native => self.free_balance(account).await,
			AssetArg::Fungible(id) => self.asset_balance(id, account).await,
			AssetArg::Foreign(index) => self.foreign_asset_balance(index, account).await,
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

	/// The bytes of an unsigned extrinsic of `call_data` (as [`Self::call_data`] builds it),
	/// checked against the node's metadata, for a caller that submits it itself.
	pub async fn unsigned_extrinsic(&self, call_data: &[u8]) -> Result<Vec<u8>, WalletError> {
		let at = self.client.at_current_block().await.map_err(node)?;
		let payload =
			at.transactions().from_call_data_bytes(call_data).map_err(|e| WalletError::Node(format!("call encoding: {e}")))?;
		Ok(at.transactions().create_unsigned(&payload).map_err(node)?.encoded().to_vec())
	}

	/// Submit encoded call data (as [`Included::call`] holds it), signed or unsigned, and watch
	/// it (`submit_and_watch`) until a finalized block holds it; report where, or the chain's
	/// refusal as a typed error.
	pub async fn submit_call(
		&self,
		call_data: Vec<u8>,
		signer: Option<&subxt_signer::sr25519::Keypair>,
	) -> Result<Included, WalletError> {
		let submitting = self.submitting.lock().await;
		let at = self.client.at_current_block().await.map_err(node)?;
		let mut txs = at.transactions();
		// Decoding against the node's metadata checks our encoding of the arguments.
		let payload = txs.from_call_data_bytes(&call_data).map_err(|e| WalletError::Node(format!("call encoding: {e}")))?;
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
			submittable.submit_and_watch().await.map_err(|e| WalletError::from_submission(&e.to_string()))?;
		drop(submitting);
		let in_block = loop {
			let status = match tokio::time::timeout(Duration::from_secs(300), progress.next()).await {
				Ok(Some(status)) => status.map_err(node)?,
				Ok(None) => return Err(WalletError::Node(format!("the node stopped reporting on {hash:?}"))),
				Err(_) => return Err(WalletError::Node(format!("{hash:?} not finalized within 300 s"))),
			};
			tracing::debug!(target: "zksettle::chain", ?hash, status = status_name(&status), "transaction status");
			match status {
				TransactionStatus::InFinalizedBlock(in_block) => break in_block,
				TransactionStatus::Invalid { message } | TransactionStatus::Error { message } => {
					return Err(WalletError::from_submission(&message))
				},
				TransactionStatus::Dropped { message } => {
					return Err(WalletError::Rejected(format!("dropped by the node's pool: {message}")))
				},
				_ => continue,
			}
		};
		let block = in_block.at().await.map_err(node)?.block_number();
		match in_block.wait_for_success().await {
			Ok(_) => Ok(Included { block, hash: format!("{hash:?}"), call: call_data }),
			Err(TransactionEventsError::ExtrinsicFailed(error)) => Err(WalletError::from_dispatch_error(&error)),
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

/// Parse an SS58 account.
pub fn account(text: &str) -> Result<AccountId32, WalletError> {
	AccountId32::from_str(text.trim()).map_err(|_| WalletError::BadEncoding("not an SS58 account"))
}

/// The network prefix an SS58 address is written for (one byte below 64, else the two-byte
/// form); `None` if it is not SS58.
pub fn ss58_prefix(text: &str) -> Option<u16> {
	let bytes = bs58::decode(text.trim()).into_vec().ok()?;
	match *bytes.first()? {
		first @ 0..=63 => Some(u16::from(first)),
		64..=127 => {
			let (first, second) = (u16::from(*bytes.first()?), u16::from(*bytes.get(1)?));
			// The two-byte form of the SS58 specification: 14 bits spread over two bytes.
			Some(((first & 0b0011_1111) << 2) | (second >> 6) | ((second & 0b0011_1111) << 8))
		},
		_ => None,
	}
}

/// An account on this chain: SS58 written for `prefix` (the chain's `ss58Format`). An address
/// of another network is refused rather than silently taken: the bytes would be the same
/// account, but the user may have pasted the wrong address.
pub fn account_on(text: &str, prefix: u16) -> Result<AccountId32, WalletError> {
	let account = account(text)?;
	match ss58_prefix(text) {
		Some(found) if found == prefix => Ok(account),
		found => Err(WalletError::Usage(format!(
			"{} is an address of network prefix {}, and this chain's is {prefix}: check the recipient",
			text.trim(),
			found.map_or_else(|| "?".to_string(), |p| p.to_string())
		))),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Alice's account written for Substrate (42), Polkadot (0) and Kusama (2).
	#[test]
	fn addresses_are_checked_against_the_chains_prefix() {
		let generic = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let polkadot = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5";
		let kusama = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F";
		assert_eq!([generic, polkadot, kusama].map(ss58_prefix), [Some(42), Some(0), Some(2)]);
		assert_eq!(account_on(generic, 42).unwrap(), account(polkadot).unwrap());
		assert!(matches!(account_on(polkadot, 42), Err(WalletError::Usage(m)) if m.contains("prefix 0")));
		assert!(matches!(account_on(kusama, 0), Err(WalletError::Usage(_))));
		assert!(account_on("not an address", 42).is_err());
	}
}
