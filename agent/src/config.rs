//! Configuration, as Hyperlane's agents take it: command-line flags over environment variables
//! over a configuration file over defaults; secrets from files or the environment only.
//!
//! Every flag of a role has an environment variable, `ZKSETTLE_<ROLE>_<FLAG>` (for example
//! `--checkpoint-dir` of the validator is `ZKSETTLE_VALIDATOR_CHECKPOINT_DIR`; a repeated flag
//! takes a comma-separated list). A configuration file (`--config FILE` or `ZKSETTLE_CONFIG`) is a
//! JSON object whose keys are the role's long flag names:
//!
//! ```json
//! { "origin": "ws://127.0.0.1:9944", "destination": "ws://127.0.0.1:9945",
//!   "validator": ["file:///var/lib/validators/0xf39f…"], "db": "/var/lib/relayer/db.json",
//!   "suri-file": "/etc/zksettle/relayer.suri", "metrics": "127.0.0.1:9821" }
//! ```
//!
//! [`apply_file`] turns each key into its environment variable unless that variable is already
//! set, so the precedence above holds with clap's own parsing. An unknown key is an error (a typo
//! must not silently leave a default in force), and so is a secret written into the file.
//!
//! Secrets never come from a flag (another user of the machine reads a process's arguments): the
//! validator's key comes from `--key-file` or `ZKSETTLE_VALIDATOR_KEY`, the relayer's account
//! from `--suri-file` or `ZKSETTLE_RELAYER_SURI`. A secret file must not be readable by the
//! group or others, as ssh demands of its keys.
//!
//! Each agent keeps a database on disk (a restarted agent resumes where it stopped): `--db`, or
//! by default a file named by its role and route in the agents' data directory ([`default_db`]).

use std::path::{Path, PathBuf};

use crate::AgentError;

/// The variable naming the configuration file, and the flag that does the same.
pub const CONFIG_ENV: &str = "ZKSETTLE_CONFIG";

/// Keys a configuration file may not hold: secrets, which come from files or the environment.
const SECRETS: [&str; 2] = ["key", "suri"];

/// The configuration file named on the command line (`--config FILE`, `--config=FILE`) or in
/// `ZKSETTLE_CONFIG`, if any.
pub fn file_from_args(args: &[String]) -> Option<String> {
	let mut iter = args.iter();
	while let Some(arg) = iter.next() {
		if arg == "--config" {
			return iter.next().cloned();
		}
		if let Some(path) = arg.strip_prefix("--config=") {
			return Some(path.to_string());
		}
	}
	std::env::var(CONFIG_ENV).ok()
}

/// The environment assignments a configuration file's `text` makes for the flags of `command`
/// (a role's clap command): `(variable, value)` for each key. Errors on malformed JSON, an
/// unknown key, a key with no variable, or a secret.
pub fn assignments(command: &clap::Command, text: &str) -> Result<Vec<(String, String)>, AgentError> {
	let bad = |why: String| AgentError::Config(format!("configuration file: {why}"));
	let object: serde_json::Map<String, serde_json::Value> =
		serde_json::from_str(text).map_err(|e| bad(format!("not a JSON object: {e}")))?;
	let mut out = Vec::new();
	for (key, value) in object {
		if SECRETS.contains(&key.as_str()) {
			return Err(bad(format!("`{key}` is a secret: give `{key}-file` (or its environment variable) instead")));
		}
		let arg = command
			.get_arguments()
			.find(|arg| arg.get_long() == Some(key.as_str()))
			.ok_or_else(|| bad(format!("unknown key `{key}` for `{}`", command.get_name())))?;
		let env = arg.get_env().and_then(|e| e.to_str()).ok_or_else(|| bad(format!("`{key}` cannot be configured")))?;
		let text = match value {
			serde_json::Value::String(s) => s,
			serde_json::Value::Number(n) => n.to_string(),
			serde_json::Value::Bool(b) => b.to_string(),
			serde_json::Value::Array(items) => items
				.into_iter()
				.map(|item| match item {
					serde_json::Value::String(s) => s,
					other => other.to_string(),
				})
				.collect::<Vec<_>>()
				.join(","),
			other => return Err(bad(format!("`{key}`: {other} is not a value"))),
		};
		out.push((env.to_string(), text));
	}
	Ok(out)
}

/// Read a secret from `path`: its first line, trimmed. The file must not be readable by the
/// group or others ([`zksettle_client::files::read_secret`], which the wallet shares).
pub fn read_secret(path: &Path) -> Result<String, AgentError> {
	use zksettle_client::ClientError;
	let line = zksettle_client::files::read_secret(path).map_err(|e| match e {
		ClientError::Io(file, e) => AgentError::Io(file, e),
		ClientError::ExposedSecret(file) => AgentError::Config(format!("{file}: a secret readable by others; chmod 600 it")),
		other => AgentError::Config(other.to_string()),
	})?;
	let line = line.trim().to_string();
	if line.is_empty() {
		return Err(AgentError::Config(format!("{}: empty", path.display())));
	}
	Ok(line)
}

/// A secret from `file` if given, else from the environment variable `env`.
pub fn secret(file: Option<&Path>, env: &str, what: &str) -> Result<String, AgentError> {
	optional_secret(file, env)?.ok_or_else(|| AgentError::Config(format!("no {what}: give --{what}-file or set {env}")))
}

