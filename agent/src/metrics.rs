//! Prometheus metrics of an agent, served as text at `http://ADDR/metrics` (`--metrics ADDR`),
//! named and labelled as Hyperlane's own agents name theirs (`hyperlane-base`'s `CoreMetrics`)
//! wherever the meaning is the same, so that Hyperlane's dashboards and alerts apply as they are.
//!
//! | metric | kind | labels | what |
//! |---|---|---|---|
//! | `hyperlane_latest_checkpoint` | gauge | `phase`, `chain` | validator: `validator_observed` the latest leaf seen on the origin's hook, `validator_processed` the latest checkpoint signed and stored |
//! | `hyperlane_contract_sync_stored_events` | counter | `data_type`, `chain` | origin events taken in: `merkle_tree_hook` (validator), `dispatched_messages` (relayer, for its destination) |
//! | `hyperlane_latest_tree_insertion_index` | gauge | `origin` | relayer: the origin tree's latest leaf taken in |
//! | `hyperlane_submitter_queue_length` | gauge | `remote`, `queue_name`, `operation_status`, `app_context` | relayer: messages owed (`prepare_queue`; `FirstPrepareAttempt`, or `Retry` after a failure) |
//! | `hyperlane_operations_processed_count` | counter | `app_context`, `phase`, `chain` | relayer: deliveries `confirmed` (finalized), `failed` (to be retried), `dropped` (given up) |
//! | `hyperlane_messages_processed_count` | counter | `origin`, `remote` | relayer: messages delivered by this relayer |
//! | `hyperlane_last_known_message_nonce` | gauge | `phase`, `origin` | relayer: `message_processed`, the highest nonce delivered |
//! | `zksettle_agent_checkpoints_signed_total` | counter | | validator: checkpoints signed (no Hyperlane equivalent) |
//! | `zksettle_agent_errors_total` | counter | `kind` | failures by class (`node`, `validator`, `forbidden`: a checkpoint store refusing reads, alert on it, …) |
//! | `zksettle_agent_last_error_timestamp_seconds` | gauge | | Unix time of the last failure (0: none yet) |
//!
//! Every metric carries Hyperlane's constant labels `agent` (`validator` or `relayer`) and
//! `hyperlane_baselib_version` (this crate's version). Chains are labelled by their Hyperlane
//! domain id, in decimal (Hyperlane labels by chain name, which a zkSettle domain has none of);
//! `app_context` is `default` (no per-application contexts here).

use std::{collections::HashMap, net::SocketAddr};

use prometheus_endpoint::{register, Counter, CounterVec, Gauge, GaugeVec, Opts, PrometheusError, Registry, U64};

use crate::AgentError;

/// The `app_context` label's one value.
const APP_CONTEXT: &str = "default";

/// Which agent the metrics are of (the `agent` label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agent {
	/// Signs checkpoints of an origin.
	Validator,
	/// Delivers an origin's messages to a destination.
	Relayer,
}

/// An agent's metrics.
#[derive(Clone)]
pub struct Metrics {
	registry: Registry,
	origin: String,
	destination: String,
	latest_checkpoint: GaugeVec<U64>,
	stored_events: CounterVec<U64>,
	tree_index: GaugeVec<U64>,
	queue: GaugeVec<U64>,
	operations: CounterVec<U64>,
	processed: CounterVec<U64>,
	nonce: GaugeVec<U64>,
	signed: Counter<U64>,
	errors: CounterVec<U64>,
	last_error: Gauge<U64>,
}

fn prom(e: PrometheusError) -> AgentError {
	AgentError::Config(format!("metrics: {e}"))
}

impl Metrics {
	/// A validator's metrics, for the origin `domain`.
	pub fn validator(domain: u32) -> Result<Self, AgentError> {
		Self::new(Agent::Validator, domain, None)
	}

	/// A relayer's metrics, from `origin` to `destination`.
	pub fn relayer(origin: u32, destination: u32) -> Result<Self, AgentError> {
		Self::new(Agent::Relayer, origin, Some(destination))
	}

