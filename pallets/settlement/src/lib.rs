//! # Settlement
//!
//! zkSettle's cross-chain settlement layer, compatible byte for byte with Hyperlane v3:
//!
//! * [`message`]: the message format and its id;
//! * [`merkle`]: the outbound message tree (the merkle tree hook);
//! * [`checkpoint`]: what validators sign;
//! * [`isms`]: message-id and merkle-root multisig verification with Hyperlane's rules.
//!
//! These modules are the protocol core, each tested against Hyperlane's published vectors and
//! upstream validator signatures. The FRAME pallet that stores validator sets, dispatches and
//! processes messages, and settles intents on top of them is the next part of this crate.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

extern crate alloc;

pub mod checkpoint;
pub mod isms;
pub mod merkle;
pub mod message;

#[cfg(test)]
mod test_vectors;
