//! `zksettle`: the command-line private-payments wallet.
//!
//! Exit status by class of error: 0 success, 1 internal (proving, randomness), 2 input
//! (mnemonic, address, amount, asset; also a malformed command line), 3 wallet files (missing,
//! wrong password, corrupt), 4 funds (balance short, watch-only), 5 chain (refused, stale root,
//! spent note, other chain or key), 6 node (unreachable, unexpected answer). `--json` prints
//! one JSON object per command, errors included (see `report`).

mod commands;
mod confirm;
mod report;
mod setup;
mod watch;

use std::{path::PathBuf, process::ExitCode};

use clap::{ArgAction, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "zksettle", version, about = "Private payments on zkSettle: shield, send privately, unshield.")]
struct Cli {
	/// Wallet directory (keystore and encrypted state).
	#[arg(long, global = true, env = "ZKSETTLE_WALLET", default_value_os_t = default_dir())]
	wallet: PathBuf,
	/// Node RPC endpoint.
	#[arg(long, global = true, env = "ZKSETTLE_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// Proving parameters file (default: the public development parameters, derived once and
	/// cached in the wallet directory; for development networks only).
	#[arg(long, global = true, env = "ZKSETTLE_PARAMS")]
	params: Option<PathBuf>,
	/// Amounts are in base units instead of the asset's decimals.
	#[arg(long, global = true)]
	raw: bool,
	/// Print one JSON object (errors included) instead of lines.
	#[arg(long, global = true)]
	json: bool,
	/// Log what the wallet does on standard error: -v info, -vv debug, -vvv trace
	/// (`RUST_LOG` overrides).
	#[arg(short, long, global = true, action = ArgAction::Count)]
	verbose: u8,
	/// Read the keystore password from this file (its first line) instead of `ZKSETTLE_PASSWORD`
	/// or the terminal.
	#[arg(long, global = true, env = "ZKSETTLE_PASSWORD_FILE")]
	password_file: Option<PathBuf>,
	/// Send a proposed spend without asking (for scripts): spends say first how many
	/// transactions they make and what they pay in fees, and wait for a yes on the terminal.
	#[arg(short = 'y', long, global = true)]
	yes: bool,
	/// Write the submitted call (hex) to this file: a record of exactly what went on chain.
	#[arg(long, global = true)]
	save_call: Option<PathBuf>,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Create a wallet with a new 24-word mnemonic (printed once: write it down). Its birthday
	/// is the node's finalized height (a new wallet has no older notes), so that its first
	/// sync scans nothing before it.
	Init {
		/// Block to start scanning at, instead of asking the node for its height.
		#[arg(long)]
		birthday: Option<u64>,
		/// The network whose address form to record (`live`, `test`, `dev`; default: the node's).
		#[arg(long)]
		network: Option<zksettle_wallet::keys::Network>,
	},
	/// Restore a wallet from its mnemonic (read from standard input).
	Restore {
		/// Block to start scanning at: at or before the block of the wallet's first note
		/// (default 0: the whole chain).
		#[arg(long, default_value_t = 0)]
		birthday: u64,
		/// The network whose address form to record (`live`, `test`, `dev`; default: the node's).
		#[arg(long)]
		network: Option<zksettle_wallet::keys::Network>,
	},
	/// Create a watch-only wallet from an exported viewing key.
	ImportViewingKey {
		/// The key (`zkview…`).
		key: String,
		/// Block to start scanning at (default 0: the whole chain).
		#[arg(long, default_value_t = 0)]
		birthday: u64,
		/// The network whose address form to record (`live`, `test`, `dev`; default: the node's).
		#[arg(long)]
		network: Option<zksettle_wallet::keys::Network>,
	},
	/// Print the viewing key: it reveals all notes and balances, but cannot spend.
	ExportViewingKey,
	/// Print the shielded address (for the wallet's network) and the public account.
	Address,
	/// Scan new blocks for notes and spends. A node whose chain is not the one the wallet
	/// scanned (a restarted chain with the same genesis) is detected, and the wallet rescans
	/// from its birthday.
	Sync,
	/// Forget the notes found and scan again from the birthday, keeping the history of this
	/// wallet's own transactions (after a scan with a wrong birthday, or to rebuild the notes).
	Rescan {
		/// Scan from this block instead, and keep it as the birthday.
		#[arg(long)]
		birthday: Option<u64>,
	},
	/// Forget everything the chain told this wallet, which chain it was included, keeping the
	/// keys: for using it on another chain. The next `sync` starts at the birthday.
	Reset {
		/// A new birthday (e.g. 0 for a new development chain).
		#[arg(long)]
		birthday: Option<u64>,
	},
	/// Public and shielded balances: the native token, and each asset named with `--asset` or
	/// held in shielded notes.
	Balance {
		/// An asset to show besides those held (symbol or `pallet-assets` id; repeatable).
		#[arg(long)]
		asset: Vec<String>,
	},
	/// Move public funds into the pool, to a note of this wallet.
	Shield {
		/// Amount.
		amount: String,
		/// Asset: its symbol or `pallet-assets` id (default: the native token).
		#[arg(long, default_value = "native")]
		asset: String,
		/// Pay from the account whose secret URI is the first line of this file (readable by you
		/// alone; `-` asks on the terminal) instead of the wallet's own account. The environment
		/// variable `ZKSETTLE_SURI` can hold the secret URI itself (`//Alice` on a dev chain).
		#[arg(long, env = "ZKSETTLE_SURI_FILE")]
		suri_file: Option<PathBuf>,
		/// Refused: a secret on the command line is in the shell's history and the process list.
		#[arg(long, hide = true)]
		suri: Option<String>,
	},
	/// Send privately to a shielded address.
	Send {
		#[command(flatten)]
		spend: Spend,
		/// Recipient's shielded address (`zks1…` live, `zkstest1…` test, `zksdev1…` development; one of
		/// another network than the node's is refused).
		to: String,
	},
	/// Withdraw from the pool to any public account (it needs no balance of its own), or with
	/// `--to-reserve` straight to an account on a foreign asset's reserve chain.
	Unshield {
		#[command(flatten)]
		spend: Spend,
		/// SS58 account that receives the amount (with `--to-reserve`: an account on the reserve
		/// chain, SS58 or 0x-hex 32 bytes).
		to: String,
		/// Send a foreign asset back to its reserve chain (the relay chain for its token, Asset Hub
		/// for its assets) over XCM, to `to` there; needs a relayer (`--relayer-file`). The reserve takes its
		/// execution fee from the amount.
		#[arg(long)]
		to_reserve: bool,
	},
	/// What happened to this wallet, oldest first.
	History,
	/// Follow the chain and print each note received or spent as soon as a block holding it is
	/// the node's best block (pending: included, not final), again when it is final, or as
	/// dropped if the chain abandons that block. With `--json`, one JSON object per line for
	/// each event. Runs until interrupted, or until `--events` events were printed.
	Watch {
		/// Stop after this many events.
		#[arg(long)]
		events: Option<usize>,
	},
}

