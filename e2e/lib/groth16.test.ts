// The malleated proofs the e2e double-spend test submits are valid proofs: same pairing, new bytes.
// Run: npx tsx --test lib/groth16.test.ts
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { bls12_381 } from '@noble/curves/bls12-381';
import { compactFromU8a } from '@polkadot/util';
import { PROOF_SIZE, decodeProof, rerandomize } from './groth16.js';

const { G1, G2, fields, pairing } = bls12_381;

/** A proof-shaped triple of fixed group elements (the pairing identity holds for any A, B). */
function sample(): Uint8Array {
  const [a, b, c] = [11n, 22n, 33n].map((k) => fields.Fr.create(k * 0x1234_5678_9abc_def1n));
  const out = new Uint8Array(PROOF_SIZE);
  out.set(G1.Point.BASE.multiply(a).toBytes(false), 0);
  out.set(G2.Point.BASE.multiply(b).toBytes(false), 96);
  out.set(G1.Point.BASE.multiply(c).toBytes(false), 288);
  return out;
}

test('rerandomized proofs keep e(A, B) and C, and change the bytes', () => {
  for (const proof of [sample(), fixtureProof()]) {
    const before = decodeProof(proof);
    const malleated = rerandomize(proof);
    assert.notDeepEqual(malleated, proof);
    const after = decodeProof(malleated);
    assert.ok(fields.Fp12.eql(pairing(after.a, after.b), pairing(before.a, before.b)));
    assert.ok(after.c.equals(before.c));
    assert.ok(!after.a.equals(before.a) && !after.b.equals(before.b));
  }
});

test('r = 1 is the identity, r = 0 is refused', () => {
  const proof = sample();
  assert.deepEqual(rerandomize(proof, 1n), proof);
  assert.throws(() => rerandomize(proof, 0n), /non-zero/);
});

test('malformed proofs are refused', () => {
  assert.throws(() => rerandomize(new Uint8Array(383)), /384 bytes/);
  const bad = sample();
  bad[1] ^= 0xff; // A no longer decodes to a point of the subgroup
  assert.throws(() => rerandomize(bad));
});

/** Real proofs of the transfer circuit, made by the Rust prover: the shielded pool's benchmark
 *  fixtures (SCALE: verifying key bytes, leaves, then transactions of proof [u8; 384], root,
 *  2 nullifiers, 2 commitments, i128 ext_amount, 2 encrypted notes; then two more transactions,
 *  the unsigned unshield and the unshield of a local asset). */
function fixtureProofs(): Uint8Array[] {
  const file = readFileSync(new URL('../../pallets/shielded-pool/fixtures/benchmarks.scale', import.meta.url));
  let offset = 0;
  const compact = (): number => {
    const [length, value] = compactFromU8a(file.subarray(offset));
    offset += length;
    return value.toNumber();
  };
  const skip = (n: number) => {
    offset += n;
  };
  skip(compact()); // the verifying key
  skip(32 * compact()); // leaves
  const proofs: Uint8Array[] = [];
  const transaction = () => {
    proofs.push(Uint8Array.from(file.subarray(offset, offset + PROOF_SIZE)));
    skip(PROOF_SIZE + 32 + 2 * 32 + 2 * 32 + 16);
    skip(compact());
    skip(compact());
  };
  for (let count = compact(); count > 0; count--) transaction();
  transaction(); // the unsigned unshield
  transaction(); // the unshield of local asset 0
  assert.equal(offset, file.length, 'the fixture file did not parse to its end');
  assert.ok(proofs.length > 0, 'no transactions in the pool fixtures');
  return proofs;
}

/** The first fixture proof. */
function fixtureProof(): Uint8Array {
  return fixtureProofs()[0];
}

test("the Rust prover's proofs decode and re-encode to the same bytes (r = 1)", () => {
  for (const proof of fixtureProofs()) assert.deepEqual(rerandomize(proof, 1n), proof);
});
