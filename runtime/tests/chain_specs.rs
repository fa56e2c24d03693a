//! The chain specs in `chain-specs/` are exactly what this runtime's presets build.
//!
//! `scripts/gen-chain-specs.sh` writes the specs with the SDK's chain-spec builder
//! (`zksettle-node chain-spec-builder create … named-preset`, then `convert-to-raw`: the genesis
//! built by executing the wasm) from a reproducible build of the runtime. This test checks them:
//! `cargo test -p zksettle-runtime --test chain_specs` fails when a committed spec is stale:
//! - its plain genesis (the preset's patch) differs from what the preset is now, or its raw
//!   storage from what the preset builds natively around the spec's code (which also
//!   cross-checks the builder's execution of the wasm against the native runtime), or
//! - a source file the runtime's wasm is compiled from changed since the spec's code was built
//!   (`chain-specs/runtime-sources.txt` lists each file's hash).
//!
//! The second check stands in for rebuilding the wasm: that takes minutes and a fixed build path
//! (`scripts/build-runtime.sh`), too slow for the test command. "Same inputs" is what it checks.
//!
//! With `ZKSETTLE_BLESS_SOURCES=1` (the script sets it) the test first records the sources of the
//! code the committed specs carry.

use polkadot_sdk::{sp_core, sp_genesis_builder, sp_io, sp_maybe_compressed_blob};
use serde_json::Value;
use std::{
	collections::BTreeMap,
	fs,
	path::{Path, PathBuf},
};
use zksettle_runtime::{genesis_config_presets, PARACHAIN_ID};

/// One spec this repository ships: `chain-specs/<file>.json` (raw) and
/// `chain-specs/<file>.plain.json`, built from the runtime's preset `preset`.
struct SpecDef {
	file: &'static str,
	preset: &'static str,
}

const SPECS: [SpecDef; 2] = [
	SpecDef { file: "dev", preset: sp_genesis_builder::DEV_RUNTIME_PRESET },
	SpecDef { file: "local", preset: sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET },
];

/// The relay chain of both networks (the spec extension read by the omni node).
const RELAY_CHAIN: &str = "rococo-local";
const SOURCES_FILE: &str = "runtime-sources.txt";

/// The source trees the runtime's wasm is compiled from, relative to the workspace root.
/// `tests`, `benches` and `examples` directories below them are skipped: they never reach the wasm.
/// The workspace manifest and lock file are not listed here: only their part that reaches the
/// runtime counts (see [`workspace_manifest`] and [`runtime_lock_closure`]), so that a crate the
/// runtime does not use (the node, tools) can join the workspace without staling the specs.
const SOURCE_ROOTS: [&str; 5] = ["rust-toolchain.toml", ".cargo", "zk-verifier", "pallets", "runtime"];
/// The runtime's package name in `Cargo.lock`.
const RUNTIME_PACKAGE: &str = "zksettle-runtime";
/// Directories the wasm is not compiled from: tests, benchmarks, examples, build output, and
/// the fuzzer (`zk-verifier/fuzz`, its own workspace; its corpus grows with every run).
const SKIPPED_DIRS: [&str; 5] = ["tests", "benches", "examples", "target", "fuzz"];

fn workspace_root() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("runtime/ has a parent").to_path_buf()
}

fn hex(bytes: &[u8]) -> String {
	use std::fmt::Write;
	bytes.iter().fold(String::with_capacity(2 + 2 * bytes.len()) + "0x", |mut out, byte| {
		let _ = write!(out, "{byte:02x}");
		out
	})
}

