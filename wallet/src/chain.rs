//! The wallet's view of a zkSettle node: [`zksettle_client::chain::Chain`] (blocks, storage,
//! submission), and what the shielded pool adds: the note tree's leaves and subtree roots from
//! the current state, the verifying key to prove against, balances by asset, and the pool's
//! calls. A refusal by the chain comes back typed (`WalletError::from` a
//! [`zksettle_client::ClientError`]).

use std::str::FromStr;

use codec::{Decode, Encode};
use subxt::{dynamic, utils::{AccountId32, H256}};
use zk_verifier::Scalar;

pub use zksettle_client::chain::{Header, Included};

use crate::error::WalletError;

/// The pallet's name in the runtime.
pub const POOL: &str = "ShieldedPool";

fn node<E: std::fmt::Display>(e: E) -> WalletError {
	WalletError::Node(e.to_string())
}

/// A connection to a node ([`zksettle_client::chain::Chain`], which it dereferences to).
pub struct Chain(zksettle_client::chain::Chain);

impl std::ops::Deref for Chain {
	type Target = zksettle_client::chain::Chain;

	fn deref(&self) -> &Self::Target {
		&self.0
	}
}

impl From<zksettle_client::chain::Chain> for Chain {
	fn from(chain: zksettle_client::chain::Chain) -> Self {
		Chain(chain)
	}
}

impl Chain {
	/// Connect to `url` (ws:// or wss://).
	pub async fn connect(url: &str) -> Result<Self, WalletError> {
		Ok(Chain(zksettle_client::chain::Chain::connect(url).await?))
	}

	/// Call the runtime API `function` with SCALE-encoded `args` at the finalized head.
	pub async fn runtime_api<R: Decode>(&self, function: &str, args: &[u8]) -> Result<R, WalletError> {
		Ok(self.0.runtime_api(function, args).await?)
	}

	/// Up to `count` leaves of the note tree from `start` (`ShieldedPoolApi::leaves`), in the
	/// state of block `at` (the finalized head if `None`).
	pub async fn leaves(&self, at: Option<H256>, start: u64, count: u32) -> Result<Vec<[u8; 32]>, WalletError> {
		Ok(self.0.runtime_api_at(at, "ShieldedPoolApi_leaves", &(start, count).encode()).await?)
	}

	/// Up to `count` roots of complete subtrees from subtree `start` (`ShieldedPoolApi::subtree_roots`),
	/// in the state of block `at` (the finalized head if `None`).
	pub async fn subtree_roots(&self, at: Option<H256>, start: u64, count: u32) -> Result<Vec<[u8; 32]>, WalletError> {
		Ok(self.0.runtime_api_at(at, "ShieldedPoolApi_subtree_roots", &(start, count).encode()).await?)
	}

	/// The note tree's current root.
	pub async fn current_root(&self) -> Result<Scalar, WalletError> {
		let bytes: [u8; 32] = self.runtime_api("ShieldedPoolApi_current_root", &[]).await?;
		Option::from(Scalar::from_bytes(&bytes)).ok_or_else(|| WalletError::Node("a non-canonical root".into()))
	}

	/// Whether the chain accepts proofs against `root`, and the newest verifying key version
	/// with its bytes, read at one finalized block.
	pub async fn proving_context(&self, root: &Scalar) -> Result<(bool, u32, Vec<u8>), WalletError> {
		let at = self.client().at_current_block().await.map_err(node)?;
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
		let at = self.client().at_current_block().await.map_err(node)?;
		at.constants().entry(dynamic::constant::<u128>(POOL, "MinUnsignedFee")).map_err(node)
	}

	/// The leading zero bits the work stamp of an unsigned transaction needs
	/// (`zk_verifier::stamp`); `None` on a runtime from before stamps, whose `transact_unsigned`
	/// takes no stamp argument at all (a wallet must then send none: spec_version 9 and older).
	pub async fn unsigned_stamp_bits(&self) -> Result<Option<u32>, WalletError> {
		let at = self.client().at_current_block().await.map_err(node)?;
		if at.metadata().pallet_by_name(POOL).and_then(|p| p.constant_by_name("UnsignedStampBits")).is_none() {
			return Ok(None);
		}
		at.constants().entry(dynamic::constant::<u32>(POOL, "UnsignedStampBits")).map(Some).map_err(node)
	}

	/// Public balance of `account` in the `pallet-assets` asset `id` (0 without an account).
	pub async fn asset_balance(&self, id: u32, account: &AccountId32) -> Result<u128, WalletError> {
		#[derive(scale_decode::DecodeAsType)]
		struct AssetAccount {
			balance: u128,
		}
		let entry: Option<AssetAccount> = self.0.fetch("Assets", "Account", (id, account.0)).await?;
		Ok(entry.map_or(0, |entry| entry.balance))
	}

	/// Public balance of `account` in the foreign asset the pool registered under `index`.
	pub async fn foreign_asset_balance(&self, index: u32, account: &AccountId32) -> Result<u128, WalletError> {
		#[derive(scale_decode::DecodeAsType)]
		struct AssetAccount {
			balance: u128,
		}
		let location = self.foreign_location(index).await?;
		let entry: Option<AssetAccount> = self.0.fetch("ForeignAssets", "Account", (location, account.0)).await?;
		Ok(entry.map_or(0, |entry| entry.balance))
	}

	/// Public balance of `account` in `asset` (the native token's free balance, or the asset's).
	pub async fn public_balance(&self, asset: crate::builder::AssetArg, account: &AccountId32) -> Result<u128, WalletError> {
		use crate::builder::AssetArg;
		match asset {
			AssetArg::Native => Ok(self.0.free_balance(account).await?),
			AssetArg::Fungible(id) => self.asset_balance(id, account).await,
			AssetArg::Foreign(index) => self.foreign_asset_balance(index, account).await,
		}
	}

	/// Submit the shielded pool's `call_name` with SCALE-encoded arguments `args`, signed by
	/// `signer` or unsigned when `signer` is `None`; wait until a finalized block holds it and
	/// report where, or the chain's refusal as a typed error.
	pub async fn submit(
		&self,
		call_name: &str,
		args: &[u8],
		signer: Option<&subxt_signer::sr25519::Keypair>,
	) -> Result<Included, WalletError> {
		Ok(self.0.submit_to(POOL, call_name, args, signer).await?)
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
