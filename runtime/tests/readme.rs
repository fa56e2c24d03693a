//! What the README says about this tree, checked against the tree, so that it cannot go stale
//! silently: the runtime's versions, the pallets' storage versions, the end-to-end suites it
//! lists, and every repository path it names.
//!
//! `cargo test -p zksettle-runtime --test readme` (part of the test command).

use polkadot_sdk::frame_support::traits::GetStorageVersion;
use std::{fs, path::PathBuf};

fn root() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("runtime/ has a parent").to_path_buf()
}

fn readme() -> String {
	fs::read_to_string(root().join("README.md")).expect("README.md")
}

/// The number right after the first occurrence of `prefix` in `text`.
fn number_after(text: &str, prefix: &str) -> u32 {
	let at = text.find(prefix).unwrap_or_else(|| panic!("the README no longer says {prefix:?}"));
	let digits: String = text[at + prefix.len()..].chars().take_while(char::is_ascii_digit).collect();
	digits.parse().unwrap_or_else(|_| panic!("no number after {prefix:?}"))
}

#[test]
fn the_runtime_versions_are_the_runtimes() {
	let readme = readme();
	let version = zksettle_runtime::VERSION;
	assert_eq!(number_after(&readme, "The runtime in this tree: `spec_version` "), version.spec_version);
	let sentence = format!("The runtime in this tree: `spec_version` {}, `transaction_version` ", version.spec_version);
	assert_eq!(number_after(&readme, &sentence), version.transaction_version);
}

#[test]
fn the_storage_versions_are_the_pallets() {
	let said = number_after(&readme(), "Storage: both pallets are at storage version ");
	let settlement = <zksettle_runtime::Settlement as GetStorageVersion>::in_code_storage_version();
	let pool = <zksettle_runtime::ShieldedPool as GetStorageVersion>::in_code_storage_version();
	assert_eq!(settlement, pool, "the README says both pallets share a version");
	assert_eq!(settlement, polkadot_sdk::frame_support::traits::StorageVersion::new(said as u16));
}

/// Each suite `e2e/run.ts` can run has its bullet in the README's end-to-end section.
#[test]
fn every_end_to_end_suite_is_described() {
	let run = fs::read_to_string(root().join("e2e/run.ts")).expect("e2e/run.ts");
	let table = run.split("> = {").nth(1).and_then(|rest| rest.split("};").next()).expect("the suites table of run.ts");
	let suites: Vec<String> = table
		.split(',')
		.map(|entry| entry.split(':').next().unwrap_or_default().trim().trim_matches('\'').to_string())
		.filter(|name| !name.is_empty())
		.collect();
	assert!(suites.len() >= 9, "{suites:?}");
	let readme = readme();
	for suite in suites {
		assert!(readme.contains(&format!("\n* `{suite}`")), "the README does not describe the e2e suite `{suite}`");
	}
}

/// Every path of this repository the README names in backticks exists (placeholders such as
/// `<dir>` or `…` aside).
#[test]
fn every_path_the_readme_names_exists() {
	const ROOTS: [&str; 12] =
		["scripts/", "e2e/", "zombienet/", "chain-specs/", "pallets/", "runtime/", "wallet/", "agent/", "zk-verifier/", "node/", "docs/", ".ci/"];
	let readme = readme();
	let mut missing = Vec::new();
	for (i, quoted) in readme.split('`').enumerate() {
		if i % 2 == 0 || quoted.contains(char::is_whitespace) || !ROOTS.iter().any(|r| quoted.starts_with(r)) {
			continue;
		}
		if quoted.contains(['*', '<', '{', '…', '$']) {
			continue;
		}
		let path = quoted.trim_end_matches(['.', ',', ':', ';']).split(':').next().unwrap_or_default();
		if !root().join(path).exists() {
			missing.push(quoted.to_string());
		}
	}
	assert!(missing.is_empty(), "the README names paths that do not exist: {missing:?}");
}