	fn new(agent: Agent, origin: u32, destination: Option<u32>) -> Result<Self, AgentError> {
		let name = match agent {
			Agent::Validator => "validator",
			Agent::Relayer => "relayer",
		};
		let labels = HashMap::from([
			("agent".to_string(), name.to_string()),
			("hyperlane_baselib_version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
		]);
		let registry = Registry::new_custom(None, Some(labels)).map_err(prom)?;
		let gauges = |name: &str, help: &str, labels: &[&str]| {
			register(GaugeVec::<U64>::new(Opts::new(name, help), labels).map_err(prom)?, &registry).map_err(prom)
		};
		let counters = |name: &str, help: &str, labels: &[&str]| {
			register(CounterVec::<U64>::new(Opts::new(name, help), labels).map_err(prom)?, &registry).map_err(prom)
		};
		Ok(Metrics {
			origin: origin.to_string(),
			destination: destination.map(|d| d.to_string()).unwrap_or_default(),
			latest_checkpoint: gauges("hyperlane_latest_checkpoint", "Mailbox latest checkpoint", &["phase", "chain"])?,
			stored_events: counters(
				"hyperlane_contract_sync_stored_events",
				"Number of events stored into db",
				&["data_type", "chain"],
			)?,
			tree_index: gauges(
				"hyperlane_latest_tree_insertion_index",
				"Latest leaf index inserted into the merkle tree",
				&["origin"],
			)?,
			queue: gauges(
				"hyperlane_submitter_queue_length",
				"Submitter queue length",
				&["remote", "queue_name", "operation_status", "app_context"],
			)?,
			operations: counters(
				"hyperlane_operations_processed_count",
				"Number of operations processed",
				&["app_context", "phase", "chain"],
			)?,
			processed: counters("hyperlane_messages_processed_count", "Number of messages processed", &["origin", "remote"])?,
			nonce: gauges("hyperlane_last_known_message_nonce", "Last known message nonce", &["phase", "origin"])?,
			signed: register(
				Counter::<U64>::new("zksettle_agent_checkpoints_signed_total", "Checkpoints signed").map_err(prom)?,
				&registry,
			)
			.map_err(prom)?,
			errors: counters("zksettle_agent_errors_total", "Failures, by class", &["kind"])?,
			last_error: register(
				Gauge::<U64>::new("zksettle_agent_last_error_timestamp_seconds", "Unix time of the last failure").map_err(prom)?,
				&registry,
			)
			.map_err(prom)?,
			registry,
		})
	}

	/// Validator: the origin's hook has `leaf` (a new leaf seen).
	pub fn observed(&self, leaf: u32) {
		self.stored_events.with_label_values(&["merkle_tree_hook", &self.origin]).inc();
		self.latest_checkpoint.with_label_values(&["validator_observed", &self.origin]).set(leaf.into());
	}

	/// Validator: the checkpoint at `index` is signed and stored.
	pub fn signed(&self, index: u32) {
		self.signed.inc();
		self.latest_checkpoint.with_label_values(&["validator_processed", &self.origin]).set(index.into());
	}

	/// Relayer: a message for its destination taken in.
	pub fn took_in(&self) {
		self.stored_events.with_label_values(&["dispatched_messages", &self.origin]).inc();
	}

	/// Relayer: the origin's tree is taken in up to `leaf`.
	pub fn tree_index(&self, leaf: u32) {
		self.tree_index.with_label_values(&[&self.origin]).set(leaf.into());
	}

	/// Relayer: the messages owed, `first` not tried yet and `retry` tried and failed.
	pub fn queue(&self, first: u64, retry: u64) {
		for (status, value) in [("FirstPrepareAttempt", first), ("Retry", retry)] {
			self.queue.with_label_values(&[&self.destination, "prepare_queue", status, APP_CONTEXT]).set(value);
		}
	}

	/// Relayer: a message of `nonce` delivered and finalized (`by_us`: by this relayer).
	pub fn delivered(&self, nonce: Option<u32>, by_us: bool) {
		self.operations.with_label_values(&[APP_CONTEXT, "confirmed", &self.destination]).inc();
		if by_us {
			self.processed.with_label_values(&[&self.origin, &self.destination]).inc();
		}
		if let Some(nonce) = nonce {
			let gauge = self.nonce.with_label_values(&["message_processed", &self.origin]);
			gauge.set(gauge.get().max(nonce.into()));
		}
	}

	/// Relayer: a delivery failed and will be tried again (`dropped`: given up).
	pub fn failed_delivery(&self, dropped: bool) {
		let phase = if dropped { "dropped" } else { "failed" };
		self.operations.with_label_values(&[APP_CONTEXT, phase, &self.destination]).inc();
	}

	/// Count a failure of class `error`.
	pub fn error(&self, error: &AgentError) {
		self.errors.with_label_values(&[error.kind()]).inc();
		let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
		self.last_error.set(now);
	}

	/// The metrics in Prometheus' text format (what `/metrics` serves).
	pub fn render(&self) -> String {
		use prometheus_endpoint::prometheus::{Encoder, TextEncoder};
		let mut out = Vec::new();
		// Encoding into a Vec fails only on a metric family without metrics, which we never make.
		let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
		String::from_utf8_lossy(&out).into_owned()
	}

	/// Serve the metrics at `addr` until the process ends (in a task of its own).
	pub fn serve(&self, addr: SocketAddr) {
		let registry = self.registry.clone();
		tokio::spawn(async move {
			if let Err(e) = prometheus_endpoint::init_prometheus(addr, registry).await {
				tracing::error!(target: "zksettle_agent", %addr, "metrics server: {e}");
			}
		});
	}
}

/// The nonce of a Hyperlane message (bytes 1..5, big-endian, after the version byte).
pub fn nonce(message: &[u8]) -> Option<u32> {
	message.get(1..5).and_then(|b| b.try_into().ok()).map(u32::from_be_bytes)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The line of `name` with every one of `labels`, its value.
	fn value(text: &str, name: &str, labels: &[&str]) -> Option<String> {
		text.lines()
			.find(|l| l.starts_with(&format!("{name}{{")) && labels.iter().all(|label| l.contains(label)))
			.and_then(|l| l.rsplit(' ').next())
			.map(str::to_string)
	}

	/// The names, types and labels Hyperlane's agents use, with the values its dashboards read.
	#[test]
	fn a_relayers_metrics_are_named_and_labelled_as_hyperlanes() {
		let metrics = Metrics::relayer(7, 9).unwrap();
		metrics.took_in();
		metrics.tree_index(41);
		metrics.queue(2, 1);
		metrics.delivered(Some(40), true);
		metrics.delivered(Some(12), false);
		metrics.failed_delivery(false);
		metrics.error(&AgentError::Node("down".into()));
		let text = metrics.render();
		let agent = r#"agent="relayer""#;
		let version = format!(r#"hyperlane_baselib_version="{}""#, env!("CARGO_PKG_VERSION"));
		for (name, labels, expected) in [
			("hyperlane_contract_sync_stored_events", vec![r#"data_type="dispatched_messages""#, r#"chain="7""#], "1"),
			("hyperlane_latest_tree_insertion_index", vec![r#"origin="7""#], "41"),
			(
				"hyperlane_submitter_queue_length",
				vec![r#"remote="9""#, r#"queue_name="prepare_queue""#, r#"operation_status="FirstPrepareAttempt""#, r#"app_context="default""#],
				"2",
			),
			("hyperlane_submitter_queue_length", vec![r#"operation_status="Retry""#], "1"),
			("hyperlane_operations_processed_count", vec![r#"phase="confirmed""#, r#"chain="9""#], "2"),
			("hyperlane_operations_processed_count", vec![r#"phase="failed""#], "1"),
			("hyperlane_messages_processed_count", vec![r#"origin="7""#, r#"remote="9""#], "1"),
			("hyperlane_last_known_message_nonce", vec![r#"phase="message_processed""#, r#"origin="7""#], "40"),
			("zksettle_agent_errors_total", vec![r#"kind="node""#], "1"),
		] {
			let labels: Vec<&str> = labels.into_iter().chain([agent, version.as_str()]).collect();
			assert_eq!(value(&text, name, &labels).as_deref(), Some(expected), "{name} {labels:?}\n{text}");
		}
		assert!(text.contains("# TYPE hyperlane_submitter_queue_length gauge"), "{text}");
		assert!(text.contains("# TYPE hyperlane_operations_processed_count counter"), "{text}");
		assert_ne!(value(&text, "zksettle_agent_last_error_timestamp_seconds", &[agent]).as_deref(), Some("0"), "{text}");
	}

	#[test]
	fn a_validators_checkpoints_are_observed_then_processed() {
		let metrics = Metrics::validator(7).unwrap();
		metrics.observed(5);
		metrics.signed(4);
		let text = metrics.render();
		let agent = r#"agent="validator""#;
		assert_eq!(value(&text, "hyperlane_latest_checkpoint", &[r#"phase="validator_observed""#, r#"chain="7""#, agent]).as_deref(), Some("5"));
		assert_eq!(value(&text, "hyperlane_latest_checkpoint", &[r#"phase="validator_processed""#, agent]).as_deref(), Some("4"));
		assert_eq!(value(&text, "hyperlane_contract_sync_stored_events", &[r#"data_type="merkle_tree_hook""#]).as_deref(), Some("1"));
		assert_eq!(value(&text, "zksettle_agent_checkpoints_signed_total", &[agent]).as_deref(), Some("1"));
		assert_eq!(nonce(&[3, 0, 0, 1, 2, 9]), Some(258));
		assert_eq!(nonce(&[3, 0]), None);
	}
}
