// The TypeScript Hyperlane bytes against upstream vectors (Hyperlane's Sealevel multisig-ism
// test data), so that the end-to-end tests sign what real validators sign.
// Run: npx tsx --test lib/hyperlane.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getBytes, hexlify, verifyMessage } from 'ethers';
import {
  announcementDigest,
  checkpointDigest,
  decodeMessage,
  devValidators,
  domainHash,
  encodeMessage,
  messageId,
  messageIdMetadata,
  signCheckpoint,
  type Checkpoint,
  type Message,
} from './hyperlane.js';

const sealevelMessage: Message = {
  version: 3,
  nonce: 69,
  origin: 1234,
  sender: new Uint8Array(32).fill(0xaf),
  destination: 4321,
  recipient: new Uint8Array(32).fill(0xbe),
  body: Uint8Array.from({ length: 10 }, (_, i) => i),
};
const sealevelCheckpoint = (): Checkpoint => ({
  origin: 1234,
  merkleTreeHook: new Uint8Array(32).fill(0xab),
  root: new Uint8Array(32).fill(0xcd),
  index: 70,
  messageId: messageId(encodeMessage(sealevelMessage)),
});
const upstreamValidators = [
  '0xe3dcdbbc248ce191bdc271f3fccd0d95911bfc5d',
  '0xb25206874c24733f05cc0dd11924724a8e7175bd',
  '0x28b8d0e2bbfede9071f8ff3dac9cce3d3176dbd3',
];
const upstreamSignatures = [
  '0x081d398e1452ae12267f63f224d3037b4bb3f496cb55c14a2076c5e27ed944ad6d8e10d3164bc13b5820846a3f19e013e1c551b67a3c863882f7b951acdab96d1c',
  '0x0c189e25dea6bb93292af16fd0516f3adc8a19556714c0b8d624016175bebcba7a5fe8218dad6fc86faeb8104fad8390ccdec989d992e852553ea6b61fbb2eda1b',
  '0x5493449e8a09c1105195ecf913997de51bd50926a075ad98fe3e845e0a11126b5212a2cd1afdd35a44322146d31f8fa3d179d8a9822637d8db0e2fa8b3d292421b',
];

test('message bytes round-trip, 77-byte header', () => {
  const bytes = encodeMessage(sealevelMessage);
  assert.equal(bytes.length, 77 + 10);
  assert.deepEqual(decodeMessage(bytes), sealevelMessage);
  assert.throws(() => decodeMessage(bytes.slice(0, 76)));
});

test('domain hash and signing hash of the upstream checkpoint', () => {
  const checkpoint = sealevelCheckpoint();
  assert.equal(domainHash(1234, checkpoint.merkleTreeHook), '0x3cba759c9d95a03f5755357ca95fdbc90828f6b21a1f56ffbcf49866b4bdedde');
  assert.equal(checkpointDigest(checkpoint), '0x3fd308215a20af20b137372f8a69fd336ebf93d57d4076a7c46e13f315255257');
});

test('upstream validator signatures recover to the upstream validators', () => {
  const digest = getBytes(checkpointDigest(sealevelCheckpoint()));
  upstreamSignatures.forEach((signature, i) => assert.equal(verifyMessage(digest, signature).toLowerCase(), upstreamValidators[i]));
});

test('dev validators are the Anvil accounts, and sign as validators do', async () => {
  const addresses = devValidators().map((w) => w.address);
  assert.deepEqual(addresses, [
    '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  ]);
  const checkpoint = sealevelCheckpoint();
  const signature = await signCheckpoint(devValidators()[0], checkpoint);
  assert.equal(signature.length, 65);
  assert.ok(signature[64] === 27 || signature[64] === 28);
  assert.equal(verifyMessage(getBytes(checkpointDigest(checkpoint)), hexlify(signature)), addresses[0]);
  const metadata = messageIdMetadata(checkpoint, [signature, signature]);
  assert.equal(metadata.length, 68 + 2 * 65);
  assert.equal(hexlify(metadata.slice(64, 68)), '0x00000046');
});

test('a validator announcement: digest and signature (agent/src/signer.rs pins the same values)', async () => {
  const location = 'file:///var/lib/zksettle/v0';
  const digest = announcementDigest(1000001, new Uint8Array(32).fill(7), location);
  assert.equal(digest, '0x347a4ab63e2fc1ec7fbf97053781498e549574045441811289d5f0a634eec719');
  const signature = await devValidators()[0].signMessage(getBytes(digest));
  assert.equal(
    signature,
    '0xa8a6ce383f5842b2a1e4bd43391e3e411554c6ad014725ee48986efb73d3c574520ac1d777d0e2d52b603e59c63290591e677381f7e637221296425a52bb55351b',
  );
  assert.equal(verifyMessage(getBytes(digest), signature), devValidators()[0].address);
});
