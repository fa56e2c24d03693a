//! Work stamps: what an unsigned transaction pays, in computation, for the proof check it asks of
//! a node.
//!
//! A node refuses a junk proof only after a pairing (about 12 ms on the reference machine), and
//! an unsigned sender pays nothing for a refusal. A stamp (hashcash, Back 2002) makes each
//! distinct transaction cost its sender a search the node checks with two hashes: the sender
//! finds a `nonce` such that
//!
//! ```text
//! seed = BLAKE2b-256(personal "zkSettle.stamp", SCALE(transaction))
//! work = BLAKE2b-256(personal "zkSettle.stamp", seed ‖ nonce as u64 little-endian)
//! ```
//!
//! has at least `bits` leading zero bits (most significant bit of byte 0 first). The seed covers
//! every byte of the transaction (proof, root, nullifiers, commitments, the bound external data),
//! so a stamp is good for one transaction only and cannot be carried to a variation of it; the
//! root it names ages out of the pool's recent-root window, so stamps cannot be stockpiled
//! either. Expected search: `2^bits` hashes; checking: two.

use blake2b_simd::Params;

/// The BLAKE2b personalization of both hashes.
pub const PERSONAL: &[u8; 14] = b"zkSettle.stamp";

/// The seed of a transaction's stamp: a hash of its SCALE encoding.
pub fn seed(transaction: &[u8]) -> [u8; 32] {
	digest(&[transaction])
}

/// The leading zero bits of the work hash of `nonce` for `seed`.
pub fn work(seed: &[u8; 32], nonce: u64) -> u32 {
	leading_zero_bits(&digest(&[seed, &nonce.to_le_bytes()]))
}

/// Whether `nonce` is a stamp of at least `bits` for `seed`.
pub fn meets(seed: &[u8; 32], nonce: u64, bits: u32) -> bool {
	bits == 0 || work(seed, nonce) >= bits
}

/// Search for a stamp of `bits` for `seed` on `threads` threads (at least one); each thread tries
/// the nonces congruent to its index. Returns the first nonce found; expected `2^bits` hashes in
/// all. `bits` above 64 are never met: `None`.
#[cfg(feature = "std")]
pub fn mint(seed: &[u8; 32], bits: u32, threads: usize) -> Option<u64> {
	use core::sync::atomic::{AtomicBool, Ordering};
	if bits > 64 {
		return None;
	}
	let threads = threads.max(1) as u64;
	let found = AtomicBool::new(false);
	std::thread::scope(|scope| {
		let searches: std::vec::Vec<_> = (0..threads)
			.map(|start| {
				let found = &found;
				scope.spawn(move || {
					let mut nonce = start;
					for tries in 0u64.. {
						// Another thread's find is checked once every 4 096 tries.
						if tries % 4096 == 0 && found.load(Ordering::Relaxed) {
							return None;
						}
						if meets(seed, nonce, bits) {
							found.store(true, Ordering::Relaxed);
							return Some(nonce);
						}
						nonce = nonce.checked_add(threads)?;
					}
					None
				})
			})
			.collect();
		searches.into_iter().filter_map(|search| search.join().ok().flatten()).min()
	})
}

fn digest(parts: &[&[u8]]) -> [u8; 32] {
	let mut state = Params::new().hash_length(32).personal(PERSONAL).to_state();
	for part in parts {
		state.update(part);
	}
	let mut out = [0u8; 32];
	out.copy_from_slice(state.finalize().as_bytes());
	out
}

fn leading_zero_bits(hash: &[u8; 32]) -> u32 {
	let mut bits = 0;
	for byte in hash {
		bits += byte.leading_zeros();
		if *byte != 0 {
			break;
		}
	}
	bits
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn leading_zero_bits_count_from_the_first_byte() {
		let mut hash = [0xffu8; 32];
		assert_eq!(leading_zero_bits(&hash), 0);
		hash[0] = 0x00;
		hash[1] = 0x1f;
		assert_eq!(leading_zero_bits(&hash), 11);
		assert_eq!(leading_zero_bits(&[0u8; 32]), 256);
	}

	#[test]
	fn a_minted_stamp_meets_its_bits_and_binds_its_transaction() {
		let seed = seed(b"a transaction");
		let nonce = mint(&seed, 12, 2).unwrap();
		assert!(meets(&seed, nonce, 12));
		assert!(work(&seed, nonce) >= 12);
		// The same nonce for another transaction: 12 bits again with probability 2^-12.
		let other = super::seed(b"a transaction!");
		assert!((0..8u64).any(|i| !meets(&other, nonce + i, 12)));
		assert!(meets(&other, 0, 0), "zero bits: no stamp needed");
		assert_eq!(mint(&seed, 65, 1), None);
	}

	#[test]
	fn the_encoding_matches_an_independent_implementation() {
		// Computed with Python's hashlib.blake2b(digest_size=32, person=b"zkSettle.stamp"):
		// wallets in other languages check their hashes against these.
		let seed = seed(b"");
		assert_eq!(hex(&seed), "2eadf7a9d320ab9d81e8fa4e829c0361e1945c4a39ffc3333fccac8e42324c08");
		assert_eq!(
			hex(&digest(&[&seed, &822u64.to_le_bytes()])),
			"0053d0cd73fe0031c0221a62b55e11bf8a58f88dd3d30b254e81d8f722285fa5"
		);
		assert_eq!((0u64..).find(|n| work(&seed, *n) >= 8), Some(822));
		assert_eq!(work(&seed, 822), 9);
	}

	fn hex(bytes: &[u8]) -> std::string::String {
		bytes.iter().map(|b| std::format!("{b:02x}")).collect()
	}
}