/// What a spend from shielded value takes: the amount, the fee, the asset.
#[derive(clap::Args)]
struct Spend {
	/// Amount.
	amount: String,
	/// Fee from shielded value, in the same asset (default: the chain's minimum for unsigned
	/// transactions). Paid again by each merge when the amount is spread over more than two
	/// notes.
	#[arg(long)]
	fee: Option<String>,
	/// Asset: its symbol, its `pallet-assets` id, or `f<index>` for the pool's foreign asset
	/// `index` (default: the native token).
	#[arg(long, default_value = "native")]
	asset: String,
	/// A relayer that signs the transaction and takes the fee (in the asset): the file holding its
	/// secret URI on its first line (readable by you alone; `-` asks on the terminal), or the
	/// secret URI itself in `ZKSETTLE_RELAYER_SURI`. Needed for any asset but the native token,
	/// whose transactions can go unsigned; the relayer's account is the only one the transaction
	/// shows.
	#[arg(long, env = "ZKSETTLE_RELAYER_FILE")]
	relayer_file: Option<PathBuf>,
	/// Refused: a secret on the command line is in the shell's history and the process list.
	#[arg(long, hide = true)]
	relayer: Option<String>,
}

fn default_dir() -> PathBuf {
	std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default().join(".zksettle")
}

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	zksettle_wallet::logs::init(cli.verbose, &["zksettle", "zksettle_wallet"]);
	let (raw, json) = (cli.raw, cli.json);
	match commands::run(cli).await {
		Ok(report) => {
			report.print(json);
			ExitCode::SUCCESS
		},
		Err(failure) => {
			report::print_error(&failure.error, &failure.describe(raw), json);
			ExitCode::from(failure.error.exit_code())
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// `send AMOUNT TO` and `unshield AMOUNT TO`, as scripts and the README call them.
	#[test]
	fn amounts_come_before_recipients() {
		for (command, to) in [("send", "zksAddress"), ("unshield", "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty")] {
			let cli = Cli::try_parse_from(["zksettle", command, "40", to, "--fee", "0.1", "--json"]).unwrap();
			let (spend, parsed_to) = match cli.command {
				Command::Send { spend, to } | Command::Unshield { spend, to, .. } => (spend, to),
				_ => panic!("{command}"),
			};
			assert_eq!((spend.amount.as_str(), parsed_to.as_str(), spend.fee.as_deref()), ("40", to, Some("0.1")));
			assert_eq!(spend.asset, "native");
			assert!(cli.json);
		}
	}
}
