//! Where the relayer reads validators' signed checkpoints: a list the operator gives, or the
//! storage locations the validators announced on the origin chain (Hyperlane relayers find
//! validators this way: the ISM names them, `ValidatorAnnounce` says where they publish).
//!
//! Announced locations are looked up for the validators of the ISM at hand; of each validator's,
//! the newest this relayer can read is used (a newest one it may not read, a `file://` path, does
//! not hide an older one it can), and the answer is kept for [`REFRESH`] (a validator that is not
//! announced yet is looked up again at the next attempt). As in Hyperlane's relayer
//! (`allowLocalCheckpointSyncers`), an announced `file://` location is read only when the
//! operator allows it: anyone can announce, and a path on the relayer's machine is the
//! relayer's business, not the chain's.

use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use jsonrpsee::{
	core::client::ClientT,
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};

use crate::{
	hex0x,
	mailbox::Mailbox,
	signer::EthAddress,
	storage::{remote::RemoteStorage, LocalStorage},
	validator::SignedCheckpoint,
	AgentError,
};

/// How long an announced location is trusted before it is looked up again.
pub const REFRESH: Duration = Duration::from_secs(60);

/// The log target.
const LOG: &str = "zksettle_agent::relayer";

/// One validator's signed checkpoints.
pub enum Source {
	/// Its JSON-RPC endpoint (`validator_checkpoint`).
	Rpc(Box<HttpClient>),
	/// Its checkpoint storage in a directory (`file://`).
	Local(LocalStorage),
	/// Its checkpoint storage in an object store (`s3://`, `gs://`, `http(s)://`).
	Remote(Box<RemoteStorage>),
}

impl Source {
	/// A storage location, as validators announce them.
	pub fn storage(location: &str, s3_endpoint: Option<&str>) -> Result<Self, AgentError> {
		if location.starts_with("file://") {
			return LocalStorage::from_location(location).map(Source::Local);
		}
		RemoteStorage::from_location(location, s3_endpoint).map(|s| Source::Remote(Box::new(s)))
	}

	/// What `--validator` names: `http(s)://` is a validator's JSON-RPC endpoint, anything else
	/// a storage location.
	pub fn from_flag(url: &str, s3_endpoint: Option<&str>) -> Result<Self, AgentError> {
		if url.starts_with("http://") || url.starts_with("https://") {
			return HttpClientBuilder::default()
				.request_timeout(Duration::from_secs(10))
				.build(url)
				.map(|client| Source::Rpc(Box::new(client)))
				.map_err(|e| AgentError::Config(format!("{url}: {e}")));
		}
		Source::storage(url, s3_endpoint)
	}

	/// The checkpoint at leaf `index`, attributed to `label`; `None` if there is none yet or the
	/// source failed (another validator may answer; the message is retried). A failure is
	/// logged and counted in `metrics`: a store that refuses reads (403) at ERROR, as an
	/// operator must fix it; others at DEBUG (a validator briefly down is routine).
	pub async fn checkpoint(&self, label: &str, index: u32, metrics: Option<&crate::metrics::Metrics>) -> Option<SignedCheckpoint> {
		let result = match self {
			Source::Rpc(client) => client
				.request("validator_checkpoint", rpc_params![index])
				.await
				.map_err(|e| AgentError::Validator(label.to_string(), e.to_string())),
			// File reads block: off the async executor.
			Source::Local(storage) => {
				let (storage, label) = (storage.clone(), label.to_string());
				let failed = label.clone();
				tokio::task::spawn_blocking(move || storage.fetch(index, &label))
					.await
					.map_err(|e| AgentError::Validator(failed, e.to_string()))
					.and_then(|read| read)
			},
			Source::Remote(storage) => storage.fetch(index, label).await,
		};
		result.unwrap_or_else(|e| {
			match e {
				AgentError::Forbidden(_) => tracing::error!(target: LOG, validator = %label, index, "{e}"),
				_ => tracing::debug!(target: LOG, validator = %label, index, "{e}"),
			}
			if let Some(metrics) = metrics {
				metrics.error(&e);
			}
			None
		})
	}
}

/// A validator's announced location, as last looked up.
struct Announced {
	/// Its latest location and the source reading it; `None` if it announced nothing readable.
	latest: Option<(String, Arc<Source>)>,
	looked_up: Instant,
}

/// The validators a relayer reads.
pub struct Validators {
	/// Given by the operator; when empty, the relayer discovers validators from the origin.
	configured: Vec<(String, Arc<Source>)>,
	announced: Mutex<HashMap<EthAddress, Announced>>,
	s3_endpoint: Option<String>,
	allow_local: bool,
}

