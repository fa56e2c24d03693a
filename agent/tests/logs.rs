//! The agent's log lines as a log collector reads them: with `--log-format json` (or
//! `ZKSETTLE_LOG_FORMAT=json`) one JSON object a line, with the level, the target and the event's
//! fields; by default lines for a person. No node is needed: an unreachable one is logged.

use std::{
	io::{BufRead, BufReader},
	process::{Command, Stdio},
};

/// The first line the agent logs, validating against a node nobody listens on.
fn first_line(args: &[&str], env: &[(&str, &str)]) -> String {
	let dir = tempfile::tempdir().unwrap();
	let key = dir.path().join("validator.key");
	std::fs::write(&key, format!("0x{:064x}\n", 1)).unwrap();
	std::fs::set_permissions(&key, <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600)).unwrap();
	let hook = format!("0x{:064x}", 5);
	let mut child = Command::new(env!("CARGO_BIN_EXE_zksettle-agent"))
		.args(args)
		.args(["validator", "--url", "ws://127.0.0.1:1", "--domain", "1", "--hook", &hook, "--key-file"])
		.arg(&key)
		.arg("--checkpoint-dir")
		.arg(dir.path().join("checkpoints"))
		.arg("--db")
		.arg(dir.path().join("validator.json"))
		.envs(env.iter().copied())
		.env_remove("RUST_LOG")
		.stderr(Stdio::piped())
		.stdout(Stdio::null())
		.spawn()
		.unwrap();
	let mut line = String::new();
	BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
	let _ = child.kill();
	let _ = child.wait();
	line
}

#[test]
fn json_logs_are_one_object_a_line_on_request() {
	for (args, env) in [(&["--log-format", "json"][..], &[][..]), (&[][..], &[("ZKSETTLE_LOG_FORMAT", "json")][..])] {
		let line = first_line(args, env);
		let json: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
		assert_eq!(json["level"], "WARN", "{line}");
		assert_eq!(json["target"], "zksettle_agent", "{line}");
		assert_eq!(json["fields"]["url"], "ws://127.0.0.1:1", "{line}");
		assert!(json["fields"]["message"].as_str().unwrap().contains("cannot connect"), "{line}");
		assert!(json["timestamp"].is_string(), "{line}");
	}
	let line = first_line(&[], &[]);
	assert!(serde_json::from_str::<serde_json::Value>(&line).is_err() && line.contains("WARN"), "{line}");
}
