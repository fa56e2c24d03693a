//! `zksettle-node`: the zkSettle collator, a thin binary over `polkadot-omni-node-lib`.
//!
//! The omni node runs any Aura parachain runtime; this binary adds zkSettle's chain specs, so
//! that `zksettle-node --dev` starts a development chain (manual seal, a block every 3 s, or
//! `--dev-block-time <ms>`) and `--chain local` joins the local relay network, without a spec
//! file. Any other `--chain` value is read as a path to a JSON chain spec.
//!
//! The node does not link the runtime: the specs carry the runtime's wasm, and the node resolves
//! the runtime's shape from its metadata. A runtime change therefore never rebuilds the node, only
//! the committed specs (`chain-specs/`, see its README).

#[cfg(target_os = "linux")]
extern crate polkadot_jemalloc_shim;

use polkadot_sdk::polkadot_omni_node_lib::{
	chain_spec::{ChainSpec, GenericChainSpec, LoadSpec},
	run,
	runtime::DefaultRuntimeResolver,
	CliConfig, RunConfig,
};

/// The development spec: one collator (Alice), funded dev accounts, para id 1000.
const DEV_SPEC: &[u8] = include_bytes!("../../chain-specs/dev.json");
/// The local-testnet spec: Alice and Bob collating on a `rococo-local` relay chain.
const LOCAL_SPEC: &[u8] = include_bytes!("../../chain-specs/local.json");

/// Built-in specs by name, files otherwise.
struct ZkSettleSpecs;

impl LoadSpec for ZkSettleSpecs {
	fn load_spec(&self, id: &str) -> Result<Box<dyn ChainSpec>, String> {
		Ok(Box::new(match id {
			"" | "dev" | "zksettle-dev" => GenericChainSpec::from_json_bytes(DEV_SPEC)?,
			"local" | "zksettle-local" => GenericChainSpec::from_json_bytes(LOCAL_SPEC)?,
			path => GenericChainSpec::from_json_file(path.into())?,
		}))
	}
}

struct ZkSettleCli;

impl CliConfig for ZkSettleCli {
	fn impl_version() -> String {
		format!("{}-{}", env!("CARGO_PKG_VERSION"), env!("SUBSTRATE_CLI_COMMIT_HASH"))
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/zksettle/zksettle/issues".into()
	}

	fn copyright_start_year() -> u16 {
		2026
	}
}

fn main() -> color_eyre::eyre::Result<()> {
	color_eyre::install()?;
	let config = RunConfig::new(Box::new(DefaultRuntimeResolver), Box::new(ZkSettleSpecs));
	Ok(run::<ZkSettleCli>(config)?)
}
