//! Where a validator publishes its checkpoints: a directory ([`LocalStorage`]) or a bucket
//! ([`ObjectStorage`]), each with its own file names, behind one interface.

use std::collections::BTreeMap;

use super::{
	announcement_json, checkpoint_json,
	location::Location,
	object::{Credentials, ObjectStorage},
	parse_checkpoint, LocalStorage,
};
use crate::{signer::ValidatorKey, validator::SignedCheckpoint, AgentError};

/// A validator's checkpoint storage.
#[derive(Clone, Debug)]
pub enum Publisher {
	/// A directory (`file://`).
	Local(LocalStorage),
	/// An S3 or GCS bucket.
	Object(ObjectStorage),
}

impl Publisher {
	/// The storage `location` names: `file:///dir` (created if missing), `s3://bucket/region[/folder]`
	/// or `gs://bucket[/folder]/gcsAnnouncementKey` (reached with `credentials`).
	pub fn open(location: &str, credentials: &Credentials) -> Result<Self, AgentError> {
		match location.parse::<Location>()? {
			Location::File(dir) => LocalStorage::open(dir).map(Publisher::Local),
			Location::Http(url) => Err(AgentError::Config(format!(
				"{url}: a web server is read, not written: publish a directory there and announce it with --location"
			))),
			bucket => ObjectStorage::open(bucket, credentials).map(Publisher::Object),
		}
	}

	/// Its location, as Hyperlane's validators announce the same storage.
	pub fn location(&self) -> String {
		match self {
			Publisher::Local(local) => local.location(),
			Publisher::Object(object) => object.location().announced(),
		}
	}

	/// Publish `announcement.json` (under the storage's name for it): `key` announces `location`
	/// for the mailbox `mailbox` of `domain`. The signature, for the chain's `announce`.
	pub async fn announce(&self, key: &ValidatorKey, domain: u32, mailbox: &[u8; 32], location: &str) -> Result<[u8; 65], AgentError> {
		match self {
			Publisher::Local(local) => local.announce(key, domain, mailbox, location),
			Publisher::Object(object) => {
				let (json, signature) = announcement_json(key, domain, mailbox, location)?;
				object.put(object.names().announcement(), json).await?;
				Ok(signature)
			},
		}
	}

	/// The highest index published, if any.
	pub async fn latest_index(&self) -> Result<Option<u32>, AgentError> {
		match self {
			Publisher::Local(local) => local.latest_index(),
			Publisher::Object(object) => object.latest_index().await,
		}
	}

	/// Publish `signed`, then move the latest index to it if it is the highest: a reader that
	/// sees the index finds the checkpoint it names.
	pub async fn write(&self, signed: &SignedCheckpoint) -> Result<(), AgentError> {
		match self {
			Publisher::Local(local) => local.write(signed),
			Publisher::Object(object) => object.write_checkpoint(signed.index, checkpoint_json(signed)?).await,
		}
	}

	/// The checkpoint published for leaf `index`, attributed to `validator`.
	pub async fn fetch(&self, index: u32, validator: &str) -> Result<Option<SignedCheckpoint>, AgentError> {
		match self {
			Publisher::Local(local) => local.fetch(index, validator),
			Publisher::Object(object) => {
				Ok(object.get(&object.names().checkpoint(index)).await?.and_then(|bytes| parse_checkpoint(&bytes, index, validator)))
			},
		}
	}

	/// What a restarted validator takes back from its storage: a directory's every checkpoint;
	/// nothing from a bucket (one request per checkpoint; the validator's database holds them).
	pub async fn load(&self, validator: &str) -> Result<BTreeMap<u32, SignedCheckpoint>, AgentError> {
		match self {
			Publisher::Local(local) => local.load(validator),
			Publisher::Object(_) => Ok(BTreeMap::new()),
		}
	}

	/// Whether `signed` needs publishing when the validator starts: a directory is checked file
	/// by file; a bucket holds everything up to its latest index (written after each checkpoint).
	pub async fn lacks(&self, signed: &SignedCheckpoint, validator: &str, latest: Option<u32>) -> Result<bool, AgentError> {
		match self {
			Publisher::Local(local) => Ok(local.fetch(signed.index, validator)?.as_ref() != Some(signed)),
			Publisher::Object(_) => Ok(latest.is_none_or(|latest| signed.index > latest)),
		}
	}
}
