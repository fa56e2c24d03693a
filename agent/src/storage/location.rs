//! Storage locations as Hyperlane's agents parse and announce them (`hyperlane-base`,
//! `CheckpointSyncerConf::from_str` and each syncer's `announcement_location`), with the file
//! names each kind of storage uses: they differ, and a relayer that reads an S3 bucket with the
//! local names finds nothing a Hyperlane validator wrote.
//!
//! | location | announced as | checkpoint | latest index | announcement |
//! |---|---|---|---|---|
//! | a directory | `file:///path` | `{i}_with_id.json` | `index.json` | `announcement.json` |
//! | S3 | `s3://bucket/region[/folder…]` | `checkpoint_{i}_with_id.json` | `checkpoint_latest_index.json` | `announcement.json` |
//! | GCS | `gs://bucket[/folder]/gcsAnnouncementKey` | `checkpoint_{i}_with_id.json` | `gcsLatestIndexKey` | `gcsAnnouncementKey` |
//! | any web server (ours) | `http(s)://…` | as a directory | as a directory | as a directory |
//!
//! A GCS location names the announcement object: its last part is not a folder. `gs://b/k` is
//! bucket `b` at its root, `gs://b/f/k` bucket `b`, folder `f`.

use std::path::PathBuf;

use crate::AgentError;

/// Where a validator's checkpoints are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
	/// A directory on this machine.
	File(PathBuf),
	/// An S3 bucket (or an S3-compatible store).
	S3 {
		/// The bucket.
		bucket: String,
		/// Its region.
		region: String,
		/// A folder in it.
		folder: Option<String>,
	},
	/// A Google Cloud Storage bucket.
	Gcs {
		/// The bucket.
		bucket: String,
		/// A folder in it.
		folder: Option<String>,
	},
	/// A web server publishing a directory's files.
	Http(String),
}

/// The names of a storage's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
	/// A directory's (and a web server's).
	Local,
	/// S3's.
	S3,
	/// GCS's.
	Gcs,
}

impl Names {
	/// The checkpoint of leaf `index`.
	pub fn checkpoint(self, index: u32) -> String {
		match self {
			Names::Local => format!("{index}_with_id.json"),
			Names::S3 | Names::Gcs => format!("checkpoint_{index}_with_id.json"),
		}
	}

	/// The highest index published (a bare number).
	pub fn latest_index(self) -> &'static str {
		match self {
			Names::Local => "index.json",
			Names::S3 => "checkpoint_latest_index.json",
			Names::Gcs => "gcsLatestIndexKey",
		}
	}

	/// The validator's signed announcement.
	pub fn announcement(self) -> &'static str {
		match self {
			Names::Local | Names::S3 => "announcement.json",
			Names::Gcs => "gcsAnnouncementKey",
		}
	}
}

fn folder(parts: &[&str]) -> Option<String> {
	let joined = parts.join("/");
	let trimmed = joined.trim_matches('/');
	(!trimmed.is_empty()).then(|| trimmed.to_string())
}

impl std::str::FromStr for Location {
	type Err = AgentError;

	fn from_str(location: &str) -> Result<Self, AgentError> {
		let bad = |why: &str| AgentError::Config(format!("{location}: {why}"));
		let (scheme, rest) = location.split_once("://").ok_or_else(|| bad("not a storage location (no scheme)"))?;
		let parts: Vec<&str> = rest.split('/').collect();
		let nonempty = |s: Option<&&str>| s.filter(|s| !s.is_empty()).map(|s| s.to_string());
		match scheme {
			"file" if rest.starts_with('/') => Ok(Location::File(PathBuf::from(rest))),
			"file" => Err(bad("a file:// location is an absolute path")),
			"s3" => match (nonempty(parts.first()), nonempty(parts.get(1))) {
				(Some(bucket), Some(region)) => Ok(Location::S3 { bucket, region, folder: folder(parts.get(2..).unwrap_or(&[])) }),
				_ => Err(bad("an S3 location is s3://bucket/region[/folder]")),
			},
			// Hyperlane's rule: two parts are the bucket and the announcement object, three the
			// bucket, a folder and the announcement object.
			"gs" => match (parts.len(), nonempty(parts.first())) {
				(2, Some(bucket)) => Ok(Location::Gcs { bucket, folder: None }),
				(3, Some(bucket)) => Ok(Location::Gcs { bucket, folder: nonempty(parts.get(1)) }),
				_ => Err(bad("a GCS location is gs://bucket[/folder]/gcsAnnouncementKey")),
			},
			"http" | "https" if !rest.is_empty() => Ok(Location::Http(location.trim_end_matches('/').to_string())),
			_ => Err(bad("not a file://, s3://, gs:// or http(s):// location")),
		}
	}
}

impl Location {
	/// The names its files have.
	pub fn names(&self) -> Names {
		match self {
			Location::File(_) | Location::Http(_) => Names::Local,
			Location::S3 { .. } => Names::S3,
			Location::Gcs { .. } => Names::Gcs,
		}
	}

