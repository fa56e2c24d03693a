//! What a command prints: lines for a person, or one JSON document with `--json`.
//!
//! With `--json` every command prints exactly one JSON object on standard output, and an error
//! prints `{"error": {"class", "exit_code", "message"}}` there too (the exit status is the same
//! as without `--json`). Amounts in JSON are strings of base units (a `u128` does not fit a
//! JSON number), beside the asset's symbol and decimals.

use serde_json::{json, Value};
use zksettle_wallet::{
	assets::AssetInfo,
	builder::AssetArg,
	chain::Included,
	error::exit,
	WalletError,
};

/// A command's result, in both forms.
pub struct Report {
	/// Lines for a person.
	pub text: Vec<String>,
	/// The same, for a program.
	pub json: Value,
}

impl Report {
	/// A report of `text` lines and `json`.
	pub fn new(text: Vec<String>, json: Value) -> Self {
		Report { text, json }
	}

	/// Print it as `--json` asks.
	pub fn print(&self, as_json: bool) {
		if as_json {
			// A streaming command (`watch`) printed its objects already.
			if !self.json.is_null() {
				println!("{}", self.json);
			}
		} else {
			for line in &self.text {
				println!("{line}");
			}
		}
	}
}

/// How amounts are written for a person: with the asset's decimals, or in base units (`--raw`).
#[derive(Clone, Copy)]
pub struct Units {
	/// Base units instead of decimals.
	pub raw: bool,
}

impl Units {
	/// `amount` of `info`, with its symbol: `1.5 USD`, or with `--raw` `1500000 base units of USD`
	/// (a count of base units beside the bare symbol would read as that many whole tokens).
	pub fn show(&self, info: &AssetInfo, amount: u128) -> String {
		if self.raw {
			format!("{} base units of {}", info.show(amount, true), info.symbol)
		} else {
			format!("{} {}", info.show(amount, false), info.symbol)
		}
	}
}

/// An amount for a program.
pub fn amount_json(info: &AssetInfo, amount: u128) -> Value {
	json!({ "amount": amount.to_string(), "asset": asset_json(info) })
}

/// An asset for a program: `null` id for the native token.
pub fn asset_json(info: &AssetInfo) -> Value {
	let id = match info.asset {
		AssetArg::Native => Value::Null,
		AssetArg::Fungible(id) => json!(id),
		AssetArg::Foreign(index) => json!(format!("f{index}")),
	};
	json!({ "id": id, "symbol": info.symbol, "decimals": info.decimals })
}

/// Where a transaction landed, for a program.
pub fn included_json(included: &Included) -> Value {
	json!({ "block": included.block, "hash": included.hash })
}

/// The class of an error (the names of [`exit`]'s codes).
pub fn class(code: u8) -> &'static str {
	match code {
		exit::INPUT => "input",
		exit::WALLET => "wallet",
		exit::FUNDS => "funds",
		exit::CHAIN => "chain",
		exit::NODE => "node",
		_ => "internal",
	}
}

/// Print `error` (already worded for the user as `message`) as `--json` asks.
pub fn print_error(error: &WalletError, message: &str, as_json: bool) {
	if as_json {
		let code = error.exit_code();
		println!("{}", json!({ "error": { "class": class(code), "exit_code": code, "message": message } }));
	} else {
		eprintln!("error: {message}");
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_exit_code_has_its_own_class() {
		let codes = [exit::INTERNAL, exit::INPUT, exit::WALLET, exit::FUNDS, exit::CHAIN, exit::NODE];
		let classes: std::collections::BTreeSet<&str> = codes.iter().map(|c| class(*c)).collect();
		assert_eq!(classes.len(), codes.len());
	}

	#[test]
	fn amounts_are_strings_of_base_units_beside_the_asset() {
		let usd = AssetInfo { asset: AssetArg::Fungible(3), symbol: "USD".into(), decimals: 6 };
		assert_eq!(
			amount_json(&usd, u128::MAX),
			json!({ "amount": u128::MAX.to_string(), "asset": { "id": 3, "symbol": "USD", "decimals": 6 } })
		);
		assert_eq!(Units { raw: false }.show(&usd, 1_500_000), "1.5 USD");
		assert_eq!(Units { raw: true }.show(&usd, 1_500_000), "1500000 base units of USD");
	}
}
