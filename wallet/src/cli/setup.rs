//! Making a wallet (`init`, `restore`, `import-viewing-key`) and showing its address.
//!
//! A shielded address is written for a network ([`Network`]): the one `--network` names, else
//! the node's (its spec's `network` property or chain type). The network is recorded in the
//! keystore, so that `zksettle address` prints the same form offline.

use std::path::Path;

use serde_json::json;
use zksettle_wallet::{
	chain::Chain,
	keys::{Keys, Network},
	keystore::{Kind, LOG_N},
	wallet::Wallet,
	WalletError,
};

use crate::{commands::password, report::Report};

/// The network given, else the node's; `None` when neither is at hand (offline).
async fn network_of(url: &str, given: Option<Network>) -> Option<Network> {
	match given {
		Some(network) => Some(network),
		None => match Chain::connect(url).await {
			Ok(chain) => chain.network().await.ok(),
			Err(_) => None,
		},
	}
}

/// The address as it is shown: for its network, or a note saying how to see it.
fn shown(keys: &Keys, network: Option<Network>) -> String {
	match network {
		Some(network) => keys.address().encode(network),
		None => "(network unknown offline: `zksettle address` shows it once a node is reachable, or pass --network)".into(),
	}
}

/// `init`: a new mnemonic, its birthday the node's finalized height unless given.
pub async fn init(url: &str, dir: &Path, pw_file: Option<&Path>, birthday: Option<u64>, network: Option<Network>) -> Result<Report, WalletError> {
	let birthday = match birthday {
		Some(block) => block,
		None => {
			let offline =
				|e: WalletError| WalletError::Node(format!("{e} (the birthday is read from the node; offline, pass --birthday)"));
			Chain::connect(url).await.map_err(offline)?.finalized().await.map_err(|e| offline(e.into()))?
		},
	};
	let network = network_of(url, network).await;
	let phrase = Keys::generate_phrase()?;
	let wallet = Wallet::create(dir, Keys::from_phrase(&phrase)?, &password(pw_file, true)?, LOG_N, birthday, network)?;
	let (address, account) = (shown(wallet.keys(), network), wallet.account()?.public_key().to_account_id().to_string());
	Ok(Report::new(
		vec![
			format!("mnemonic (write it down; it is shown only now):\n{}\n", phrase.as_str()),
			format!("shielded address: {address}"),
			format!("public account:   {account}"),
			format!("birthday:         block {birthday} (restore with --birthday {birthday})"),
		],
		json!({ "mnemonic": phrase.as_str(), "address": address, "network": network, "account": account, "birthday": birthday }),
	))
}

/// `restore`: the mnemonic from standard input (hidden at a terminal).
pub async fn restore(url: &str, dir: &Path, pw_file: Option<&Path>, birthday: u64, network: Option<Network>) -> Result<Report, WalletError> {
	// Typed at a terminal, the words are not echoed (they are the wallet); piped in, read as
	// one line.
	let phrase = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
		rpassword::prompt_password("mnemonic (not shown): ").map_err(|e| WalletError::io("terminal".into(), e))?
	} else {
		let mut phrase = String::new();
		std::io::stdin().read_line(&mut phrase).map_err(|e| WalletError::io("stdin".into(), e))?;
		phrase
	};
	let network = network_of(url, network).await;
	let wallet = Wallet::create(dir, Keys::from_phrase(phrase.trim())?, &password(pw_file, true)?, LOG_N, birthday, network)?;
	let address = shown(wallet.keys(), network);
	Ok(Report::new(
		vec![
			format!("shielded address: {address}"),
			format!("run `zksettle sync` to find its notes (scanning from block {birthday})"),
		],
		json!({ "address": address, "network": network, "birthday": birthday }),
	))
}

/// `import-viewing-key`: a watch-only wallet.
pub async fn import_viewing_key(
	url: &str,
	dir: &Path,
	pw_file: Option<&Path>,
	key: &str,
	birthday: u64,
	network: Option<Network>,
) -> Result<Report, WalletError> {
	let network = network_of(url, network).await;
	let wallet = Wallet::create(dir, Keys::from_viewing_key(key)?, &password(pw_file, true)?, LOG_N, birthday, network)?;
	let address = shown(wallet.keys(), network);
	Ok(Report::new(
		vec![format!("watch-only wallet for {address} (scanning from block {birthday})")],
		json!({ "address": address, "network": network, "birthday": birthday, "watch_only": true }),
	))
}

/// `address`: the shielded address for the wallet's network, and the public account, from the
/// keystore alone; a keystore from before either was recorded gets it now (the network from
/// the node, the account by opening the wallet).
pub async fn address(url: &str, dir: &Path, pw_file: Option<&Path>) -> Result<Report, WalletError> {
	let keystore = Wallet::keystore(dir)?;
	let watch_only = keystore.kind == Kind::Viewing;
	let account = match (&keystore.account, watch_only) {
		(None, false) => Some(Wallet::open(dir, &password(pw_file, false)?)?.account()?.public_key().to_account_id().to_string()),
		(account, _) => account.clone(),
	};
	let network = match keystore.network {
		Some(network) => network,
		None => {
			let offline = |e: WalletError| {
				WalletError::Node(format!("{e} (this keystore does not record its network yet: the node tells it once)"))
			};
			let network = Chain::connect(url).await.map_err(offline)?.network().await.map_err(offline)?;
			Wallet::record_network(dir, network)?;
			network
		},
	};
	let address = keystore.address()?.encode(network);
	let mut text = vec![format!("shielded address: {address} ({network} network)")];
	match &account {
		Some(account) => text.push(format!("public account:   {account}")),
		None => text.push("(watch-only wallet: no public account)".into()),
	}
	Ok(Report::new(text, json!({ "address": address, "network": network, "account": account, "watch_only": watch_only })))
}