impl Validators {
	/// The validators `flags` name (see [`Source::from_flag`]); none: discover them from the
	/// origin chain. `allow_local` lets announced `file://` locations be read.
	pub fn new(flags: &[String], s3_endpoint: Option<String>, allow_local: bool) -> Result<Self, AgentError> {
		let configured = flags
			.iter()
			.map(|url| Source::from_flag(url, s3_endpoint.as_deref()).map(|s| (url.clone(), Arc::new(s))))
			.collect::<Result<_, _>>()?;
		Ok(Validators { configured, announced: Mutex::new(HashMap::new()), s3_endpoint, allow_local })
	}

	/// Whether the validators are discovered from the chain.
	pub fn discovers(&self) -> bool {
		self.configured.is_empty()
	}

	/// Where to read checkpoints of the validators in `set`: every configured source, or the
	/// latest location each of them announced on `origin`.
	pub async fn sources(&self, origin: &Mailbox, set: &[EthAddress]) -> Result<Vec<(String, Arc<Source>)>, AgentError> {
		if !self.discovers() {
			return Ok(self.configured.clone());
		}
		let stale: Vec<EthAddress> = {
			let announced = self.announced.lock().map_err(|_| AgentError::Config("a poisoned lock".into()))?;
			set.iter()
				.filter(|v| announced.get(*v).is_none_or(|a| a.latest.is_none() || a.looked_up.elapsed() > REFRESH))
				.copied()
				.collect()
		};
		let looked_up = if stale.is_empty() { Vec::new() } else { origin.announced_storage_locations(&stale).await? };
		let mut announced = self.announced.lock().map_err(|_| AgentError::Config("a poisoned lock".into()))?;
		for (validator, locations) in stale.iter().zip(looked_up) {
			let previous = announced.remove(validator).and_then(|a| a.latest);
			let latest = self.choose(validator, &locations, previous);
			announced.insert(*validator, Announced { latest, looked_up: Instant::now() });
		}
		Ok(set
			.iter()
			.filter_map(|v| announced.get(v).and_then(|a| a.latest.as_ref()).map(|(_, source)| (hex0x(v), source.clone())))
			.collect())
	}

	/// Of `validator`'s announced `locations` (oldest first), the newest this relayer can read;
	/// `previous`, the source used so far, is kept when it is that one (with its connections).
	fn choose(
		&self,
		validator: &EthAddress,
		locations: &[String],
		previous: Option<(String, Arc<Source>)>,
	) -> Option<(String, Arc<Source>)> {
		let mut previous = previous;
		locations.iter().rev().find_map(|location| match previous.take() {
			Some((known, source)) if known == *location => Some((known, source)),
			other => {
				previous = other;
				self.open(validator, location)
			},
		})
	}

	/// A source for `validator`'s announced `location`, if this relayer reads that kind.
	fn open(&self, validator: &EthAddress, location: &str) -> Option<(String, Arc<Source>)> {
		if location.starts_with("file://") && !self.allow_local {
			tracing::warn!(target: LOG, validator = %hex0x(validator), %location, "a local location announced; not read without --allow-local-checkpoint-syncers");
			return None;
		}
		match Source::storage(location, self.s3_endpoint.as_deref()) {
			Ok(source) => {
				tracing::info!(target: LOG, validator = %hex0x(validator), %location, "reading the announced location");
				Some((location.to_string(), Arc::new(source)))
			},
			Err(e) => {
				tracing::warn!(target: LOG, validator = %hex0x(validator), %location, "an announced location this relayer cannot read: {e}");
				None
			},
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A validator's newest location may be one this relayer does not read (a `file://` path,
	/// without `--allow-local-checkpoint-syncers`): the newest one it can read is used instead,
	/// and a known source is kept rather than opened again.
	#[test]
	fn the_newest_readable_location_is_used() {
		let validators = Validators::new(&[], None, false).unwrap();
		let locations = |ls: &[&str]| ls.iter().map(|l| l.to_string()).collect::<Vec<_>>();
		let v = [7; 20];
		let chosen = validators.choose(&v, &locations(&["s3://old/us-east-1", "s3://new/us-east-1", "file:///tmp/x"]), None);
		assert_eq!(chosen.as_ref().map(|(l, _)| l.as_str()), Some("s3://new/us-east-1"));
		let kept = validators.choose(&v, &locations(&["s3://old/us-east-1", "s3://new/us-east-1"]), chosen.clone());
		assert!(Arc::ptr_eq(&kept.unwrap().1, &chosen.unwrap().1), "the known source is kept");
		assert!(validators.choose(&v, &locations(&["file:///tmp/x"]), None).is_none());
		let local = Validators::new(&[], None, true).unwrap();
		assert_eq!(local.choose(&v, &locations(&["s3://a/b", "file:///tmp/x"]), None).map(|(l, _)| l), Some("file:///tmp/x".into()));
	}
}