fn unhex(s: &str) -> Vec<u8> {
	let s = s.strip_prefix("0x").expect("0x-prefixed hex");
	(0..s.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
		.collect()
}

/// `<blake2-256 hex>  <path>` for every file the wasm is compiled from, sorted by path.
fn source_manifest() -> String {
	fn walk(root: &Path, rel: &Path, out: &mut BTreeMap<String, String>) {
		let path = root.join(rel);
		if path.is_dir() {
			let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or_default();
			if SKIPPED_DIRS.contains(&name) {
				return;
			}
			for entry in fs::read_dir(&path).expect("readable dir") {
				let entry = entry.expect("dir entry");
				walk(root, &rel.join(entry.file_name()), out);
			}
		} else if path.is_file() {
			let bytes = fs::read(&path).expect("readable file");
			let key = rel.to_str().expect("utf-8 path").replace('\\', "/");
			out.insert(key, hex(&sp_io::hashing::blake2_256(&bytes)));
		}
	}
	let root = workspace_root();
	let mut files = BTreeMap::new();
	for source in SOURCE_ROOTS {
		walk(&root, Path::new(source), &mut files);
	}
	let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("workspace Cargo.toml");
	files.insert("Cargo.toml (without members)".into(), hex(&sp_io::hashing::blake2_256(workspace_manifest(&manifest).as_bytes())));
	let lock = fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
	files.insert(
		format!("Cargo.lock ({RUNTIME_PACKAGE} and its dependencies)"),
		hex(&sp_io::hashing::blake2_256(runtime_lock_closure(&lock).as_bytes())),
	);
	files.iter().map(|(path, hash)| format!("{hash}  {path}\n")).collect()
}

/// The workspace manifest without its `members` list: dependency versions, features and profiles
/// reach the runtime, the list of other workspace crates does not.
fn workspace_manifest(manifest: &str) -> String {
	let mut out = String::new();
	let mut in_members = false;
	for line in manifest.lines() {
		let trimmed = line.trim_start();
		if in_members {
			in_members = !trimmed.starts_with(']');
			continue;
		}
		if trimmed.starts_with("members") && trimmed.contains('[') {
			in_members = !trimmed.contains(']');
			continue;
		}
		out.push_str(line);
		out.push('\n');
	}
	out
}

/// The `[[package]]` entries of `Cargo.lock` that the runtime can depend on: [`RUNTIME_PACKAGE`]
/// and everything reachable from it through the lock's dependency lists (every target and feature
/// included, so a superset of what the wasm uses), sorted. `Cargo.lock` names a dependency
/// `name`, `name version` or `name version (source)`.
fn runtime_lock_closure(lock: &str) -> String {
	struct Package<'a> {
		name: &'a str,
		version: &'a str,
		/// Every line but the dependencies (name, version, source, checksum).
		text: String,
		dependencies: Vec<(&'a str, Option<&'a str>)>,
	}
	let mut packages: Vec<Package> = Vec::new();
	let mut in_dependencies = false;
	for line in lock.lines() {
		if line == "[[package]]" {
			packages.push(Package { name: "", version: "", text: String::new(), dependencies: Vec::new() });
			in_dependencies = false;
			continue;
		}
		let Some(package) = packages.last_mut() else { continue };
		if in_dependencies {
			if line.starts_with(']') {
				in_dependencies = false;
			} else {
				let dep = line.trim().trim_end_matches(',').trim_matches('"');
				let mut words = dep.split(' ');
				let name = words.next().expect("a dependency has a name");
				package.dependencies.push((name, words.next()));
			}
			continue;
		}
		if line.starts_with("dependencies = [") {
			in_dependencies = true;
			continue;
		}
		package.text.push_str(line);
		package.text.push('\n');
		if let Some(name) = line.strip_prefix("name = ") {
			package.name = name.trim_matches('"');
		} else if let Some(version) = line.strip_prefix("version = ") {
			package.version = version.trim_matches('"');
		}
	}
	let find = |name: &str, version: Option<&str>| {
		packages
			.iter()
			.position(|p| p.name == name && version.is_none_or(|v| p.version == v))
			.unwrap_or_else(|| panic!("Cargo.lock has no package {name} {version:?}"))
	};
	let mut reached = std::collections::BTreeSet::new();
	let mut pending = vec![find(RUNTIME_PACKAGE, None)];
	while let Some(index) = pending.pop() {
		if reached.insert(index) {
			pending.extend(packages[index].dependencies.iter().map(|(name, version)| find(name, *version)));
		}
	}
	// Each package with its dependencies resolved to name and version: Cargo writes a dependency
	// as a bare name while one version of it is locked and with its version once a crate outside
	// the runtime brings another, which changes nothing the runtime is built from.
	let mut texts: Vec<String> = reached
		.iter()
		.map(|index| {
			let package = &packages[*index];
			let mut dependencies: Vec<String> = package
				.dependencies
				.iter()
				.map(|(name, version)| {
					let dependency = &packages[find(name, *version)];
					format!("{} {}", dependency.name, dependency.version)
				})
				.collect();
			dependencies.sort_unstable();
			format!("{}dependencies = {dependencies:?}\n", package.text)
		})
		.collect();
	texts.sort_unstable();
	texts.concat()
}

