//! Private files of zkSettle's tools: the wallet's keystore (the sealed spending key) and
//! encrypted state, the agents' databases. Encrypted or not, a file others can read is one an
//! offline password guess (or a plain read) can start from, so they are written readable by their owner alone
//! (0600, in a 0700 directory) whatever the umask, synced before they replace the old file, and
//! replaced atomically (a crash leaves the old file or the new one, never half of one).
//!
//! Secrets a tool is given (the keystore password, a payer's or a relayer's secret URI) come
//! from a file only if no one else can read it ([`read_secret`]), never from a command-line flag:
//! a flag is in the shell's history and in every user's process list.

use crate::error::ClientError;
use std::{
	fs::{DirBuilder, OpenOptions},
	io::Write,
	path::Path,
};

fn io(path: &Path, e: std::io::Error) -> ClientError {
	ClientError::Io(path.display().to_string(), e)
}

/// Create `dir` (and its parents) if missing; a directory this creates is the owner's alone.
pub fn private_dir(dir: &Path) -> Result<(), ClientError> {
	let mut builder = DirBuilder::new();
	builder.recursive(true);
	#[cfg(unix)]
	std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
	builder.create(dir).map_err(|e| io(dir, e))
}

/// Write `bytes` to `path` readable by the owner alone, replacing it atomically.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ClientError> {
	let tmp = path.with_extension("tmp");
	let mut options = OpenOptions::new();
	options.write(true).create(true).truncate(true);
	#[cfg(unix)]
	std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
	let mut file = options.open(&tmp).map_err(|e| io(&tmp, e))?;
	// A temporary file left by an older version may exist with wider permissions: `mode` only
	// applies to files it creates.
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(|e| io(&tmp, e))?;
	}
	file.write_all(bytes).map_err(|e| io(&tmp, e))?;
	file.sync_all().map_err(|e| io(&tmp, e))?;
	std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

/// The permission bits of `path` (`0o600` for a file only its owner reads and writes).
#[cfg(unix)]
pub fn mode(path: &Path) -> Result<u32, ClientError> {
	use std::os::unix::fs::PermissionsExt;
	Ok(std::fs::metadata(path).map_err(|e| io(path, e))?.permissions().mode() & 0o7777)
}

/// Take from group and others every permission they have on `paths` (those that exist).
pub fn make_private(paths: &[&Path]) -> Result<(), ClientError> {
	#[cfg(unix)]
	for path in paths {
		use std::os::unix::fs::PermissionsExt;
		let Ok(mode) = mode(path) else { continue };
		if mode & 0o077 != 0 {
			std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & !0o077)).map_err(|e| io(path, e))?;
		}
	}
	#[cfg(not(unix))]
	let _ = paths;
	Ok(())
}

/// The first line of the secret file `path`, refused when its group or others have any access.
pub fn read_secret(path: &Path) -> Result<String, ClientError> {
	#[cfg(unix)]
	if mode(path)? & 0o077 != 0 {
		return Err(ClientError::ExposedSecret(path.display().to_string()));
	}
	let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
	Ok(text.lines().next().unwrap_or_default().to_string())
}

#[cfg(all(test, unix))]
mod tests {
	use super::*;
	use std::os::unix::fs::PermissionsExt;

	fn mode(path: &Path) -> u32 {
		super::mode(path).unwrap()
	}

	#[test]
	fn private_files_are_the_owners_alone_whatever_was_there() {
		let dir = tempfile::tempdir().unwrap();
		let wallet = dir.path().join("w");
		private_dir(&wallet).unwrap();
		assert_eq!(mode(&wallet), 0o700);
		let file = wallet.join("state.bin");
		// A stale temporary file readable by all does not keep its mode.
		std::fs::write(file.with_extension("tmp"), b"old").unwrap();
		std::fs::set_permissions(file.with_extension("tmp"), std::fs::Permissions::from_mode(0o644)).unwrap();
		write_private(&file, b"new").unwrap();
		assert_eq!(mode(&file), 0o600);
		assert_eq!(std::fs::read(&file).unwrap(), b"new");
		assert!(!file.with_extension("tmp").exists());
	}

	#[test]
	fn a_secret_file_others_can_read_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("relayer.suri");
		std::fs::write(&path, "//Charlie\nignored\n").unwrap();
		for shared in [0o640, 0o604, 0o644, 0o660] {
			std::fs::set_permissions(&path, std::fs::Permissions::from_mode(shared)).unwrap();
			assert!(matches!(read_secret(&path), Err(ClientError::ExposedSecret(_))), "{shared:o}");
		}
		std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
		assert_eq!(read_secret(&path).unwrap(), "//Charlie");
		std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
		assert_eq!(read_secret(&path).unwrap(), "//Charlie");
	}
}
