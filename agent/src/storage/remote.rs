//! Checkpoint storage read over HTTP: the object stores Hyperlane validators publish to.
//!
//! A location names a base URL under which the files of the layout (`{index}_with_id.json`,
//! `index.json`, `announcement.json`) are fetched with plain, unauthenticated GETs, as
//! Hyperlane's relayers read public validator buckets:
//!
//! * `s3://bucket/region[/folder]`: `https://bucket.s3.region.amazonaws.com[/folder]/…`, or, when
//!   an S3-compatible endpoint is configured (`AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, as the
//!   AWS SDKs read them), path-style `endpoint/bucket[/folder]/…`;
//! * `gs://bucket[/folder]`: `https://storage.googleapis.com/bucket[/folder]/…`;
//! * `http://…` and `https://…`: that URL, for any store or web server publishing the directory.
//!
//! Writing is the validator's local directory ([`super::LocalStorage`]): an operator publishes
//! it to the store (`aws s3 sync`, a bucket mount, a web server) and announces the store's
//! location with `--location`.

use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::{client::legacy::Client, rt::TokioExecutor};

use crate::{validator::SignedCheckpoint, AgentError};

/// The largest file read (a checkpoint is about 600 bytes).
const MAX_FILE: usize = 64 * 1024;
/// How long one GET may take.
const TIMEOUT: Duration = Duration::from_secs(10);

type Https = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// Checkpoint storage behind a URL.
#[derive(Clone)]
pub struct RemoteStorage {
	/// The location as announced.
	location: String,
	/// The URL the files are under, without a trailing slash.
	base: String,
	client: Client<Https, Empty<Bytes>>,
}

impl std::fmt::Debug for RemoteStorage {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("RemoteStorage").field("location", &self.location).field("base", &self.base).finish()
	}
}

/// The S3 endpoint the environment configures, as the AWS SDKs read it.
pub fn s3_endpoint_from_env() -> Option<String> {
	["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"].iter().find_map(|v| std::env::var(v).ok().filter(|e| !e.is_empty()))
}

/// The base URL of a remote location; `None` for a scheme this module does not read.
pub fn base_url(location: &str, s3_endpoint: Option<&str>) -> Result<Option<String>, AgentError> {
	let bad = || AgentError::Config(format!("{location}: a malformed storage location"));
	if let Some(rest) = location.strip_prefix("s3://") {
		let mut parts = rest.splitn(3, '/');
		let (Some(bucket), Some(region)) = (parts.next().filter(|b| !b.is_empty()), parts.next().filter(|r| !r.is_empty()))
		else {
			return Err(bad());
		};
		let folder = parts.next().map(|f| f.trim_matches('/')).filter(|f| !f.is_empty());
		let mut base = match s3_endpoint {
			Some(endpoint) => format!("{}/{bucket}", endpoint.trim_end_matches('/')),
			None => format!("https://{bucket}.s3.{region}.amazonaws.com"),
		};
		if let Some(folder) = folder {
			base = format!("{base}/{folder}");
		}
		return Ok(Some(base));
	}
	if let Some(rest) = location.strip_prefix("gs://") {
		let rest = rest.trim_matches('/');
		if rest.is_empty() {
			return Err(bad());
		}
		return Ok(Some(format!("https://storage.googleapis.com/{rest}")));
	}
	if location.starts_with("http://") || location.starts_with("https://") {
		return Ok(Some(location.trim_end_matches('/').to_string()));
	}
	Ok(None)
}

impl RemoteStorage {
	/// The storage at `location` (see the module's schemes), with S3 at `s3_endpoint` if given.
	pub fn from_location(location: &str, s3_endpoint: Option<&str>) -> Result<Self, AgentError> {
		let base = base_url(location, s3_endpoint)?
			.ok_or_else(|| AgentError::Config(format!("{location}: not an s3://, gs:// or http(s):// location")))?;
		let https = hyper_rustls::HttpsConnectorBuilder::new()
			.with_native_roots()
			.map_err(|e| AgentError::Config(format!("TLS roots: {e}")))?
			.https_or_http()
			.enable_http1()
			.build();
		let client = Client::builder(TokioExecutor::new()).build(https);
		Ok(RemoteStorage { location: location.to_string(), base, client })
	}

	/// The location as announced.
	pub fn location(&self) -> &str {
		&self.location
	}

