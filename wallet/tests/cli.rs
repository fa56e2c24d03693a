//! The `zksettle` command line without a node: exit statuses by class of error, the password
//! file, the birthday a restore records, and `--json`.

use std::{io::Write, path::Path, process::{Command, Output, Stdio}};

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

#[test]
fn exit_statuses_password_file_and_birthday() {
	let dir = tempfile::tempdir().unwrap();
	let wallet = dir.path().join("w");
	let good = dir.path().join("good");
	let bad = dir.path().join("bad");
	std::fs::write(&good, "correct horse\n").unwrap();
	std::fs::write(&bad, "wrong horse\n").unwrap();
	let with = |file: &Path| ["--password-file".to_string(), file.display().to_string()];

	// No wallet yet: a wallet-file error.
	let out = zksettle(&wallet, &[&with(&good)[0], &with(&good)[1], "export-viewing-key"], "");
	assert_eq!(status(&out), i32::from(exit::WALLET), "{}", String::from_utf8_lossy(&out.stderr));

	// Restore with a birthday, the password from the file.
	let out = zksettle(&wallet, &[&with(&good)[0], &with(&good)[1], "restore", "--birthday", "42"], &format!("{WORDS}\n"));
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
	assert!(json["address"].as_str().unwrap().starts_with("zks"), "{json}");
	assert_eq!(json["watch_only"], false);
	let out = zksettle(&fresh, &["init", "--json", "--url", "ws://127.0.0.1:1", &with(&good)[0], &with(&good)[1]], "");
	assert_eq!(status(&out), i32::from(exit::NODE));
	let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	assert_eq!(json["error"]["class"], "node", "{json}");
	assert_eq!(json["error"]["exit_code"], exit::NODE);
	assert!(json["error"]["message"].as_str().unwrap().contains("--birthday"), "{json}");
}
