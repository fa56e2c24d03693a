// Groth16 proof malleability, as an attacker would use it.
//
// A Groth16 proof (A, B, C) with A in G1, B in G2 is checked by
//   e(A, B) = e(alpha, beta) * e(sum_i x_i IC_i, gamma) * e(C, delta),
// where only the left side depends on A and B. For any non-zero scalar r, (rA, r^-1 B, C) gives
// e(rA, r^-1 B) = e(A, B)^(r * r^-1) = e(A, B): a different, equally valid proof of the same
// statement. Replay protection keyed on proof or transaction bytes is therefore worthless; the
// pool must refuse a second spend by its nullifiers. The e2e tests submit such a proof to show it.
//
// Bytes are the shielded pool's `ProofBytes`: uncompressed A (96) || B (192) || C (96), the Zcash
// encoding of `bls12_381` (zk_verifier::Proof::to_uncompressed_bytes), which is also
// @noble/curves' uncompressed encoding.
import { bls12_381 } from '@noble/curves/bls12-381';
import { randomBytes } from 'node:crypto';

export const PROOF_SIZE = 384;
const G1_SIZE = 96;
const G2_SIZE = 192;

const { Fr } = bls12_381.fields;

/** Points of a proof, decoded (and checked to be on the curve and in the subgroup). */
export function decodeProof(proof: Uint8Array) {
  if (proof.length !== PROOF_SIZE) throw new Error(`a proof is ${PROOF_SIZE} bytes, got ${proof.length}`);
  const a = bls12_381.G1.Point.fromBytes(proof.subarray(0, G1_SIZE));
  const b = bls12_381.G2.Point.fromBytes(proof.subarray(G1_SIZE, G1_SIZE + G2_SIZE));
  const c = bls12_381.G1.Point.fromBytes(proof.subarray(G1_SIZE + G2_SIZE));
  for (const point of [a, b, c]) point.assertValidity();
  return { a, b, c };
}

/** A uniformly random non-zero scalar. */
function randomScalar(): bigint {
  for (;;) {
    const r = Fr.create(BigInt(`0x${randomBytes(64).toString('hex')}`));
    if (r !== 0n) return r;
  }
}

/** (rA, r^-1 B, C) for a random r: new bytes, the same pairing e(A, B), still a valid proof. */
export function rerandomize(proof: Uint8Array, r: bigint = randomScalar()): Uint8Array {
  if (Fr.create(r) === 0n) throw new Error('r must be non-zero');
  const { a, b, c } = decodeProof(proof);
  const out = new Uint8Array(PROOF_SIZE);
  out.set(a.multiply(Fr.create(r)).toBytes(false), 0);
  out.set(b.multiply(Fr.inv(Fr.create(r))).toBytes(false), G1_SIZE);
  out.set(c.toBytes(false), G1_SIZE + G2_SIZE);
  return out;
}
