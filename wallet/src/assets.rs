//! Assets as a user names them: by symbol, with their decimals, read from the chain.
//!
//! The native token's symbol and decimals are the chain's properties (`system_properties`, as
//! Polkadot.js reads them); a `pallet-assets` asset's are its `Assets::Metadata`; a foreign
//! asset's (the relay token, Asset Hub's USDT) are its `ForeignAssets::Metadata`, found through
//! the pool's registry (`ShieldedPool::ForeignAssetRegistry`, index → location).
//!
//! Anyone can create a local asset and give it any symbol; only governance creates foreign
//! ones. So a symbol resolves to the one foreign asset that has it, if there is one (a local
//! asset calling itself `ROC` cannot shadow the relay token), and otherwise to the one local
//! asset that has it; a symbol that names several is refused with their ids, and the user picks
//! by id (`7`, `#7`, or `f0` for foreign index 0). An asset without metadata shows in base units
//! under its id.

use subxt::{dynamic, ext::scale_value::Value};

use crate::{
	builder::AssetArg,
	chain::Chain,
	error::WalletError,
	keys::Network,
};

/// How an asset is shown and parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetInfo {
	/// The asset.
	pub asset: AssetArg,
	/// Its symbol (`#id` for an asset without metadata).
	pub symbol: String,
	/// Decimals of its amounts (0: base units).
	pub decimals: u8,
}

impl AssetInfo {
	/// Parse `text` as an amount with this asset's decimals (`raw`: base units).
	pub fn parse(&self, text: &str, raw: bool) -> Result<u128, WalletError> {
		parse_amount(text, if raw { 0 } else { self.decimals })
	}

	/// Show `amount` with this asset's decimals (`raw`: base units), without the symbol.
	pub fn show(&self, amount: u128, raw: bool) -> String {
		show_amount(amount, if raw { 0 } else { self.decimals })
	}
}

/// Most decimals an amount can have and still fit 10^decimals in a `u128`.
const MAX_DECIMALS: u8 = 38;

/// Parse `text` (`12`, `0.25`, `.5`) as an amount with `decimals` decimals, in base units.
pub fn parse_amount(text: &str, decimals: u8) -> Result<u128, WalletError> {
	let bad = || WalletError::Amount(format!("{text:?} is not an amount with at most {decimals} decimals"));
	let decimals = decimals.min(MAX_DECIMALS);
	let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
	let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
	if frac.len() > usize::from(decimals) || (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
		return Err(bad());
	}
	if text.contains('.') && decimals == 0 {
		return Err(bad());
	}
	let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
	let frac_units: u128 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| bad())? };
	let scale = 10u128.pow(u32::from(decimals));
	// `frac.len() <= decimals`, so the shift fits.
	let frac_units = frac_units * 10u128.pow(u32::from(decimals) - frac.len() as u32);
	whole.checked_mul(scale).and_then(|w| w.checked_add(frac_units)).ok_or_else(bad)
}

/// Show `amount` base units with `decimals` decimals, trailing zeros trimmed.
pub fn show_amount(amount: u128, decimals: u8) -> String {
	let decimals = decimals.min(MAX_DECIMALS);
	if decimals == 0 {
		return amount.to_string();
	}
	let scale = 10u128.pow(u32::from(decimals));
	let frac = format!("{:0width$}", amount % scale, width = usize::from(decimals));
	let frac = frac.trim_end_matches('0');
	if frac.is_empty() {
		format!("{}", amount / scale)
	} else {
		format!("{}.{frac}", amount / scale)
	}
}

/// `pallet_assets::AssetMetadata`, the fields the wallet reads (decoded by name).
#[derive(scale_decode::DecodeAsType)]
struct Metadata {
	symbol: Vec<u8>,
	decimals: u8,
}

impl Chain {
	/// Symbol and decimals of the native token (the chain's properties).
	pub async fn native_info(&self) -> Result<AssetInfo, WalletError> {
		let properties = self.properties().await?;
		let symbol = match properties.get("tokenSymbol") {
			Some(serde_json::Value::String(s)) => s.clone(),
			Some(serde_json::Value::Array(list)) => list.first().and_then(|v| v.as_str()).unwrap_or("native").to_string(),
			_ => "native".to_string(),
		};
		let decimals = match properties.get("tokenDecimals") {
			Some(serde_json::Value::Number(n)) => n.as_u64(),
			Some(serde_json::Value::Array(list)) => list.first().and_then(|v| v.as_u64()),
			_ => None,
		};
		let decimals = decimals.and_then(|d| u8::try_from(d).ok()).unwrap_or(0);
		Ok(AssetInfo { asset: AssetArg::Native, symbol, decimals })
	}

	/// The chain's SS58 address prefix (`ss58Format` of its properties; 42, the generic
	/// Substrate prefix, when it names none).
	pub async fn ss58_prefix(&self) -> Result<u16, WalletError> {
		let properties = self.properties().await?;
		Ok(properties.get("ss58Format").and_then(serde_json::Value::as_u64).and_then(|p| u16::try_from(p).ok()).unwrap_or(42))
	}