	/// The body of `name`; `None` if the store has no such file (404). A 403 is an error
	/// ([`AgentError::Forbidden`]): S3 answers an anonymous read of a missing key with 403 only
	/// when the bucket does not grant public listing, which Hyperlane's validator buckets must,
	/// so a 403 means the store is misconfigured; read as "not yet", it would hide that forever.
	async fn get(&self, name: &str) -> Result<Option<Bytes>, AgentError> {
		let url = format!("{}/{name}", self.base);
		let failed = |e: String| AgentError::Validator(url.clone(), e);
		let uri: hyper::Uri = url.parse().map_err(|e: hyper::http::uri::InvalidUri| failed(e.to_string()))?;
		let response = tokio::time::timeout(TIMEOUT, self.client.get(uri))
			.await
			.map_err(|_| failed("timed out".into()))?
			.map_err(|e| failed(e.to_string()))?;
		let status = response.status();
		if status == hyper::StatusCode::NOT_FOUND {
			return Ok(None);
		}
		if status == hyper::StatusCode::FORBIDDEN {
			return Err(AgentError::Forbidden(url));
		}
		if !status.is_success() {
			return Err(failed(format!("HTTP {status}")));
		}
		let body = tokio::time::timeout(TIMEOUT, Limited::new(response.into_body(), MAX_FILE).collect())
			.await
			.map_err(|_| failed("timed out".into()))?
			.map_err(|e| failed(e.to_string()))?;
		Ok(Some(body.to_bytes()))
	}

	/// The checkpoint published for leaf `index`, attributed to `validator`; `None` if there is
	/// none or it is malformed.
	pub async fn fetch(&self, index: u32, validator: &str) -> Result<Option<SignedCheckpoint>, AgentError> {
		Ok(self.get(&format!("{index}_with_id.json")).await?.and_then(|bytes| super::parse_checkpoint(&bytes, index, validator)))
	}