#[test]
fn the_lock_closure_follows_dependencies_and_ignores_other_crates() {
	let lock = "version = 4\n\n[[package]]\nname = \"zksettle-runtime\"\nversion = \"0.1.0\"\ndependencies = [\n \"a\",\n \"b 2.0.0\",\n]\n\n\
		[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"b\"\nversion = \"1.0.0\"\n\n\
		[[package]]\nname = \"b\"\nversion = \"2.0.0\"\ndependencies = [\n \"a\",\n]\n\n[[package]]\nname = \"wallet\"\nversion = \"0.1.0\"\n";
	let closure = runtime_lock_closure(lock);
	assert!(closure.contains("name = \"a\"\nversion = \"1.0.0\""), "a dependency named without a version");
	assert!(closure.contains("name = \"b\"\nversion = \"2.0.0\""), "a dependency named with its version");
	assert!(!closure.contains("name = \"b\"\nversion = \"1.0.0\""), "the other version of b is not a dependency");
	assert!(!closure.contains("wallet"), "a crate the runtime does not depend on is left out");
	let more = format!("{lock}\n[[package]]\nname = \"agent\"\nversion = \"0.1.0\"\n");
	assert_eq!(runtime_lock_closure(&more), closure);
	// Another crate bringing a second version of `a` makes Cargo write the runtime's dependency as
	// `a 1.0.0`: the same build inputs, the same closure.
	let second_a = lock.replace(" \"a\",\n]\n\n\t\t", " \"a 1.0.0\",\n]\n\n\t\t").replace("dependencies = [\n \"a\",", "dependencies = [\n \"a 1.0.0\",")
		+ "\n[[package]]\nname = \"a\"\nversion = \"3.0.0\"\n\n[[package]]\nname = \"agent\"\nversion = \"0.1.0\"\ndependencies = [\n \"a 3.0.0\",\n]\n";
	assert!(second_a.contains("\"a 1.0.0\""));
	assert_eq!(runtime_lock_closure(&second_a), closure);

	let manifest = "[workspace]\nmembers = [\n\t\"runtime\",\n\t\"node\",\n]\n\n[profile.release]\nopt-level = 3\n";
	let fewer = "[workspace]\nmembers = [\n\t\"runtime\",\n]\n\n[profile.release]\nopt-level = 3\n";
	assert_eq!(workspace_manifest(manifest), workspace_manifest(fewer));
	assert!(workspace_manifest(manifest).contains("opt-level = 3"));
	assert_ne!(workspace_manifest(manifest), workspace_manifest(&manifest.replace("opt-level = 3", "opt-level = 2")));
}

fn spec_path(file: &str, plain: bool) -> PathBuf {
	workspace_root().join("chain-specs").join(if plain { format!("{file}.plain.json") } else { format!("{file}.json") })
}

fn read_json(path: &Path) -> Value {
	let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}; run scripts/gen-chain-specs.sh", path.display()));
	serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}


/// The spec's fields besides its genesis: the same in the plain and the raw form.
fn header(spec: &Value) -> Value {
	let mut header = spec.clone();
	if let Some(fields) = header.as_object_mut() {
		fields.remove("genesis");
	}
	header
}

/// The raw genesis storage the preset builds natively around `code`, as the spec writes it.
fn preset_raw_storage(preset: &str, code: &[u8]) -> BTreeMap<String, String> {
	let mut storage = genesis_config_presets::preset_storage(&preset.into()).expect("preset builds");
	assert!(storage.children_default.is_empty(), "no child tries at genesis");
	storage.top.insert(sp_core::storage::well_known_keys::CODE.to_vec(), code.to_vec());
	storage.top.iter().map(|(k, v)| (hex(k), hex(v))).collect()
}

