//! Checkpoint storage read over HTTP: the object stores Hyperlane validators publish to, read
//! with plain, unauthenticated GETs as Hyperlane's relayers read public validator buckets, each
//! with its own file names ([`super::location`]):
//!
//! * `s3://bucket/region[/folder]`: `https://bucket.s3.region.amazonaws.com[/folder]/…`, or, when
//!   an S3-compatible endpoint is configured (`AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, as the
//!   AWS SDKs read them), path-style `endpoint/bucket[/folder]/…`;
//! * `gs://bucket[/folder]/gcsAnnouncementKey`: `https://storage.googleapis.com/bucket[/folder]/…`;
//! * `http://…` and `https://…`: that URL, for any web server publishing a directory.
//!
//! Validators write to S3 and GCS themselves ([`super::object`]).

use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::{client::legacy::Client, rt::TokioExecutor};

use super::location::{Location, Names};
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
	/// Their names.
	names: Names,
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

impl RemoteStorage {
	/// The storage at `location` (see the module's schemes), with S3 at `s3_endpoint` if given.
	pub fn from_location(location: &str, s3_endpoint: Option<&str>) -> Result<Self, AgentError> {
		let parsed: Location = location.parse()?;
		let base = parsed
			.base_url(s3_endpoint)
			.ok_or_else(|| AgentError::Config(format!("{location}: not an s3://, gs:// or http(s):// location")))?;
		let names = parsed.names();
		let https = hyper_rustls::HttpsConnectorBuilder::new()
			.with_native_roots()
			.map_err(|e| AgentError::Config(format!("TLS roots: {e}")))?
			.https_or_http()
			.enable_http1()
			.build();
		let client = Client::builder(TokioExecutor::new()).build(https);
		Ok(RemoteStorage { location: location.to_string(), base, names, client })
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
		Ok(self.get(&self.names.checkpoint(index)).await?.and_then(|bytes| super::parse_checkpoint(&bytes, index, validator)))
	}

	/// The highest index published, if any.
	pub async fn latest_index(&self) -> Result<Option<u32>, AgentError> {
		let name = self.names.latest_index();
		let Some(bytes) = self.get(name).await? else { return Ok(None) };
		super::parse_index(&bytes).map(Some).ok_or_else(|| AgentError::Validator(self.location.clone(), format!("{name}: not an index")))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

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
		// Under the names Hyperlane's validators give S3 objects (not the directory's).
		std::fs::rename(dir.path().join("4_with_id.json"), dir.path().join("checkpoint_4_with_id.json")).unwrap();
		std::fs::rename(dir.path().join("index.json"), dir.path().join("checkpoint_latest_index.json")).unwrap();
		let endpoint = serve(dir.path().to_path_buf()).await;

		let remote = RemoteStorage::from_location("s3://bucket/eu-west-1/folder", Some(&endpoint)).unwrap();
		assert_eq!(remote.location(), "s3://bucket/eu-west-1/folder");
		assert_eq!(remote.latest_index().await.unwrap(), Some(4));
		assert_eq!(remote.fetch(4, "v0").await.unwrap(), Some(signed.clone()), "the same checkpoint the directory holds");
		assert_eq!(remote.fetch(5, "v0").await.unwrap(), None, "a missing key is no checkpoint yet");
		// The file of leaf 4 served as leaf 6 is no checkpoint; a junk file neither.
		std::fs::copy(dir.path().join("checkpoint_4_with_id.json"), dir.path().join("checkpoint_6_with_id.json")).unwrap();
		assert_eq!(remote.fetch(6, "v0").await.unwrap(), None);
		std::fs::write(dir.path().join("checkpoint_7_with_id.json"), "{").unwrap();
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
