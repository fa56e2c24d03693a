//! Writing checkpoints to S3 and Google Cloud Storage, as Hyperlane's validators do, through
//! `object_store` (Apache Arrow's client: AWS SigV4 request signing, Google OAuth2 with service
//! account keys, retries with backoff) over the agent's own HTTP stack (hyper with rustls; no
//! second TLS library). Relayers read what is written here anonymously ([`super::remote`]).
//!
//! Credentials come from the environment, as Hyperlane's validators and the clouds' SDKs take
//! them, never from a flag:
//!
//! * S3: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), or the instance's
//!   role; `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` for an S3-compatible store (path-style);
//! * GCS: `GCS_SERVICE_ACCOUNT_KEY` (Hyperlane's: the path of a service account key file) or
//!   `GOOGLE_SERVICE_ACCOUNT_PATH`, or `GCS_USER_SECRET` (application default credentials).

use std::sync::Arc;

use http_body_util::BodyExt;
use object_store::{
	aws::AmazonS3Builder,
	client::{HttpClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest, HttpResponse, HttpResponseBody, HttpService},
	gcp::GoogleCloudStorageBuilder,
	path::Path,
	ClientOptions, ObjectStore, ObjectStoreExt, PutPayload,
};

use super::location::{Location, Names};
use crate::AgentError;

type Https = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// `object_store`'s requests, sent by hyper.
#[derive(Debug)]
struct Hyper(hyper_util::client::legacy::Client<Https, object_store::client::HttpRequestBody>);

#[async_trait::async_trait]
impl HttpService for Hyper {
	async fn call(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
		let response = self.0.request(request).await.map_err(|e| {
			let kind = if e.is_connect() { HttpErrorKind::Connect } else { HttpErrorKind::Request };
			HttpError::new(kind, e)
		})?;
		let (parts, body) = response.into_parts();
		let body = body.map_err(|e| HttpError::new(HttpErrorKind::Interrupted, e));
		Ok(HttpResponse::from_parts(parts, HttpResponseBody::new(body)))
	}
}

/// Connects `object_store` to [`Hyper`].
#[derive(Debug)]
struct Connector;

impl HttpConnector for Connector {
	fn connect(&self, _options: &ClientOptions) -> object_store::Result<HttpClient> {
		let https = hyper_rustls::HttpsConnectorBuilder::new()
			.with_native_roots()
			.map_err(|e| object_store::Error::Generic { store: "https", source: Box::new(e) })?
			.https_or_http()
			.enable_http1()
			.build();
		let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(https);
		Ok(HttpClient::new(Hyper(client)))
	}
}

/// What a bucket is reached with, besides what `object_store` reads from the environment itself
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, an instance role;
/// `GOOGLE_SERVICE_ACCOUNT_PATH`).
#[derive(Clone, Debug, Default)]
pub struct Credentials {
	/// An S3-compatible endpoint (path-style requests), instead of AWS's.
	pub s3_endpoint: Option<String>,
	/// An S3 access key id and secret, instead of the environment's.
	pub s3_keys: Option<(String, String)>,
	/// The path of a GCS service account key file.
	pub gcs_service_account: Option<String>,
	/// The path of GCS user (application default) credentials.
	pub gcs_user_secret: Option<String>,
}

impl Credentials {
	/// As Hyperlane's validators and the AWS SDKs read them: `AWS_ENDPOINT_URL_S3` /
	/// `AWS_ENDPOINT_URL`, `GCS_SERVICE_ACCOUNT_KEY`, `GCS_USER_SECRET`.
	pub fn from_env() -> Self {
		let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
		Credentials {
			s3_endpoint: super::remote::s3_endpoint_from_env(),
			s3_keys: None,
			gcs_service_account: var("GCS_SERVICE_ACCOUNT_KEY"),
			gcs_user_secret: var("GCS_USER_SECRET"),
		}
	}
}

fn storage_error(location: &str, e: impl std::fmt::Display) -> AgentError {
	AgentError::Validator(location.to_string(), e.to_string())
}