	/// The chain's network, for its shielded addresses ([`Network::of_chain`]: the spec's
	/// `network` property, else its chain type).
	pub async fn network(&self) -> Result<Network, WalletError> {
		let properties = self.properties().await?;
		let chain_type = self.chain_type().await?;
		// The chain type is `Live`, `Development`, `Local`, or `{"Custom": name}`.
		let chain_type = chain_type.as_str().unwrap_or("Custom");
		Network::of_chain(properties.get("network").and_then(serde_json::Value::as_str), chain_type)
	}

	/// Symbol and decimals of `asset`.
	pub async fn asset_info(&self, asset: AssetArg) -> Result<AssetInfo, WalletError> {
		let id = match asset {
			AssetArg::Native => return self.native_info().await,
			AssetArg::Fungible(id) => id,
			AssetArg::Foreign(index) => return self.foreign_info(index).await,
		};
		let metadata = self.fetch("Assets", "Metadata", (id,)).await?;
		Ok(info_from_metadata(id, metadata))
	}

	/// Symbol and decimals of the foreign asset the pool registered under `index`.
	pub async fn foreign_info(&self, index: u32) -> Result<AssetInfo, WalletError> {
		let location = self.foreign_location(index).await?;
		let metadata = self.fetch("ForeignAssets", "Metadata", (location,)).await?;
		Ok(info_of(AssetArg::Foreign(index), metadata))
	}

	/// The location of the foreign asset the pool registered under `index`.
	pub async fn foreign_location(&self, index: u32) -> Result<Value, WalletError> {
		#[derive(scale_decode::DecodeAsType)]
		struct Registered {
			id: Value,
		}
		let entry: Option<Registered> = self.fetch(crate::chain::POOL, "ForeignAssetRegistry", (index,)).await?;
		Ok(entry.ok_or_else(|| WalletError::UnknownAsset(format!("the pool has no foreign asset f{index}")))?.id)
	}

	/// The foreign assets the pool registered whose symbol is `symbol`.
	async fn foreign_by_symbol(&self, symbol: &str) -> Result<Vec<AssetInfo>, WalletError> {
		let mut found = self.foreign_assets().await?;
		found.retain(|info| info.symbol == symbol);
		Ok(found)
	}

	/// Every foreign asset the pool registered (what arrives over XCM and can be shielded); none
	/// on a runtime from before foreign assets.
	pub async fn foreign_assets(&self) -> Result<Vec<AssetInfo>, WalletError> {
		let at = self.client().at_current_block().await.map_err(node)?;
		let registry = at.metadata().pallet_by_name(crate::chain::POOL).and_then(|p| p.storage()).and_then(|s| s.entry_by_name("ForeignAssetRegistry")).is_some();
		if !registry {
			return Ok(Vec::new());
		}
		let mut entries = at
			.storage()
			.iter(dynamic::storage::<(u32,), Value>(crate::chain::POOL, "ForeignAssetRegistry"), ())
			.await
			.map_err(node)?;
		let mut indices = Vec::new();
		while let Some(entry) = entries.next().await {
			let (index,) = entry.map_err(node)?.key().map_err(node)?.decode().map_err(node)?;
			indices.push(index);
		}
		let mut found = Vec::new();
		for index in indices {
			found.push(self.foreign_info(index).await?);
		}
		Ok(found)
	}

	/// The asset `name` names: `native` or the native symbol, a local asset id (`7`, `#7`), a
	/// foreign asset index (`f0`), or a symbol: of exactly one foreign asset, else of exactly
	/// one local asset (case-sensitive).
	pub async fn resolve_asset(&self, name: &str) -> Result<AssetInfo, WalletError> {
		let native = self.native_info().await?;
		if name.eq_ignore_ascii_case("native") || name == native.symbol {
			return Ok(native);
		}
		if let Ok(id) = name.trim_start_matches('#').parse::<u32>() {
			// An id names an asset only if it exists: an unknown one would otherwise read as an
			// asset with no symbol and 0 decimals, and `1` would mean one base unit of nothing.
			let exists: Option<Value> = self.fetch("Assets", "Asset", (id,)).await?;
			if exists.is_none() {
				return Err(WalletError::UnknownAsset(format!("no asset {id} on this chain")));
			}
			return self.asset_info(AssetArg::Fungible(id)).await;
		}
		if let Some(Ok(index)) = name.strip_prefix('f').map(str::parse::<u32>) {
			return self.foreign_info(index).await;
		}
		let foreign = self.foreign_by_symbol(name).await?;
		if !foreign.is_empty() {
			return pick(name, foreign);
		}
		let at = self.client().at_current_block().await.map_err(node)?;
		let mut entries = at
			.storage()
			.iter(dynamic::storage::<(u32,), Metadata>("Assets", "Metadata"), ())
			.await
			.map_err(node)?;
		let mut found = Vec::new();
		while let Some(entry) = entries.next().await {
			let entry = entry.map_err(node)?;
			let (id,) = entry.key().map_err(node)?.decode().map_err(node)?;
			let metadata = entry.value().decode().map_err(node)?;
			if metadata.symbol == name.as_bytes() {
				found.push(info_from_metadata(id, Some(metadata)));
			}
		}
		pick(name, found)
	}

