//! The `zksettle` command line without a node: exit statuses by class of error, the password
//! file, the birthday a restore records, and `--json`.

use std::{io::Write, os::unix::fs::PermissionsExt, path::Path, process::{Command, Output, Stdio}};

use zksettle_wallet::error::exit;

const WORDS: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

fn zksettle(wallet: &Path, args: &[&str], stdin: &str) -> Output {
	let mut child = Command::new(env!("CARGO_BIN_EXE_zksettle"))
		.arg("--wallet")
		.arg(wallet)
		.args(args)
		.env_remove("ZKSETTLE_PASSWORD")
		.env_remove("ZKSETTLE_PASSWORD_FILE")
		.env_remove("ZKSETTLE_URL")
		.env_remove("ZKSETTLE_SURI")
		.env_remove("ZKSETTLE_SURI_FILE")
		.env_remove("ZKSETTLE_RELAYER_SURI")
		.env_remove("ZKSETTLE_RELAYER_FILE")
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.unwrap();
	child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
	child.wait_with_output().unwrap()
}

fn status(output: &Output) -> i32 {
	output.status.code().unwrap()
}

/// A secret file as its owner keeps it: readable by the owner alone.
fn secret(path: &Path, value: &str) {
	std::fs::write(path, format!("{value}\n")).unwrap();
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// No secret is taken on a flag: the payer's and the relayer's secret URIs come from a file only
/// the user can read (or the environment). The refusal comes before anything else is done.
#[test]
fn secrets_are_never_taken_on_a_flag() {
	let dir = tempfile::tempdir().unwrap();
	let wallet = dir.path().join("w");
	let password = dir.path().join("pw");
	secret(&password, "pw");
	let pw = ["--password-file", password.to_str().unwrap()];
	let out = zksettle(&wallet, &[pw[0], pw[1], "restore", "--network", "dev"], &format!("{WORDS}\n"));
	assert_eq!(status(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
	let out = zksettle(&wallet, &[pw[0], pw[1], "address", "--json"], "");
	let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let own = json["address"].as_str().unwrap().to_string();
	let account = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
	let offline = ["--url", "ws://127.0.0.1:1"];
	assert!(own.starts_with("zksdev1"), "{own}");

	// A recipient written for another network than the wallet's is refused, naming both, before
	// the node is asked (none listens here); a typo in one is caught by its checksum.
	let keys = zksettle_wallet::keys::Keys::from_phrase(WORDS).unwrap();
	let live = keys.address().encode(zksettle_wallet::keys::Network::Live);
	let out = zksettle(&wallet, &[pw[0], pw[1], offline[0], offline[1], "send", "1", &live, "--yes"], "");
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert_eq!(status(&out), i32::from(exit::INPUT), "{stderr}");
	assert!(stderr.contains("an address of the live network, and this wallet and its chain are on the dev network"), "{stderr}");
	let typo = format!("{}{}", &own[..own.len() - 1], if own.ends_with('q') { 'p' } else { 'q' });
	let out = zksettle(&wallet, &[pw[0], pw[1], offline[0], offline[1], "send", "1", &typo, "--yes"], "");
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert_eq!(status(&out), i32::from(exit::INPUT), "{stderr}");
	assert!(stderr.contains("checksum"), "{stderr}");

	for (args, instead) in [
		(vec!["shield", "1", "--suri", "//Alice"], "--suri-file"),
		(vec!["send", "1", &own, "--relayer", "//Charlie"], "--relayer-file"),
		(vec!["unshield", "1", account, "--relayer", "//Charlie"], "--relayer-file"),
		(vec!["unshield", "1", account, "--to-reserve", "--relayer=//Charlie"], "--relayer-file"),
	] {
		let out = zksettle(&wallet, &[&[pw[0], pw[1], offline[0], offline[1]], &args[..]].concat(), "");
		let stderr = String::from_utf8_lossy(&out.stderr);
		assert_eq!(status(&out), i32::from(exit::INPUT), "{args:?}: {stderr}");
		assert!(stderr.contains("history") && stderr.contains(instead), "{args:?}: {stderr}");
	}

	// From a file: one others can read is refused (an input error, before the node is asked);
	// the owner's own is taken, and the command goes on to the node (here: none listening).
	let exposed = dir.path().join("exposed.suri");
	std::fs::write(&exposed, "//Alice\n").unwrap();
	std::fs::set_permissions(&exposed, std::fs::Permissions::from_mode(0o644)).unwrap();
	let private = dir.path().join("private.suri");
	secret(&private, "//Alice");
	for (file, expected) in [(&exposed, exit::INPUT), (&private, exit::NODE)] {
		let file = file.to_str().unwrap();
		for args in [
			vec!["shield", "1", "--suri-file", file],
			vec!["send", "1", &own, "--relayer-file", file],
			vec!["unshield", "1", account, "--relayer-file", file],
		] {
			let out = zksettle(&wallet, &[&[pw[0], pw[1], offline[0], offline[1]], &args[..]].concat(), "");
			assert_eq!(status(&out), i32::from(expected), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
		}
	}
}

#[test]
fn exit_statuses_password_file_and_birthday() {
	let dir = tempfile::tempdir().unwrap();
	let wallet = dir.path().join("w");
	let good = dir.path().join("good");
	let bad = dir.path().join("bad");
	secret(&good, "correct horse");
	secret(&bad, "wrong horse");
	let with = |file: &Path| ["--password-file".to_string(), file.display().to_string()];

	// A password file others can read is refused, before anything is created.
	let shared = dir.path().join("shared");
	std::fs::write(&shared, "correct horse\n").unwrap();
	std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
	let out = zksettle(&wallet, &[&with(&shared)[0], &with(&shared)[1], "restore"], &format!("{WORDS}\n"));
	assert_eq!(status(&out), i32::from(exit::INPUT), "{}", String::from_utf8_lossy(&out.stderr));
	assert!(String::from_utf8_lossy(&out.stderr).contains("chmod 600"));
	assert!(!wallet.exists());

	// No wallet yet: a wallet-file error.
	let out = zksettle(&wallet, &[&with(&good)[0], &with(&good)[1], "export-viewing-key"], "");
	assert_eq!(status(&out), i32::from(exit::WALLET), "{}", String::from_utf8_lossy(&out.stderr));

	// Restore with a birthday, the password from the file.
	let out = zksettle(&wallet, &[&with(&good)[0], &with(&good)[1], "restore", "--birthday", "42", "--network", "test"], &format!("{WORDS}\n"));
	assert_eq!(status(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
	assert!(String::from_utf8_lossy(&out.stdout).contains("scanning from block 42"));

	// The file's first line is the password: the right one opens, the wrong one is refused.
	let out = zksettle(&wallet, &[&with(&good)[0], &with(&good)[1], "export-viewing-key"], "");
	assert_eq!(status(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
	assert!(String::from_utf8_lossy(&out.stdout).starts_with("zkview"));
	let out = zksettle(&wallet, &[&with(&bad)[0], &with(&bad)[1], "export-viewing-key"], "");
	assert_eq!(status(&out), i32::from(exit::WALLET));

	// Restoring over an existing wallet is refused; a bad mnemonic is an input error.
	let out = zksettle(&wallet, &[&with(&good)[0], &with(&good)[1], "restore"], &format!("{WORDS}\n"));
	assert_eq!(status(&out), i32::from(exit::WALLET));
	let out = zksettle(&dir.path().join("other"), &[&with(&good)[0], &with(&good)[1], "restore"], "not a mnemonic\n");
	assert_eq!(status(&out), i32::from(exit::INPUT));

	// `init` reads its birthday from the node: none listening is a node error, and nothing is
	// created.
	let fresh = dir.path().join("fresh");
	let out = zksettle(&fresh, &[&with(&good)[0], &with(&good)[1], "--url", "ws://127.0.0.1:1", "init"], "");
	assert_eq!(status(&out), i32::from(exit::NODE), "{}", String::from_utf8_lossy(&out.stderr));
	assert!(!fresh.join("keystore.json").exists());

	// `--json`: one object on standard output, errors included, with the same exit status; the
	// global options may follow the command.
	let out = zksettle(&wallet, &["address", "--json"], "");
	assert_eq!(status(&out), 0);
	let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	assert!(json["address"].as_str().unwrap().starts_with("zkstest1"), "{json}");
	assert_eq!(json["network"], "test", "{json}");
	assert_eq!(json["watch_only"], false);
	// Both things `address` promises, without the password: the public account is the
	// mnemonic's sr25519 key, as Polkadot.js derives it.
	let account = zksettle_wallet::wallet::signer(WORDS).unwrap().public_key().to_account_id().to_string();
	assert_eq!(json["account"], account.as_str(), "{json}");
	let out = zksettle(&wallet, &["address"], "");
	assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("public account:   {account}")));
	let out = zksettle(&fresh, &["init", "--json", "--url", "ws://127.0.0.1:1", &with(&good)[0], &with(&good)[1]], "");
	assert_eq!(status(&out), i32::from(exit::NODE));
	let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	assert_eq!(json["error"]["class"], "node", "{json}");
	assert_eq!(json["error"]["exit_code"], exit::NODE);
	assert!(json["error"]["message"].as_str().unwrap().contains("--birthday"), "{json}");
}
