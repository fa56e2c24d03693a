//! Prometheus metrics of an agent, served as text at `http://ADDR/metrics` (`--metrics ADDR`).
//!
//! | metric                                       | kind    | what                                             |
//! |----------------------------------------------|---------|--------------------------------------------------|
//! | `zksettle_agent_messages_seen_total`         | counter | messages taken in from the origin (this process) |
//! | `zksettle_agent_checkpoints_signed_total`    | counter | checkpoints signed (validator)                   |
//! | `zksettle_agent_messages_delivered_total`    | counter | messages delivered by this relayer                |
//! | `zksettle_agent_messages_pending`            | gauge   | messages waiting for delivery (relayer)          |
//! | `zksettle_agent_latest_leaf`                 | gauge   | highest origin leaf taken in                      |
//! | `zksettle_agent_errors_total{kind}`          | counter | failures, by class (`node`, `validator`, `forbidden`: a checkpoint store refusing reads, alert on it, …) |
//! | `zksettle_agent_last_error_timestamp_seconds`| gauge   | Unix time of the last failure (0: none yet)      |
//!
//! Every metric carries the constant labels `role` (`validator` or `relayer`) and `origin` (and
//! `destination` for a relayer), so one Prometheus scrapes many agents without relabelling.

use std::{collections::HashMap, net::SocketAddr};

use prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, U64,
};

use crate::AgentError;

/// An agent's metrics.
#[derive(Clone)]
pub struct Metrics {
	registry: Registry,
	/// Messages taken in from the origin.
	pub seen: Counter<U64>,
	/// Checkpoints signed.
	pub signed: Counter<U64>,
	/// Messages delivered.
	pub delivered: Counter<U64>,
	/// Messages pending delivery.
	pub pending: Gauge<U64>,
	/// Highest origin leaf taken in.
	pub latest_leaf: Gauge<U64>,
	errors: CounterVec<U64>,
	last_error: Gauge<U64>,
}

fn prom(e: PrometheusError) -> AgentError {
	AgentError::Config(format!("metrics: {e}"))
}

impl Metrics {
	/// Metrics labelled with `labels` (e.g. `role`, `origin`), in a registry of their own.
	pub fn new(labels: &[(&str, String)]) -> Result<Self, AgentError> {
		let labels: HashMap<String, String> = labels.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
		let registry = Registry::new_custom(Some("zksettle_agent".into()), Some(labels)).map_err(prom)?;
		let counter = |name: &str, help: &str| register(Counter::<U64>::new(name, help).map_err(prom)?, &registry).map_err(prom);
		let gauge = |name: &str, help: &str| register(Gauge::<U64>::new(name, help).map_err(prom)?, &registry).map_err(prom);
		Ok(Metrics {
			seen: counter("messages_seen_total", "Messages taken in from the origin")?,
			signed: counter("checkpoints_signed_total", "Checkpoints signed")?,
			delivered: counter("messages_delivered_total", "Messages delivered by this relayer")?,
			pending: gauge("messages_pending", "Messages waiting for delivery")?,
			latest_leaf: gauge("latest_leaf", "Highest origin leaf taken in")?,
			errors: register(
				CounterVec::<U64>::new(Opts::new("errors_total", "Failures, by class"), &["kind"]).map_err(prom)?,
				&registry,
			)
			.map_err(prom)?,
			last_error: gauge("last_error_timestamp_seconds", "Unix time of the last failure")?,
			registry,
		})
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

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn metrics_carry_their_labels_and_errors_by_class() {
		let metrics = Metrics::new(&[("role", "relayer".into()), ("origin", "7".into())]).unwrap();
		metrics.seen.inc_by(3);
		metrics.pending.set(2);
		metrics.error(&AgentError::Node("down".into()));
		metrics.error(&AgentError::NotEnoughSignatures { have: 1, need: 2 });
		let text = metrics.render();
		// The line of `name` with every one of `labels` (their order is the registry's), its value.
		let value = |name: &str, labels: &[&str]| {
			text.lines()
				.find(|l| l.starts_with(&format!("{name}{{")) && labels.iter().all(|label| l.contains(label)))
				.and_then(|l| l.rsplit(' ').next())
				.map(str::to_string)
		};
		let ours = [r#"origin="7""#, r#"role="relayer""#];
		assert_eq!(value("zksettle_agent_messages_seen_total", &ours).as_deref(), Some("3"), "{text}");
		assert_eq!(value("zksettle_agent_messages_pending", &ours).as_deref(), Some("2"), "{text}");
		assert_eq!(value("zksettle_agent_errors_total", &[ours[0], ours[1], r#"kind="node""#]).as_deref(), Some("1"), "{text}");
		assert_eq!(value("zksettle_agent_errors_total", &[ours[0], ours[1], r#"kind="signatures""#]).as_deref(), Some("1"), "{text}");
		assert_ne!(value("zksettle_agent_last_error_timestamp_seconds", &ours).as_deref(), Some("0"), "{text}");
	}
}
