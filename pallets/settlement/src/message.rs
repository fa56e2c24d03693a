//! Hyperlane v3 messages, byte for byte as `Message.sol` formats them.
//!
//! | offset | bytes | field                          |
//! |--------|-------|--------------------------------|
//! | 0      | 1     | version (3)                    |
//! | 1      | 4     | nonce, big-endian              |
//! | 5      | 4     | origin domain, big-endian      |
//! | 9      | 32    | sender                         |
//! | 41     | 4     | destination domain, big-endian |
//! | 45     | 32    | recipient                      |
//! | 77     | …     | body                           |
//!
//! The id of a message is `keccak256` of all its bytes.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

use alloc::vec::Vec;
use polkadot_sdk::sp_io::hashing::keccak_256;

/// The message format version this mailbox speaks.
pub const VERSION: u8 = 3;
/// Bytes before the body.
pub const HEADER_LEN: usize = 77;

/// A Hyperlane message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
	/// Format version.
	pub version: u8,
	/// Per-mailbox sequence number of the origin.
	pub nonce: u32,
	/// Origin domain.
	pub origin: u32,
	/// Sender on the origin (an address left-padded to 32 bytes on EVM chains).
	pub sender: [u8; 32],
	/// Destination domain.
	pub destination: u32,
	/// Recipient on the destination.
	pub recipient: [u8; 32],
	/// Application payload.
	pub body: Vec<u8>,
}

/// A byte string too short to be a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooShort;

impl Message {
	/// The packed encoding.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(HEADER_LEN + self.body.len());
		out.push(self.version);
		out.extend_from_slice(&self.nonce.to_be_bytes());
		out.extend_from_slice(&self.origin.to_be_bytes());
		out.extend_from_slice(&self.sender);
		out.extend_from_slice(&self.destination.to_be_bytes());
		out.extend_from_slice(&self.recipient);
		out.extend_from_slice(&self.body);
		out
	}

	/// Parse a packed message. Every byte string of at least [`HEADER_LEN`] bytes is a message;
	/// whether its version and destination are acceptable is the mailbox's decision.
	pub fn from_bytes(bytes: &[u8]) -> Result<Self, TooShort> {
		if bytes.len() < HEADER_LEN {
			return Err(TooShort);
		}
		let (header, body) = bytes.split_at(HEADER_LEN);
		let u32_at = |at: usize| -> Result<u32, TooShort> {
			Ok(u32::from_be_bytes(header.get(at..at + 4).ok_or(TooShort)?.try_into().map_err(|_| TooShort)?))
		};
		let bytes32_at = |at: usize| -> Result<[u8; 32], TooShort> {
			header.get(at..at + 32).ok_or(TooShort)?.try_into().map_err(|_| TooShort)
		};
		Ok(Message {
			version: *header.first().ok_or(TooShort)?,
			nonce: u32_at(1)?,
			origin: u32_at(5)?,
			sender: bytes32_at(9)?,
			destination: u32_at(41)?,
			recipient: bytes32_at(45)?,
			body: body.to_vec(),
		})
	}

	/// The message id: `keccak256(message)`.
	pub fn id(&self) -> [u8; 32] {
		keccak_256(&self.to_bytes())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_vectors::hex32;

	/// `vectors/message.json` of the Hyperlane monorepo.
	#[test]
	fn known_message_id() {
		let mut sender = [0u8; 32];
		sender[12..].fill(0x11);
		let mut recipient = [0u8; 32];
		recipient[12..].fill(0x22);
		let message = Message {
			version: 3,
			nonce: 0,
			origin: 1000,
			sender,
			destination: 2000,
			recipient,
			body: alloc::vec![0x12, 0x34],
		};
		assert_eq!(message.id(), hex32("f8a66f8aadee751d842616fee0ed14a3ad6da1e13564920364ee0ad35a02703f"));
		let bytes = message.to_bytes();
		assert_eq!(bytes.len(), 79);
		assert_eq!(Message::from_bytes(&bytes), Ok(message));
		assert_eq!(Message::from_bytes(&bytes[..76]), Err(TooShort));
	}

	/// The message of Hyperlane's Sealevel multisig test data.
	#[test]
	fn sealevel_test_message_id() {
		let message = Message {
			version: 3,
			nonce: 69,
			origin: 1234,
			sender: [0xaf; 32],
			destination: 4321,
			recipient: [0xbe; 32],
			body: (0u8..10).collect(),
		};
		assert_eq!(message.id(), hex32("808dd1b989490a4f9911f716132fbb6e57c519eb86eb7ecbb3fc7790ec30170c"));
	}
}
