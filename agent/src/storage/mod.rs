//! Hyperlane's checkpoint storage, local layout: what a validator publishes and a relayer reads.
//!
//! A validator's storage location is a directory (announced as `file:///absolute/path`) holding,
//! as Hyperlane's agents write it (`hyperlane-base`, `LocalStorage`):
//!
//! * `{index}_with_id.json`: the signed checkpoint of leaf `index`, Hyperlane's
//!   `SignedType<CheckpointWithMessageId>` JSON:
//!   `{"value": {"checkpoint": {"merkle_tree_hook_address", "mailbox_domain", "root", "index"},
//!   "message_id"}, "signature": {"r", "s", "v"}, "serialized_signature"}`;
//! * `index.json`: the highest index signed, as a bare number;
//! * `announcement.json`: the validator's signed announcement that its checkpoints for a
//!   mailbox are at this location (`SignedType<Announcement>`: `{"value": {"validator",
//!   "mailbox_address", "mailbox_domain", "storage_location"}, "signature", …}`).
//!
//! A relayer pointed at such a location (`--validator file:///…`, or the location a validator
//! announced on-chain) reads the same files a Hyperlane relayer would, and a Hyperlane relayer
//! can read ours. Files are written to a temporary name and renamed, so a reader never sees half
//! a checkpoint, and the index is written after the checkpoint it names. The same files in an
//! object store, under that store's names ([`location`]), are written by [`object`] and read by
//! [`remote`]; [`publisher`] is where a validator writes, whichever it is.

#[cfg(test)]
mod fake_store;
pub mod location;
pub mod object;
pub mod publisher;
pub mod remote;

use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use pallet_settlement::{announce::announcement_digest, isms::multisig::recover};

use crate::{
	hex0x,
	signer::ValidatorKey,
	unhex,
	validator::SignedCheckpoint,
	AgentError,
};

/// The largest file read from a checkpoint storage (a signed checkpoint is under 1 KiB): a
/// location anyone can announce must not make a relayer read without bound.
pub const MAX_FILE: u64 = 64 * 1024;

/// A checkpoint storage directory.
#[derive(Clone, Debug)]
pub struct LocalStorage {
	dir: PathBuf,
}

/// `Checkpoint` of `hyperlane-core`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct HyperlaneCheckpoint {
	merkle_tree_hook_address: String,
	mailbox_domain: u32,
	root: String,
	index: u32,
}

/// `CheckpointWithMessageId` of `hyperlane-core`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct CheckpointWithMessageId {
	checkpoint: HyperlaneCheckpoint,
	message_id: String,
}

/// An ECDSA signature as `ethers` serializes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct EthSignature {
	r: String,
	s: String,
	v: u64,
}

/// `Announcement` of `hyperlane-core`: where a validator's checkpoints for a mailbox are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
	/// The validator's address, hex.
	pub validator: String,
	/// The mailbox (merkle tree hook) address, hex.
	pub mailbox_address: String,
	/// The mailbox's domain.
	pub mailbox_domain: u32,
	/// The storage location announced.
	pub storage_location: String,
}

/// `SignedType<Announcement>` of `hyperlane-core`: `announcement.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct SignedAnnouncement {
	value: Announcement,
	signature: EthSignature,
	#[serde(default, skip_serializing_if = "Option::is_none")]
	serialized_signature: Option<String>,
}

impl EthSignature {
	fn from_bytes(signature: &[u8; 65]) -> Self {
		let (r, rest) = signature.split_at(32);
		let (s, v) = rest.split_at(32);
		EthSignature { r: hex0x(r), s: hex0x(s), v: v.first().map_or(0, |v| u64::from(*v)) }
	}

	fn to_bytes(&self) -> Option<[u8; 65]> {
		let mut signature = [0u8; 65];
		signature[..32].copy_from_slice(&unhex::<32>(&self.r)?);
		signature[32..64].copy_from_slice(&unhex::<32>(&self.s)?);
		signature[64] = u8::try_from(self.v).ok()?;
		Some(signature)
	}
}

/// `SignedType<CheckpointWithMessageId>` of `hyperlane-core`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct SignedCheckpointWithMessageId {
	value: CheckpointWithMessageId,
	signature: EthSignature,
	#[serde(default, skip_serializing_if = "Option::is_none")]
	serialized_signature: Option<String>,
}

