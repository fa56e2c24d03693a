//! Published Hyperlane test vectors and test-only helpers (signing with `k256`), shared by the
//! tests and the benchmarks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, dead_code)]

use alloc::vec::Vec;
use k256::ecdsa::SigningKey;
use polkadot_sdk::sp_io::hashing::keccak_256;

use crate::{
	checkpoint::Checkpoint,
	isms::multisig::{EthAddress, Signature},
	merkle::{TREE_DEPTH, ZERO_HASHES},
	message::Message,
};

/// Bytes from hex.
pub fn hex(s: &str) -> Vec<u8> {
	let s = s.trim_start_matches("0x");
	(0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// 32 bytes from hex.
pub fn hex32(s: &str) -> [u8; 32] {
	hex(s).try_into().unwrap()
}

/// `ethers.utils.hashMessage`: EIP-191 with the decimal length of the message.
pub fn eth_hash_message(message: &[u8]) -> [u8; 32] {
	let mut preimage = alloc::format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
	preimage.extend_from_slice(message);
	keccak_256(&preimage)
}

/// The message of `rust/sealevel/libraries/multisig-ism/src/test_data.rs`.
pub fn sealevel_message() -> Message {
	Message { version: 3, nonce: 69, origin: 1234, sender: [0xaf; 32], destination: 4321, recipient: [0xbe; 32], body: (0u8..10).collect() }
}

/// Its checkpoint (index 70, hook 0xab…, root 0xcd…).
pub fn sealevel_checkpoint() -> Checkpoint {
	Checkpoint { origin: 1234, merkle_tree_hook: [0xab; 32], root: [0xcd; 32], index: 70, message_id: sealevel_message().id() }
}

/// The upstream test validators, in order.
pub fn sealevel_validators() -> Vec<EthAddress> {
	["e3dcdbbc248ce191bdc271f3fccd0d95911bfc5d", "b25206874c24733f05cc0dd11924724a8e7175bd", "28b8d0e2bbfede9071f8ff3dac9cce3d3176dbd3"]
		.iter()
		.map(|h| hex(h).try_into().unwrap())
		.collect()
}

/// The upstream validators' signatures over [`sealevel_checkpoint`].
pub const SEALEVEL_SIGNATURES: [&str; 3] = [
	"081d398e1452ae12267f63f224d3037b4bb3f496cb55c14a2076c5e27ed944ad6d8e10d3164bc13b5820846a3f19e013e1c551b67a3c863882f7b951acdab96d1c",
	"0c189e25dea6bb93292af16fd0516f3adc8a19556714c0b8d624016175bebcba7a5fe8218dad6fc86faeb8104fad8390ccdec989d992e852553ea6b61fbb2eda1b",
	"5493449e8a09c1105195ecf913997de51bd50926a075ad98fe3e845e0a11126b5212a2cd1afdd35a44322146d31f8fa3d179d8a9822637d8db0e2fa8b3d292421b",
];

/// The Ethereum address of a secret key.
pub fn address_of(secret: &[u8; 32]) -> EthAddress {
	let key = SigningKey::from_bytes(secret.into()).unwrap();
	let point = key.verifying_key().to_encoded_point(false);
	let hash = keccak_256(&point.as_bytes()[1..]);
	hash[12..].try_into().unwrap()
}

/// Sign a digest as a Hyperlane validator does: `r ‖ s ‖ v` with `v` 27/28 and low `s`.
pub fn sign(secret: &[u8; 32], digest: &[u8; 32]) -> Signature {
	let key = SigningKey::from_bytes(secret.into()).unwrap();
	let (signature, recovery) = key.sign_prehash_recoverable(digest).unwrap();
	let mut out = [0u8; 65];
	out[..64].copy_from_slice(&signature.to_bytes());
	out[64] = 27 + recovery.to_byte();
	out
}

/// The authentication path of `leaves[index]` in a tree of exactly these leaves.
pub fn proof_of(leaves: &[[u8; 32]], index: usize) -> [[u8; 32]; TREE_DEPTH] {
	let zeros = ZERO_HASHES;
	let mut level: Vec<[u8; 32]> = leaves.to_vec();
	let mut position = index;
	let mut proof = [[0u8; 32]; TREE_DEPTH];
	for (height, node) in proof.iter_mut().enumerate() {
		*node = level.get(position ^ 1).copied().unwrap_or(zeros[height]);
		level = level
			.chunks(2)
			.map(|pair| {
				let mut both = [0u8; 64];
				both[..32].copy_from_slice(&pair[0]);
				both[32..].copy_from_slice(pair.get(1).unwrap_or(&zeros[height]));
				keccak_256(&both)
			})
			.collect();
		position /= 2;
	}
	proof
}