/// A bucket a validator publishes its checkpoints to.
#[derive(Clone, Debug)]
pub struct ObjectStorage {
	location: Location,
	store: Arc<dyn ObjectStore>,
	/// The latest index this process read or wrote (`None`: not read yet), so that a write does
	/// not read the index back from the bucket every time.
	latest: Arc<tokio::sync::Mutex<Option<Option<u32>>>>,
}

impl ObjectStorage {
	/// The bucket an `s3://` or `gs://` location names, reached with `credentials`.
	pub fn open(location: Location, credentials: &Credentials) -> Result<Self, AgentError> {
		let announced = location.announced();
		let config = |e: object_store::Error| AgentError::Config(format!("{announced}: {e}"));
		let store: Arc<dyn ObjectStore> = match &location {
			Location::S3 { bucket, region, .. } => {
				let mut builder =
					AmazonS3Builder::from_env().with_bucket_name(bucket).with_region(region).with_http_connector(Connector);
				if let Some(endpoint) = &credentials.s3_endpoint {
					builder = builder.with_allow_http(endpoint.starts_with("http://")).with_endpoint(endpoint);
				}
				if let Some((id, secret)) = &credentials.s3_keys {
					builder = builder.with_access_key_id(id).with_secret_access_key(secret);
				}
				Arc::new(builder.build().map_err(config)?)
			},
			Location::Gcs { bucket, .. } => {
				let mut builder = GoogleCloudStorageBuilder::from_env().with_bucket_name(bucket).with_http_connector(Connector);
				if let Some(path) = &credentials.gcs_service_account {
					builder = builder.with_service_account_path(path);
				} else if let Some(path) = &credentials.gcs_user_secret {
					builder = builder.with_application_credentials(path);
				}
				Arc::new(builder.build().map_err(config)?)
			},
			_ => return Err(AgentError::Config(format!("{announced}: not an s3:// or gs:// location"))),
		};
		Ok(ObjectStorage { location, store, latest: Arc::default() })
	}

	/// The location, as announced.
	pub fn location(&self) -> &Location {
		&self.location
	}

	/// The file names of this kind of bucket.
	pub fn names(&self) -> Names {
		self.location.names()
	}

	/// Write `bytes` as the object `name` (under the folder).
	pub async fn put(&self, name: &str, bytes: Vec<u8>) -> Result<(), AgentError> {
		let key = Path::from(self.location.key(name));
		self.store.put(&key, PutPayload::from(bytes)).await.map_err(|e| storage_error(&self.location.announced(), e))?;
		Ok(())
	}

	/// The latest index published: read from the bucket once, then the one this process wrote.
	pub async fn latest_index(&self) -> Result<Option<u32>, AgentError> {
		let mut latest = self.latest.lock().await;
		if let Some(known) = *latest {
			return Ok(known);
		}
		let name = self.names().latest_index();
		let read = match self.get(name).await? {
			None => None,
			Some(bytes) => Some(
				super::parse_index(&bytes)
					.ok_or_else(|| AgentError::Validator(self.location.announced(), format!("{name}: not an index")))?,
			),
		};
		*latest = Some(read);
		Ok(read)
	}

	/// Publish the checkpoint file `bytes` of leaf `index`, then move the latest index to it if
	/// it is the highest: a reader that sees the index finds the checkpoint it names.
	pub async fn write_checkpoint(&self, index: u32, bytes: Vec<u8>) -> Result<(), AgentError> {
		let names = self.names();
		self.put(&names.checkpoint(index), bytes).await?;
		if self.latest_index().await?.is_none_or(|latest| index > latest) {
			let mut latest = self.latest.lock().await;
			self.put(names.latest_index(), index.to_string().into_bytes()).await?;
			*latest = Some(Some(index));
		}
		Ok(())
	}