impl SignedCheckpointWithMessageId {
	fn from_ours(signed: &SignedCheckpoint) -> Option<Self> {
		let signature = unhex::<65>(&signed.signature)?;
		Some(SignedCheckpointWithMessageId {
			value: CheckpointWithMessageId {
				checkpoint: HyperlaneCheckpoint {
					merkle_tree_hook_address: signed.merkle_tree_hook.clone(),
					mailbox_domain: signed.origin,
					root: signed.root.clone(),
					index: signed.index,
				},
				message_id: signed.message_id.clone(),
			},
			signature: EthSignature::from_bytes(&signature),
			serialized_signature: Some(signed.signature.clone()),
		})
	}

	/// Ours, for validator `validator` (the file does not name its signer: the location does).
	fn into_ours(self, validator: &str) -> Option<SignedCheckpoint> {
		let signature = self.signature.to_bytes()?;
		let checkpoint = self.value.checkpoint;
		// Every field must parse: a malformed file is no checkpoint.
		unhex::<32>(&checkpoint.merkle_tree_hook_address)?;
		unhex::<32>(&checkpoint.root)?;
		unhex::<32>(&self.value.message_id)?;
		Some(SignedCheckpoint {
			origin: checkpoint.mailbox_domain,
			merkle_tree_hook: checkpoint.merkle_tree_hook_address,
			root: checkpoint.root,
			index: checkpoint.index,
			message_id: self.value.message_id,
			signature: hex0x(&signature),
			validator: validator.to_string(),
		})
	}
}

/// The JSON of a checkpoint file (Hyperlane's `SignedType<CheckpointWithMessageId>`).
pub(crate) fn checkpoint_json(signed: &SignedCheckpoint) -> Result<Vec<u8>, AgentError> {
	let hyperlane = SignedCheckpointWithMessageId::from_ours(signed)
		.ok_or_else(|| AgentError::Config(format!("checkpoint {} has a malformed signature", signed.index)))?;
	serde_json::to_vec_pretty(&hyperlane).map_err(|e| AgentError::Config(e.to_string()))
}

/// `key`'s signed announcement that its checkpoints for the mailbox `mailbox` of `domain` are
/// at `location`: the file's JSON (Hyperlane's `SignedType<Announcement>`), and the signature
/// the chain's `announce` takes.
pub(crate) fn announcement_json(
	key: &ValidatorKey,
	domain: u32,
	mailbox: &[u8; 32],
	location: &str,
) -> Result<(Vec<u8>, [u8; 65]), AgentError> {
	let signature = key.sign_announcement(domain, mailbox, location)?;
	let signed = SignedAnnouncement {
		value: Announcement {
			validator: hex0x(&key.address()),
			mailbox_address: hex0x(mailbox),
			mailbox_domain: domain,
			storage_location: location.to_string(),
		},
		signature: EthSignature::from_bytes(&signature),
		serialized_signature: Some(hex0x(&signature)),
	};
	let json = serde_json::to_vec_pretty(&signed).map_err(|e| AgentError::Config(e.to_string()))?;
	Ok((json, signature))
}

/// An announcement file's announcement, if its signature recovers to the validator it names
/// for the location it names.
pub fn verified_announcement(bytes: &[u8]) -> Option<Announcement> {
	let signed = serde_json::from_slice::<SignedAnnouncement>(bytes).ok()?;
	let value = signed.value;
	let (signature, mailbox, validator) =
		(signed.signature.to_bytes()?, unhex::<32>(&value.mailbox_address)?, unhex::<20>(&value.validator)?);
	let digest = announcement_digest(value.mailbox_domain, &mailbox, value.storage_location.as_bytes());
	(recover(&digest, &signature).ok() == Some(validator)).then_some(value)
}

/// A `{index}_with_id.json` file's checkpoint, attributed to `validator`; `None` if malformed or
/// of another index.
pub(crate) fn parse_checkpoint(bytes: &[u8], index: u32, validator: &str) -> Option<SignedCheckpoint> {
	let parsed: SignedCheckpointWithMessageId = serde_json::from_slice(bytes).ok()?;
	parsed.into_ours(validator).filter(|c| c.index == index)
}