	/// The highest index published, if any.
	pub async fn latest_index(&self) -> Result<Option<u32>, AgentError> {
		let Some(bytes) = self.get("index.json").await? else { return Ok(None) };
		super::parse_index(&bytes).map(Some).ok_or_else(|| AgentError::Validator(self.location.clone(), "index.json: not an index".into()))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn locations_map_to_the_urls_hyperlane_reads() {
		let url = |l: &str, e: Option<&str>| base_url(l, e).unwrap();
		assert_eq!(url("s3://hyp-v0/us-east-1", None).as_deref(), Some("https://hyp-v0.s3.us-east-1.amazonaws.com"));
		assert_eq!(
			url("s3://hyp-v0/us-east-1/zksettle/b/", None).as_deref(),
			Some("https://hyp-v0.s3.us-east-1.amazonaws.com/zksettle/b")
		);
		assert_eq!(url("s3://hyp-v0/us-east-1/f", Some("http://127.0.0.1:9000/")).as_deref(), Some("http://127.0.0.1:9000/hyp-v0/f"));
		assert_eq!(url("gs://bucket/folder", None).as_deref(), Some("https://storage.googleapis.com/bucket/folder"));
		assert_eq!(url("https://cdn.example/v0/", None).as_deref(), Some("https://cdn.example/v0"));
		assert_eq!(url("file:///srv/v0", None), None);
		for bad in ["s3://", "s3://bucket", "s3://bucket/", "gs://", "gs:///"] {
			assert!(base_url(bad, None).is_err(), "{bad}");
		}
	}

	/// A minimal object store: serves `dir` path-style under `/bucket/`, 404 for what is
	/// missing, 500 for `broken/`, 403 for `private/`.
	async fn serve(dir: std::path::PathBuf) -> String {
		use tokio::io::{AsyncReadExt, AsyncWriteExt};
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		let address = listener.local_addr().unwrap();
		tokio::spawn(async move {
			loop {
				let (mut socket, _) = listener.accept().await.unwrap();
				let dir = dir.clone();
				tokio::spawn(async move {
					let mut request = vec![0u8; 4096];
					let n = socket.read(&mut request).await.unwrap();
					let line = String::from_utf8_lossy(&request[..n]).lines().next().unwrap_or_default().to_string();
					let path = line.split(' ').nth(1).unwrap_or_default().to_string();
					let (status, body) = match path.strip_prefix("/bucket/folder/") {
						Some(name) => match std::fs::read(dir.join(name)) {
							Ok(body) => ("200 OK", body),
							Err(_) => ("404 Not Found", Vec::new()),
						},
						None if path.starts_with("/broken/") => ("500 Internal Server Error", Vec::new()),
						None if path.starts_with("/private/") => ("403 Forbidden", Vec::new()),
						None => ("404 Not Found", Vec::new()),
					};
					let head = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
					socket.write_all(head.as_bytes()).await.unwrap();
					socket.write_all(&body).await.unwrap();
				});
			}
		});
		format!("http://{address}")
	}

	#[tokio::test]
	async fn reads_the_layout_from_an_s3_compatible_store() {
		use crate::{hex0x, storage::LocalStorage, validator::SignedCheckpoint};
		let dir = tempfile::tempdir().unwrap();
		let local = LocalStorage::open(dir.path()).unwrap();
		let signed = SignedCheckpoint {
			origin: 1_000_001,
			merkle_tree_hook: hex0x(&[7; 32]),
			root: hex0x(&[8; 32]),
			index: 4,
			message_id: hex0x(&[9; 32]),
			signature: format!("0x{}1b", "cd".repeat(64)),
			validator: "v0".into(),
		};
		local.write(&signed).unwrap();
		let endpoint = serve(dir.path().to_path_buf()).await;

		let remote = RemoteStorage::from_location("s3://bucket/eu-west-1/folder", Some(&endpoint)).unwrap();
		assert_eq!(remote.location(), "s3://bucket/eu-west-1/folder");
		assert_eq!(remote.latest_index().await.unwrap(), Some(4));
		assert_eq!(remote.fetch(4, "v0").await.unwrap(), Some(signed.clone()), "the same checkpoint the directory holds");
		assert_eq!(remote.fetch(5, "v0").await.unwrap(), None, "a missing key is no checkpoint yet");
		// The file of leaf 4 served as leaf 6 is no checkpoint; a junk file neither.
		std::fs::copy(dir.path().join("4_with_id.json"), dir.path().join("6_with_id.json")).unwrap();
		assert_eq!(remote.fetch(6, "v0").await.unwrap(), None);
		std::fs::write(dir.path().join("7_with_id.json"), "{").unwrap();
		assert_eq!(remote.fetch(7, "v0").await.unwrap(), None);
		// A failing store is an error (retried), not an absence.
		let broken = RemoteStorage::from_location(&format!("{endpoint}/broken"), None).unwrap();
		assert!(matches!(broken.fetch(4, "v0").await, Err(AgentError::Validator(..))));
		let nobody = RemoteStorage::from_location("http://127.0.0.1:1/x", None).unwrap();
		assert!(nobody.fetch(4, "v0").await.is_err());
	}

	/// A store that refuses reads is an error, counted in the metrics under its own kind, never
	/// "no checkpoint yet".
	#[tokio::test]
	async fn a_403_is_an_error_and_is_counted() {
		let dir = tempfile::tempdir().unwrap();
		let endpoint = serve(dir.path().to_path_buf()).await;
		let private = RemoteStorage::from_location(&format!("{endpoint}/private"), None).unwrap();
		assert!(matches!(private.fetch(4, "v0").await, Err(AgentError::Forbidden(_))));
		assert!(matches!(private.latest_index().await, Err(AgentError::Forbidden(_))));

		let metrics = crate::metrics::Metrics::relayer(1, 2).unwrap();
		let source = crate::relayer::sources::Source::Remote(Box::new(private));
		assert_eq!(source.checkpoint("v0", 4, Some(&metrics)).await, None);
		assert!(
			metrics.render().lines().any(|l| l.starts_with("zksettle_agent_errors_total{") && l.contains("kind=\"forbidden\"") && l.ends_with(" 1")),
			"{}",
			metrics.render()
		);
		// A missing checkpoint (404) is not an error.
		let missing = crate::relayer::sources::Source::Remote(Box::new(RemoteStorage::from_location(&format!("{endpoint}/bucket/folder"), None).unwrap()));
		assert_eq!(missing.checkpoint("v0", 9, Some(&metrics)).await, None);
		assert!(!metrics.render().contains("kind=\"validator\""), "{}", metrics.render());
	}
}
