// The stamp code against the vectors beside the runtime's (zk-verifier/src/stamp.rs, computed
// with Python's hashlib.blake2b(digest_size=32, person=b"zkSettle.stamp")).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils';
import { mint, seed, work } from './stamp.js';

test('the stamp hashes match the runtime crate\'s vectors', () => {
  const s = seed(new Uint8Array());
  assert.equal(bytesToHex(s), '2eadf7a9d320ab9d81e8fa4e829c0361e1945c4a39ffc3333fccac8e42324c08');
  assert.equal(mint(s, 8), 822n);
  assert.equal(work(s, 822n), 9);
});