/// `index.json`: a bare number.
pub(crate) fn parse_index(bytes: &[u8]) -> Option<u32> {
	std::str::from_utf8(bytes).ok()?.trim().parse().ok()
}

fn io(path: &Path, e: std::io::Error) -> AgentError {
	AgentError::Io(path.display().to_string(), e)
}

impl LocalStorage {
	/// The storage in `dir`, created if missing.
	pub fn open(dir: impl Into<PathBuf>) -> Result<Self, AgentError> {
		let dir = dir.into();
		std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
		let dir = dir.canonicalize().map_err(|e| io(&dir, e))?;
		Ok(LocalStorage { dir })
	}

	/// The storage a `file://` location names.
	pub fn from_location(location: &str) -> Result<Self, AgentError> {
		let path = location
			.strip_prefix("file://")
			.ok_or_else(|| AgentError::Config(format!("{location}: not a file:// location")))?;
		Ok(LocalStorage { dir: PathBuf::from(path) })
	}

	/// Its location, as a validator announces it.
	pub fn location(&self) -> String {
		format!("file://{}", self.dir.display())
	}

	fn checkpoint_path(&self, index: u32) -> PathBuf {
		self.dir.join(format!("{index}_with_id.json"))
	}

	fn index_path(&self) -> PathBuf {
		self.dir.join("index.json")
	}