	/// The chain's properties (`system_properties`).
	async fn properties(&self) -> Result<serde_json::Map<String, serde_json::Value>, WalletError> {
		self.legacy_rpc().system_properties().await.map_err(node)
	}
}

fn node<E: std::fmt::Display>(e: E) -> WalletError {
	WalletError::Node(e.to_string())
}

fn info_from_metadata(id: u32, metadata: Option<Metadata>) -> AssetInfo {
	info_of(AssetArg::Fungible(id), metadata)
}

/// How `asset` shows: its metadata's symbol and decimals, or its id in base units.
fn info_of(asset: AssetArg, metadata: Option<Metadata>) -> AssetInfo {
	let id = match asset {
		AssetArg::Native => "native".to_string(),
		AssetArg::Fungible(id) => format!("#{id}"),
		AssetArg::Foreign(index) => format!("f{index}"),
	};
	let (symbol, decimals) = match metadata {
		Some(m) if !m.symbol.is_empty() => (String::from_utf8_lossy(&m.symbol).into_owned(), m.decimals),
		Some(m) => (id, m.decimals),
		None => (id, 0),
	};
	AssetInfo { asset, symbol, decimals }
}

/// The one asset a symbol names; none or several is an error that says what to do.
fn pick(name: &str, mut found: Vec<AssetInfo>) -> Result<AssetInfo, WalletError> {
	match found.len() {
		0 => Err(WalletError::UnknownAsset(format!("no asset has the symbol {name:?}"))),
		1 => Ok(found.remove(0)),
		_ => {
			let mut ids: Vec<String> = found
				.iter()
				.filter_map(|i| match i.asset {
					AssetArg::Fungible(id) => Some(id.to_string()),
					AssetArg::Foreign(index) => Some(format!("f{index}")),
					AssetArg::Native => None,
				})
				.collect();
			ids.sort();
			Err(WalletError::UnknownAsset(format!(
				"the symbol {name:?} names assets {} (anyone can create an asset with any symbol): give the id",
				ids.join(", ")
			)))
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn amounts_parse_and_show_with_the_assets_decimals() {
		assert_eq!(parse_amount("5", 12).unwrap(), 5_000_000_000_000);
		assert_eq!(parse_amount("0.25", 12).unwrap(), 250_000_000_000);
		assert_eq!(parse_amount(".5", 12).unwrap(), 500_000_000_000);
		assert_eq!(parse_amount("1.5", 6).unwrap(), 1_500_000);
		assert_eq!(parse_amount("7", 0).unwrap(), 7);
		assert!(parse_amount("1.5", 0).is_err());
		assert!(parse_amount("1.0000001", 6).is_err());
		assert!(parse_amount("abc", 12).is_err());
		assert!(parse_amount("-1", 12).is_err());
		assert!(parse_amount("+1", 12).is_err());
		assert!(parse_amount(".", 12).is_err());
		assert!(parse_amount("340282366920938463463374607431768211456", 0).is_err());
		assert_eq!(show_amount(250_000_000_000, 12), "0.25");
		assert_eq!(show_amount(5_000_000_000_000, 12), "5");
		assert_eq!(show_amount(1_500_000, 6), "1.5");
		assert_eq!(show_amount(7, 0), "7");
		assert_eq!(show_amount(u128::MAX, 38), "3.40282366920938463463374607431768211455");
		// Round trip at every decimals the metadata can hold.
		for decimals in [0u8, 1, 6, 10, 12, 18, 38, 255] {
			for amount in [0u128, 1, 999, 10u128.pow(20) + 7, u128::MAX] {
				assert_eq!(parse_amount(&show_amount(amount, decimals), decimals).unwrap(), amount, "{amount} at {decimals}");
			}
		}
	}

	#[test]
	fn a_symbol_names_one_asset_or_is_refused() {
		let usd = |id| AssetInfo { asset: AssetArg::Fungible(id), symbol: "USD".into(), decimals: 6 };
		assert_eq!(pick("USD", vec![usd(3)]).unwrap(), usd(3));
		let error = pick("USD", vec![usd(7), usd(3)]).unwrap_err().to_string();
		assert!(error.contains("assets 3, 7"), "{error}");
		assert!(matches!(pick("EUR", vec![]), Err(WalletError::UnknownAsset(_))));
		assert_eq!(info_from_metadata(9, None).symbol, "#9");
		assert_eq!(info_from_metadata(9, None).decimals, 0);
	}
}