	/// The location as a validator announces it (what Hyperlane's validators announce for the
	/// same storage).
	pub fn announced(&self) -> String {
		match self {
			Location::File(path) => format!("file://{}", path.display()),
			Location::S3 { bucket, region, folder: None } => format!("s3://{bucket}/{region}"),
			Location::S3 { bucket, region, folder: Some(folder) } => format!("s3://{bucket}/{region}/{folder}"),
			Location::Gcs { bucket, folder } => {
				let folder = folder.as_ref().map(|f| format!("{f}/")).unwrap_or_default();
				format!("gs://{bucket}/{folder}{}", Names::Gcs.announcement())
			},
			Location::Http(url) => url.clone(),
		}
	}

	/// The object key of `name` in a bucket (under the folder, if any).
	pub fn key(&self, name: &str) -> String {
		match self {
			Location::S3 { folder: Some(folder), .. } | Location::Gcs { folder: Some(folder), .. } => format!("{folder}/{name}"),
			_ => name.to_string(),
		}
	}

	/// The URL its files are read from anonymously (no trailing slash): S3 virtual-hosted, or
	/// path-style under `s3_endpoint` (an S3-compatible store); GCS's JSON-free public URL; a web
	/// server's own. `None` for a directory.
	pub fn base_url(&self, s3_endpoint: Option<&str>) -> Option<String> {
		let with_folder = |base: String, folder: &Option<String>| match folder {
			Some(folder) => format!("{base}/{folder}"),
			None => base,
		};
		match self {
			Location::File(_) => None,
			Location::S3 { bucket, region, folder } => Some(with_folder(
				match s3_endpoint {
					Some(endpoint) => format!("{}/{bucket}", endpoint.trim_end_matches('/')),
					None => format!("https://{bucket}.s3.{region}.amazonaws.com"),
				},
				folder,
			)),
			Location::Gcs { bucket, folder } => Some(with_folder(format!("https://storage.googleapis.com/{bucket}"), folder)),
			Location::Http(url) => Some(url.clone()),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn parse(location: &str) -> Location {
		location.parse().unwrap()
	}

	/// Hyperlane's parsing and announcing, location by location: what one announces the other
	/// reads as the same storage.
	#[test]
	fn locations_parse_and_announce_as_hyperlanes() {
		let s3 = parse("s3://hyp-v0/us-east-1/zksettle/b/");
		assert_eq!(s3, Location::S3 { bucket: "hyp-v0".into(), region: "us-east-1".into(), folder: Some("zksettle/b".into()) });
		assert_eq!(s3.announced(), "s3://hyp-v0/us-east-1/zksettle/b");
		assert_eq!(parse("s3://hyp-v0/us-east-1").announced(), "s3://hyp-v0/us-east-1");
		assert_eq!(s3.base_url(None).as_deref(), Some("https://hyp-v0.s3.us-east-1.amazonaws.com/zksettle/b"));
		assert_eq!(s3.base_url(Some("http://127.0.0.1:9000/")).as_deref(), Some("http://127.0.0.1:9000/hyp-v0/zksettle/b"));
		assert_eq!(s3.key("checkpoint_latest_index.json"), "zksettle/b/checkpoint_latest_index.json");

		// GCS: the last part is the announcement object.
		let root = parse("gs://hyp-gcs/gcsAnnouncementKey");
		assert_eq!(root, Location::Gcs { bucket: "hyp-gcs".into(), folder: None });
		assert_eq!(root.announced(), "gs://hyp-gcs/gcsAnnouncementKey");
		let folder = parse("gs://hyp-gcs/v0/gcsAnnouncementKey");
		assert_eq!(folder, Location::Gcs { bucket: "hyp-gcs".into(), folder: Some("v0".into()) });
		assert_eq!(folder.announced(), "gs://hyp-gcs/v0/gcsAnnouncementKey");
		assert_eq!(folder.base_url(None).as_deref(), Some("https://storage.googleapis.com/hyp-gcs/v0"));
		assert_eq!(folder.key("gcsLatestIndexKey"), "v0/gcsLatestIndexKey");

		assert_eq!(parse("file:///srv/v0").announced(), "file:///srv/v0");
		assert_eq!(parse("file:///srv/v0").base_url(None), None);
		assert_eq!(parse("https://cdn.example/v0/").base_url(None).as_deref(), Some("https://cdn.example/v0"));
		for bad in ["s3://", "s3://bucket", "s3://bucket/", "gs://", "gs://bucket", "gs:///k", "gs://b/f/g/k", "file://rel", "ftp://x", "bucket"] {
			assert!(bad.parse::<Location>().is_err(), "{bad}");
		}
	}

	#[test]
	fn each_storage_has_hyperlanes_file_names() {
		assert_eq!((Names::Local.checkpoint(4), Names::Local.latest_index(), Names::Local.announcement()), ("4_with_id.json".into(), "index.json", "announcement.json"));
		assert_eq!((Names::S3.checkpoint(4), Names::S3.latest_index(), Names::S3.announcement()), ("checkpoint_4_with_id.json".into(), "checkpoint_latest_index.json", "announcement.json"));
		assert_eq!((Names::Gcs.checkpoint(4), Names::Gcs.latest_index(), Names::Gcs.announcement()), ("checkpoint_4_with_id.json".into(), "gcsLatestIndexKey", "gcsAnnouncementKey"));
	}
}