	/// The object `name`, `None` if there is none.
	pub async fn get(&self, name: &str) -> Result<Option<Vec<u8>>, AgentError> {
		let key = Path::from(self.location.key(name));
		match self.store.get(&key).await {
			Ok(result) => {
				let bytes = result.bytes().await.map_err(|e| storage_error(&self.location.announced(), e))?;
				if bytes.len() as u64 > super::MAX_FILE {
					return Err(storage_error(&self.location.announced(), format!("{name}: larger than {} bytes", super::MAX_FILE)));
				}
				Ok(Some(bytes.to_vec()))
			},
			Err(object_store::Error::NotFound { .. }) => Ok(None),
			Err(e) => Err(storage_error(&self.location.announced(), e)),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		hex0x,
		signer::ValidatorKey,
		storage::{fake_store::FakeStore, publisher::Publisher, remote::RemoteStorage, verified_announcement},
		validator::SignedCheckpoint,
	};

	const ANVIL0: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

	fn signed(key: &ValidatorKey, index: u32) -> SignedCheckpoint {
		let checkpoint = pallet_settlement::checkpoint::Checkpoint {
			origin: 1_000_001,
			merkle_tree_hook: [7; 32],
			root: [8; 32],
			index,
			message_id: [9; 32],
		};
		let signature = key.sign(&checkpoint).unwrap();
		SignedCheckpoint {
			origin: checkpoint.origin,
			merkle_tree_hook: hex0x(&checkpoint.merkle_tree_hook),
			root: hex0x(&checkpoint.root),
			index,
			message_id: hex0x(&checkpoint.message_id),
			signature: hex0x(&signature),
			validator: hex0x(&key.address()),
		}
	}

	fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
		ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key), data).as_ref().to_vec()
	}

	fn sha256_hex(data: &[u8]) -> String {
		hex::encode(ring::digest::digest(&ring::digest::SHA256, data))
	}

	/// Whether `request` carries an AWS Signature Version 4 by `secret` over its method, path,
	/// signed headers and body (as S3 checks it), for the access key `id` in `region`.
	fn sigv4_verifies(request: &crate::storage::fake_store::Received, id: &str, secret: &str, region: &str) -> bool {
		let Some(authorization) = request.headers.get("authorization") else { return false };
		let Some(fields) = authorization.strip_prefix("AWS4-HMAC-SHA256 ") else { return false };
		let field = |name: &str| fields.split(", ").find_map(|f| f.strip_prefix(&format!("{name}="))).unwrap_or_default();
		let (credential, signed_headers, signature) = (field("Credential"), field("SignedHeaders"), field("Signature"));
		let Some(amz_date) = request.headers.get("x-amz-date") else { return false };
		let date = &amz_date[..8];
		let scope = format!("{date}/{region}/s3/aws4_request");
		if credential != format!("{id}/{scope}") {
			return false;
		}
		let payload_hash = request.headers.get("x-amz-content-sha256").cloned().unwrap_or_default();
		if payload_hash != sha256_hex(&request.body) {
			return false;
		}
		let (path, query) = request.path.split_once('?').unwrap_or((&request.path, ""));
		let canonical_headers: String =
			signed_headers.split(';').map(|h| format!("{h}:{}\n", request.headers.get(h).map(|v| v.trim()).unwrap_or_default())).collect();
		let canonical = format!("{}\n{path}\n{query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}", request.method);
		let to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", sha256_hex(canonical.as_bytes()));
		let mut key = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
		for part in [region, "s3", "aws4_request"] {
			key = hmac(&key, part.as_bytes());
		}
		hex::encode(hmac(&key, to_sign.as_bytes())) == signature
	}

	/// A validator publishing to S3 itself: every write is a PUT signed with SigV4 under its
	/// key (checked here as S3 checks it, and refused under another secret), the objects have
	/// Hyperlane's S3 names, the index follows the highest checkpoint, and a relayer reading the
	/// announced location anonymously finds what was written.
	#[tokio::test]
	async fn a_validator_publishes_to_s3_with_signed_requests_that_relayers_read() {
		let store = FakeStore::default();
		let endpoint = store.serve().await;
		let credentials = Credentials {
			s3_endpoint: Some(endpoint.clone()),
			s3_keys: Some(("AKIDZKSETTLE".into(), "zksettle-test-secret".into())),
			..Credentials::default()
		};
		let publisher = Publisher::open("s3://checkpoints/eu-west-1/validator-0", &credentials).unwrap();
		assert_eq!(publisher.location(), "s3://checkpoints/eu-west-1/validator-0");
		let key = ValidatorKey::from_hex(ANVIL0).unwrap();
		publisher.announce(&key, 1_000_001, &[7; 32], &publisher.location()).await.unwrap();
		publisher.write(&signed(&key, 4)).await.unwrap();
		publisher.write(&signed(&key, 2)).await.unwrap();

		let object = |name: &str| store.object(&format!("/checkpoints/validator-0/{name}"));
		assert_eq!(object("checkpoint_latest_index.json").as_deref(), Some(&b"4"[..]), "the index stays at the highest");
		assert!(object("checkpoint_4_with_id.json").is_some() && object("checkpoint_2_with_id.json").is_some());
		let announcement = verified_announcement(&object("announcement.json").unwrap()).unwrap();
		assert_eq!(announcement.storage_location, "s3://checkpoints/eu-west-1/validator-0");

		let puts = store.puts();
		assert_eq!(puts.len(), 4, "announcement, two checkpoints, one index");
		for put in &puts {
			assert!(sigv4_verifies(put, "AKIDZKSETTLE", "zksettle-test-secret", "eu-west-1"), "{put:?}");
			assert!(!sigv4_verifies(put, "AKIDZKSETTLE", "another-secret", "eu-west-1"), "the check is not vacuous");
		}

		let remote = RemoteStorage::from_location(&publisher.location(), Some(&endpoint)).unwrap();
		assert_eq!(remote.latest_index().await.unwrap(), Some(4));
		assert_eq!(remote.fetch(4, &hex0x(&key.address())).await.unwrap(), Some(signed(&key, 4)));
		assert_eq!(publisher.fetch(2, &hex0x(&key.address())).await.unwrap(), Some(signed(&key, 2)));
	}

	/// A validator publishing to GCS: Hyperlane's GCS names (`gcsLatestIndexKey`,
	/// `gcsAnnouncementKey`) under the folder, and the location it announces names the
	/// announcement object, as Hyperlane's validators announce theirs. (The test's service
	/// account skips OAuth, as Google's storage emulators are used.)
	#[tokio::test]
	async fn a_validator_publishes_to_gcs_under_hyperlanes_names() {
		let store = FakeStore::default();
		let endpoint = store.serve().await;
		let dir = tempfile::tempdir().unwrap();
		let account = dir.path().join("service-account.json");
		let json = serde_json::json!({
			"private_key": "unused", "private_key_id": "unused", "client_email": "validator@example.iam.gserviceaccount.com",
			"disable_oauth": true, "gcs_base_url": endpoint,
		});
		std::fs::write(&account, json.to_string()).unwrap();
		let credentials = Credentials { gcs_service_account: Some(account.display().to_string()), ..Credentials::default() };
		let publisher = Publisher::open("gs://checkpoints/v0/gcsAnnouncementKey", &credentials).unwrap();
		assert_eq!(publisher.location(), "gs://checkpoints/v0/gcsAnnouncementKey");
		let key = ValidatorKey::from_hex(ANVIL0).unwrap();
		publisher.announce(&key, 1_000_001, &[7; 32], &publisher.location()).await.unwrap();
		publisher.write(&signed(&key, 3)).await.unwrap();

		let object = |name: &str| store.object(&format!("/checkpoints/v0/{name}"));
		let paths: Vec<String> = store.puts().iter().map(|p| p.path.clone()).collect();
		assert_eq!(object("gcsLatestIndexKey").as_deref(), Some(&b"3"[..]), "{paths:?}");
		assert!(object("checkpoint_3_with_id.json").is_some());
		let announcement = verified_announcement(&object("gcsAnnouncementKey").unwrap()).unwrap();
		assert_eq!(announcement.storage_location, "gs://checkpoints/v0/gcsAnnouncementKey");
		assert_eq!(publisher.latest_index().await.unwrap(), Some(3));
	}

	/// A web server is read, never written, and a bucket's location must parse.
	#[test]
	fn only_buckets_and_directories_are_written() {
		assert!(matches!(Publisher::open("https://cdn.example/v0", &Credentials::default()), Err(AgentError::Config(_))));
		assert!(Publisher::open("s3://bucket", &Credentials::default()).is_err());
	}
}