/// A secret from `file` if given, else from the environment variable `env` if set, else none.
pub fn optional_secret(file: Option<&Path>, env: &str) -> Result<Option<String>, AgentError> {
	match file {
		Some(path) => read_secret(path).map(Some),
		None => Ok(std::env::var(env).ok().filter(|s| !s.trim().is_empty())),
	}
}

/// The agents' data directory: `$ZKSETTLE_AGENT_DATA`, else `$XDG_DATA_HOME/zksettle-agent`,
/// else `$HOME/.local/share/zksettle-agent` (the XDG default).
pub fn data_dir() -> Result<PathBuf, AgentError> {
	let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
	var("ZKSETTLE_AGENT_DATA")
		.or_else(|| var("XDG_DATA_HOME").map(|d| d.join("zksettle-agent")))
		.or_else(|| var("HOME").map(|h| h.join(".local/share/zksettle-agent")))
		.ok_or_else(|| AgentError::Config("no --db, and no data directory (set ZKSETTLE_AGENT_DATA or HOME)".into()))
}

/// The database file `name` in `dir`, created (the owner's alone) if missing: where an agent
/// given no `--db` keeps its state. `name` says the role and route (`validator-<domain>-<address>`,
/// `relayer-<origin>-<destination>`), so two agents on one machine never share a file.
pub fn default_db(dir: &Path, name: &str) -> Result<PathBuf, AgentError> {
	let mut builder = std::fs::DirBuilder::new();
	builder.recursive(true);
	#[cfg(unix)]
	std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
	builder.create(dir).map_err(|e| AgentError::Io(dir.display().to_string(), e))?;
	Ok(dir.join(format!("{name}.json")))
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::{Arg, Command};

	fn role() -> Command {
		Command::new("relayer")
			.arg(Arg::new("origin").long("origin").env("ZKSETTLE_RELAYER_ORIGIN"))
			.arg(Arg::new("validator").long("validator").env("ZKSETTLE_RELAYER_VALIDATOR"))
			.arg(Arg::new("from").long("from").env("ZKSETTLE_RELAYER_FROM"))
			.arg(Arg::new("no-env").long("no-env"))
	}

	#[test]
	fn a_file_becomes_environment_and_refuses_typos_and_secrets() {
		let set = assignments(&role(), r#"{"origin": "ws://a", "validator": ["file:///x", "http://y"], "from": 3}"#).unwrap();
		assert_eq!(
			set,
			[
				("ZKSETTLE_RELAYER_FROM".to_string(), "3".to_string()),
				("ZKSETTLE_RELAYER_ORIGIN".into(), "ws://a".into()),
				("ZKSETTLE_RELAYER_VALIDATOR".into(), "file:///x,http://y".into()),
			]
		);
		for (text, why) in [
			(r#"{"orign": "ws://a"}"#, "unknown key `orign`"),
			(r#"{"suri": "//Alice"}"#, "secret"),
			(r#"{"no-env": "x"}"#, "cannot be configured"),
			(r#"{"origin": {"a": 1}}"#, "is not a value"),
			("[1]", "not a JSON object"),
		] {
			let error = assignments(&role(), text).unwrap_err().to_string();
			assert!(error.contains(why), "{text}: {error}");
		}
	}

	#[test]
	fn the_config_file_is_found_on_the_command_line() {
		let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
		assert_eq!(file_from_args(&args(&["agent", "relayer", "--config", "r.json"])), Some("r.json".into()));
		assert_eq!(file_from_args(&args(&["agent", "--config=v.json", "validator"])), Some("v.json".into()));
	}

	#[cfg(unix)]
	#[test]
	fn secrets_come_from_private_files() {
		use std::os::unix::fs::PermissionsExt;
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("key");
		std::fs::write(&path, "0xabc\n").unwrap();
		std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
		assert!(read_secret(&path).unwrap_err().to_string().contains("readable by others"));
		std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
		assert_eq!(read_secret(&path).unwrap(), "0xabc");
		assert_eq!(secret(Some(&path), "ZKSETTLE_TEST_UNSET_SECRET", "key").unwrap(), "0xabc");
		assert!(secret(None, "ZKSETTLE_TEST_UNSET_SECRET", "key").unwrap_err().to_string().contains("--key-file"));
		std::fs::write(&path, "\n").unwrap();
		assert!(read_secret(&path).is_err());
	}

	/// Without `--db`, a relayer's database is a file in the data directory that a restart
	/// finds again; another route gets another file.
	#[test]
	fn the_default_database_is_on_disk_and_survives_a_restart() {
		use crate::relayer::db::{Db, Route};
		let data = tempfile::tempdir().unwrap();
		let dir = data.path().join("zksettle-agent");
		let route = Route { origin: 1, origin_genesis: "0x01".into(), destination: 2, destination_genesis: "0x02".into() };
		let path = default_db(&dir, "relayer-1-2").unwrap();
		assert!(path.starts_with(&dir));
		#[cfg(unix)]
		assert_eq!(std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&dir).unwrap().permissions()) & 0o777, 0o700);
		let mut db = Db::open(Some(path.clone()), route.clone()).unwrap();
		db.take_in([(0, [1; 32]), (1, [2; 32])], 2).unwrap();
		db.done(0, true).unwrap();
		drop(db);
		// The restarted relayer, given no --db either, opens the same file and resumes.
		let again = Db::open(Some(default_db(&dir, "relayer-1-2").unwrap()), route).unwrap();
		assert_eq!((again.next(), again.pending().len()), (2, 1));
		assert_ne!(default_db(&dir, "relayer-1-3").unwrap(), path);
	}
}
