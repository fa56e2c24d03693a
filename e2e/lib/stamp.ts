// The work stamp of an unsigned shielded transaction (zk-verifier/src/stamp.rs), written
// independently with @noble/hashes, as a wallet in another language would: find a `nonce` such
// that BLAKE2b-256(personal "zkSettle.stamp", seed ‖ nonce u64 LE) has at least `bits` leading
// zero bits, where seed = BLAKE2b-256(personal "zkSettle.stamp", SCALE(transaction)).
import { blake2b } from '@noble/hashes/blake2b';

/** "zkSettle.stamp" zero-padded to BLAKE2b's 16-byte personalization, as blake2b_simd pads it. */
const PERSONAL = (() => {
  const out = new Uint8Array(16);
  out.set(new TextEncoder().encode('zkSettle.stamp'));
  return out;
})();

const hash = (data: Uint8Array): Uint8Array => blake2b(data, { dkLen: 32, personalization: PERSONAL });

/** The seed of a transaction's stamp: the hash of its SCALE encoding. */
export function seed(transaction: Uint8Array): Uint8Array {
  return hash(transaction);
}

function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** The leading zero bits of the work hash of `nonce` for `seed`. */
export function work(seed: Uint8Array, nonce: bigint): number {
  const input = new Uint8Array(40);
  input.set(seed);
  new DataView(input.buffer).setBigUint64(32, nonce, true);
  return leadingZeroBits(hash(input));
}

/** The first nonce whose work for `seed` reaches `bits` (expected 2^bits hashes). */
export function mint(seed: Uint8Array, bits: number): bigint {
  for (let nonce = 0n; ; nonce += 1n) if (work(seed, nonce) >= bits) return nonce;
}
