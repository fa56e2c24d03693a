//! # zk-verifier
//!
//! Groth16 over BLS12-381 for zkSettle, in two faces that agree byte for byte:
//!
//! * **`no_std` (always)**: what the runtime runs. Checked decoding of proofs and verifying keys
//!   in the `groth16` 0.2 crate's encodings ([`Proof`], [`VerifyingKey`]), single and batch
//!   verification ([`verify`], [`verify_batch`]), the Poseidon permutation ([`poseidon`]), the
//!   hashing convention of notes ([`hash`]), the note-commitment tree frontier ([`merkle`]) and the
//!   transfer statement ([`public_inputs`]). Depends on `bls12_381` alone for the curve.
//! * **`std` + feature `prover`**: what wallets and tests run. The shielded-transfer circuit
//!   written with `bellman` ([`circuit`]), Poseidon as a gadget, a full Merkle tree with paths,
//!   key generation and proving with the `groth16` crate ([`prover`]).
//!
//! Every byte string from outside is checked — canonical scalars, points on the curve, in the
//! prime-order subgroup and not the identity — and each failure is a distinct [`Error`].

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

extern crate alloc;

pub mod bls12;
mod curve;
#[cfg(any(test, feature = "differential"))]
pub mod differential;
mod error;
pub mod hash;
pub mod keys;
pub mod merkle;
pub mod note;
pub mod poseidon;
mod proof;
pub mod public_inputs;
pub mod stamp;
pub mod witness;
mod verifier;
mod prepared_key;
mod verifying_key;

#[cfg(feature = "prover")]
pub mod circuit;
#[cfg(feature = "prover")]
pub mod prover;

#[cfg(test)]
pub(crate) mod test_util;

pub use bls12_381::Scalar;
pub use error::{Element, Error, PointFault};
pub use proof::{Proof, PROOF_SIZE, PROOF_UNCOMPRESSED_SIZE};
pub use verifier::{verify, verify_batch};
pub use prepared_key::{prepared_len as prepared_key_len, PreparedVerifyingKey};
pub use verifying_key::{encoded_len as verifying_key_len, VerifyingKey, MAX_PUBLIC_INPUTS};

/// Decode public inputs given as 32-byte little-endian scalars; each must be canonical (`< r`).
pub fn decode_inputs(inputs: &[[u8; 32]]) -> Result<alloc::vec::Vec<Scalar>, Error> {
	inputs.iter().enumerate().map(|(i, bytes)| curve::scalar(bytes, i)).collect()
}

/// The verifying key of the transfer circuit from the public development setup
/// ([`prover::DEV_SETUP_SEED`] with the `prover` feature): what development and test networks
/// install at genesis. Never for real value: anyone can derive its trapdoor. A test re-derives
/// these bytes from the seed.
pub const DEV_TRANSFER_VERIFYING_KEY: &[u8] = include_bytes!("../keys/dev_transfer_vk.bin");