	/// Write `bytes` to a temporary file, sync it, rename it over `path` and sync the directory:
	/// after a crash `path` holds the old bytes or the new, and a rename that returned survives.
	fn write_atomically(&self, path: &Path, bytes: &[u8]) -> Result<(), AgentError> {
		use std::io::Write;
		let tmp = path.with_extension("json.tmp");
		let mut file = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
		file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| io(&tmp, e))?;
		std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
		std::fs::File::open(&self.dir).and_then(|dir| dir.sync_all()).map_err(|e| io(&self.dir, e))
	}

	/// Read at most [`MAX_FILE`] bytes of `path`; `None` if it does not exist.
	fn read_bounded(path: &Path) -> Result<Option<Vec<u8>>, AgentError> {
		use std::io::Read;
		let file = match std::fs::File::open(path) {
			Ok(file) => file,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(io(path, e)),
		};
		let mut bytes = Vec::new();
		file.take(MAX_FILE + 1).read_to_end(&mut bytes).map_err(|e| io(path, e))?;
		if bytes.len() as u64 > MAX_FILE {
			return Err(AgentError::Config(format!("{}: larger than {MAX_FILE} bytes", path.display())));
		}
		Ok(Some(bytes))
	}

	/// Publish `signed` and, if it is the highest so far, move `index.json` to it.
	pub fn write(&self, signed: &SignedCheckpoint) -> Result<(), AgentError> {
		let json = checkpoint_json(signed)?;
		self.write_atomically(&self.checkpoint_path(signed.index), &json)?;
		if self.latest_index()?.is_none_or(|latest| signed.index > latest) {
			self.write_atomically(&self.index_path(), signed.index.to_string().as_bytes())?;
		}
		Ok(())
	}

	fn announcement_path(&self) -> PathBuf {
		self.dir.join("announcement.json")
	}

	/// Publish `announcement.json`: `key` announces `location` (this directory's own, or the
	/// object store it is published to) as where its checkpoints for the mailbox `mailbox` of
	/// `domain` are (what Hyperlane validators write at start, and what relayers and
	/// `ValidatorAnnounce` check). Returns the signature, which the chain's `announce` takes.
	pub fn announce(&self, key: &ValidatorKey, domain: u32, mailbox: &[u8; 32], location: &str) -> Result<[u8; 65], AgentError> {
		let (json, signature) = announcement_json(key, domain, mailbox, location)?;
		self.write_atomically(&self.announcement_path(), &json)?;
		Ok(signature)
	}

	/// The announcement this storage holds, if its signature recovers to the validator it names
	/// for the location it names; `None` if there is none or it does not verify.
	pub fn announcement(&self) -> Result<Option<Announcement>, AgentError> {
		let path = self.announcement_path();
		match std::fs::read(&path) {
			Ok(bytes) => Ok(verified_announcement(&bytes)),
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
			Err(e) => Err(io(&path, e)),
		}
	}

	/// The highest index published, if any. An `index.json` that does not parse (torn by a
	/// crash on a file system that lost the rename's order, or truncated by hand) is recovered
	/// from the highest checkpoint file present, and rewritten.
	pub fn latest_index(&self) -> Result<Option<u32>, AgentError> {
		let path = self.index_path();
		let Some(bytes) = Self::read_bounded(&path)? else { return Ok(None) };
		if let Some(index) = parse_index(&bytes) {
			return Ok(Some(index));
		}
		let highest = std::fs::read_dir(&self.dir)
			.map_err(|e| io(&self.dir, e))?
			.filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix("_with_id.json")?.parse::<u32>().ok())
			.max();
		tracing::warn!(target: "zksettle_agent::storage", path = %path.display(), ?highest, "index.json does not parse: recovered from the checkpoint files");
		if let Some(index) = highest {
			self.write_atomically(&path, index.to_string().as_bytes())?;
		}
		Ok(highest)
	}

	/// The checkpoint published for leaf `index`, attributed to `validator`; `None` if there is
	/// none or it is malformed.
	pub fn fetch(&self, index: u32, validator: &str) -> Result<Option<SignedCheckpoint>, AgentError> {
		let Some(bytes) = Self::read_bounded(&self.checkpoint_path(index))? else { return Ok(None) };
		Ok(parse_checkpoint(&bytes, index, validator))
	}

	/// Every checkpoint published up to `index.json`, for `validator` (a restarted validator
	/// loads what it signed before).
	pub fn load(&self, validator: &str) -> Result<BTreeMap<u32, SignedCheckpoint>, AgentError> {
		let mut out = BTreeMap::new();
		let Some(latest) = self.latest_index()? else { return Ok(out) };
		for index in 0..=latest {
			if let Some(signed) = self.fetch(index, validator)? {
				out.insert(index, signed);
			}
		}
		Ok(out)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A checkpoint file as Hyperlane's validators write it (values from a public validator
	/// bucket; the signature is only parsed here).
	const UPSTREAM: &str = r#"{
	  "value": {
	    "checkpoint": {
	      "merkle_tree_hook_address": "0x0000000000000000000000006543cef9bbe42d66b5b36ccaf9374de2b55f9cbc",
	      "mailbox_domain": 54322345,
	      "root": "0x5cd1ceeff6f033960677157f13b472fcfb1617638dbdfb0ab0cde36cd94bf050",
	      "index": 2
	    },
	    "message_id": "0x3eae2775d2a39169fd82693c9883351a72761c9cdf4cddedaf95bf62e454250e"
	  },
	  "signature": {
	    "r": "0x82079df9c6de4d2ab039216e3275cf803d245819150512e50dde105e2802f989",
	    "s": "0x76b8041d134256ef7df29fa8a8613a5c042af46c3468ab011410e19e6e1cb493",
	    "v": 28
	  }
	}"#;

	fn ours(index: u32) -> SignedCheckpoint {
		SignedCheckpoint {
			origin: 1_000_001,
			merkle_tree_hook: hex0x(&[7; 32]),
			root: hex0x(&[8; 32]),
			index,
			message_id: hex0x(&[9; 32]),
			signature: format!("0x{}1c", "ab".repeat(64)),
			validator: "0x00000000000000000000000000000000000000aa".into(),
		}
	}

	#[test]
	fn reads_hyperlanes_files_and_writes_its_layout() {
		let dir = tempfile::tempdir().unwrap();
		let storage = LocalStorage::open(dir.path()).unwrap();
		assert!(storage.location().starts_with("file:///"));
		std::fs::write(dir.path().join("2_with_id.json"), UPSTREAM).unwrap();
		let read = storage.fetch(2, "0xv").unwrap().unwrap();
		assert_eq!(read.origin, 54322345);
		assert_eq!(read.index, 2);
		assert!(read.signature.ends_with("1c"), "v 28 is the last byte");
		assert!(read.checkpoint().is_some());

		// Ours, written in the same layout, read back equal.
		assert_eq!(storage.latest_index().unwrap(), None);
		storage.write(&ours(5)).unwrap();
		storage.write(&ours(3)).unwrap();
		assert_eq!(storage.latest_index().unwrap(), Some(5), "the index only moves up");
		assert_eq!(std::fs::read_to_string(dir.path().join("index.json")).unwrap(), "5");
		let file: serde_json::Value =
			serde_json::from_slice(&std::fs::read(dir.path().join("5_with_id.json")).unwrap()).unwrap();
		assert_eq!(file["value"]["checkpoint"]["mailbox_domain"], 1_000_001);
		assert_eq!(file["value"]["checkpoint"]["index"], 5);
		assert_eq!(file["signature"]["v"], 28);
		assert_eq!(storage.fetch(5, &ours(5).validator).unwrap(), Some(ours(5)));
		// Through the announced location, as a relayer reads it.
		let relayer_view = LocalStorage::from_location(&storage.location()).unwrap();
		assert_eq!(relayer_view.fetch(3, &ours(3).validator).unwrap(), Some(ours(3)));
		let loaded = storage.load(&ours(3).validator).unwrap();
		assert_eq!(loaded.keys().copied().collect::<Vec<_>>(), [2, 3, 5]);

		// A malformed or misplaced file is no checkpoint.
		std::fs::write(dir.path().join("7_with_id.json"), "{").unwrap();
		assert_eq!(storage.fetch(7, "0xv").unwrap(), None);
		std::fs::copy(dir.path().join("5_with_id.json"), dir.path().join("6_with_id.json")).unwrap();
		assert_eq!(storage.fetch(6, "0xv").unwrap(), None, "the file of leaf 5 under 6");
		assert!(LocalStorage::from_location("s3://bucket").is_err());
	}

	#[test]
	fn announcements_verify_and_name_their_location() {
		let dir = tempfile::tempdir().unwrap();
		let storage = LocalStorage::open(dir.path()).unwrap();
		assert_eq!(storage.announcement().unwrap(), None);
		let key = ValidatorKey::from_hex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80").unwrap();
		storage.announce(&key, 1_000_001, &[7; 32], &storage.location()).unwrap();
		let announced = storage.announcement().unwrap().unwrap();
		assert_eq!(announced.validator, hex0x(&key.address()));
		assert_eq!(announced.storage_location, storage.location());
		assert_eq!(announced.mailbox_domain, 1_000_001);
		let file: serde_json::Value =
			serde_json::from_slice(&std::fs::read(dir.path().join("announcement.json")).unwrap()).unwrap();
		assert_eq!(file["value"]["mailbox_address"], hex0x(&[7; 32]));
		assert!(file["signature"]["v"] == 27 || file["signature"]["v"] == 28);

		// Moved elsewhere (another location than the one signed), it no longer verifies.
		let text = std::fs::read_to_string(dir.path().join("announcement.json")).unwrap();
		std::fs::write(dir.path().join("announcement.json"), text.replace(&storage.location(), "file:///elsewhere")).unwrap();
		assert_eq!(storage.announcement().unwrap(), None);
	}

	/// A torn `index.json` (a crash on a file system that lost the rename's order) is recovered
	/// from the checkpoint files; a file larger than any checkpoint is not read.
	#[test]
	fn a_torn_index_is_recovered_and_reads_are_bounded() {
		let dir = tempfile::tempdir().unwrap();
		let storage = LocalStorage::open(dir.path()).unwrap();
		for index in [0, 1, 4] {
			storage.write(&ours(index)).unwrap();
		}
		assert_eq!(storage.latest_index().unwrap(), Some(4));
		std::fs::write(dir.path().join("index.json"), b"").unwrap();
		assert_eq!(storage.latest_index().unwrap(), Some(4));
		assert_eq!(std::fs::read_to_string(dir.path().join("index.json")).unwrap(), "4", "rewritten");
		std::fs::write(dir.path().join("index.json"), b"4x").unwrap();
		assert_eq!(storage.latest_index().unwrap(), Some(4));

		std::fs::write(dir.path().join("9_with_id.json"), vec![b' '; MAX_FILE as usize + 1]).unwrap();
		assert!(matches!(storage.fetch(9, "v"), Err(AgentError::Config(_))));
		assert!(storage.fetch(4, "v").unwrap().is_some());
	}
}