/// Record the sources of the committed specs' code (`scripts/gen-chain-specs.sh`, after the
/// chain-spec builder wrote the specs from a build of these sources).
fn bless_sources(code_hash: &str) {
	let header = format!(
		"# The runtime code in chain-specs/*.json (blake2-256 {code_hash}) was built from these files.\n\
		 # Regenerate with scripts/gen-chain-specs.sh after changing any of them.\n",
	);
	fs::write(workspace_root().join("chain-specs").join(SOURCES_FILE), header + &source_manifest())
		.expect("writing the source manifest");
}

#[test]
fn committed_chain_specs_are_current() {
	// Genesis: each committed spec is what its preset builds, around the committed code.
	let mut code_hash = None;
	for def in &SPECS {
		let plain = read_json(&spec_path(def.file, true));
		let raw = read_json(&spec_path(def.file, false));
		assert_eq!(header(&plain), header(&raw), "chain-specs/{}: the plain and raw specs describe the same chain", def.file);
		assert_eq!(plain["para_id"], PARACHAIN_ID, "chain-specs/{}: para id", def.file);
		assert_eq!(plain["relay_chain"], RELAY_CHAIN, "chain-specs/{}: relay chain", def.file);

		let genesis = &plain["genesis"]["runtimeGenesis"];
		let code = unhex(genesis["code"].as_str().expect("plain spec has code"));
		let wasm = sp_maybe_compressed_blob::decompress(&code, sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT)
			.expect("spec code is valid (compressed) wasm");
		assert!(wasm.len() > code.len() && wasm.starts_with(b"\0asm"), "spec code is zstd-compressed wasm");

		let preset: Value = serde_json::from_slice(
			&genesis_config_presets::get_preset(&def.preset.into()).expect("preset exists"),
		)
		.expect("preset is JSON");
		assert!(
			genesis["patch"] == preset,
			"chain-specs/{}.plain.json is stale: the preset {} is now another patch; run scripts/gen-chain-specs.sh",
			def.file,
			def.preset
		);

		let expected = preset_raw_storage(def.preset, &code);
		let top: BTreeMap<String, String> =
			serde_json::from_value(raw["genesis"]["raw"]["top"].clone()).expect("raw spec has top storage");
		let differing: std::collections::BTreeSet<&String> = expected
			.keys()
			.chain(top.keys())
			.filter(|key| expected.get(*key) != top.get(*key))
			.collect();
		assert!(
			differing.is_empty(),
			"chain-specs/{}.json is stale: {} genesis storage keys differ from what the preset builds ({:?}…); \
			 run scripts/gen-chain-specs.sh",
			def.file,
			differing.len(),
			differing.first()
		);
		assert_eq!(raw["genesis"]["raw"]["childrenDefault"], serde_json::json!({}), "no child tries at genesis");

		let hash = hex(&sp_io::hashing::blake2_256(&code));
		assert!(code_hash.get_or_insert(hash.clone()) == &hash, "all specs carry the same runtime");
	}

	// Code: built from the sources as they are now.
	let code_hash = code_hash.expect("at least one spec");
	if std::env::var_os("ZKSETTLE_BLESS_SOURCES").is_some() {
		bless_sources(&code_hash);
	}
	let manifest = fs::read_to_string(workspace_root().join("chain-specs").join(SOURCES_FILE))
		.expect("chain-specs/runtime-sources.txt exists");
	assert!(
		manifest.lines().next().is_some_and(|line| line.contains(&code_hash)),
		"chain-specs/{SOURCES_FILE} describes another runtime code than the specs carry ({code_hash})"
	);
	let recorded: Vec<&str> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
	let current = source_manifest();
	let current: Vec<&str> = current.lines().collect();
	let changed: Vec<&str> = current
		.iter()
		.filter(|line| !recorded.contains(line))
		.chain(recorded.iter().filter(|line| !current.contains(line)))
		.map(|line| line.split_once("  ").map_or(*line, |(_, path)| path))
		.collect();
	assert!(
		changed.is_empty(),
		"the runtime code in chain-specs/ is stale: {changed:?} changed since it was built; run scripts/gen-chain-specs.sh"
	);
}
