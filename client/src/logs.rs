//! Logs on standard error for zkSettle's command-line tools (the wallet and the agents), through
//! `tracing`: the wallet (a command) logs warnings by default, the agents (services) what they
//! do at INFO, as Hyperlane's agents and Substrate nodes do; more with each `-v`; `RUST_LOG`
//! overrides.

/// Install the subscriber: `verbose` 0 warn, 1 info, 2 debug, 3+ trace for the `targets` (log
/// targets such as `zksettle_agent`), warnings for every other crate.
pub fn init(verbose: u8, targets: &[&str]) {
	init_at(verbose, targets)
}

/// The subscriber of a long-running service: INFO for the `targets` by default, one level more
/// with each `verbose` (`-v` debug, `-vv` trace).
pub fn init_service(verbose: u8, targets: &[&str]) {
	init_service_as(verbose, targets, Format::Pretty)
}

/// How a service writes its log lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
	/// Lines for a person (coloured on a terminal).
	#[default]
	Pretty,
	/// One JSON object a line (`timestamp`, `level`, `target`, `fields`), for log collectors, as
	/// Hyperlane's agents write with `LOG_FORMAT=json`.
	Json,
}

/// [`init_service`], writing lines in `format`.
pub fn init_service_as(verbose: u8, targets: &[&str], format: Format) {
	let filter = filter(verbose.saturating_add(1), targets);
	let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
	let _ = match format {
		Format::Pretty => builder.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).try_init(),
		Format::Json => builder.json().with_current_span(false).with_ansi(false).try_init(),
	};
}

fn filter(verbose: u8, targets: &[&str]) -> tracing_subscriber::EnvFilter {
	let level = match verbose {
		0 => "warn",
		1 => "info",
		2 => "debug",
		_ => "trace",
	};
	let directives: Vec<String> = targets.iter().map(|t| format!("{t}={level}")).chain(["warn".to_string()]).collect();
	tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(directives.join(",")))
}

fn init_at(verbose: u8, targets: &[&str]) {
	let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
	let _ = tracing_subscriber::fmt().with_env_filter(filter(verbose, targets)).with_writer(std::io::stderr).with_ansi(ansi).try_init();
}
