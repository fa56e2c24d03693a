// Hyperlane's bytes, written independently of the pallet with ethers, as a Hyperlane validator
// and relayer make them: the v3 message (`Message.sol`), the checkpoint a validator signs
// (`CheckpointLib.sol`, EIP-191 over the digest) and message-id multisig metadata
// (`MessageIdMultisigIsmMetadata.sol`).
import { Signature, Wallet, concat, getBytes, hexlify, keccak256, toBeHex, toUtf8Bytes, zeroPadValue } from 'ethers';

export const VERSION = 3;

export interface Message {
  version: number;
  nonce: number;
  origin: number;
  sender: Uint8Array;
  destination: number;
  recipient: Uint8Array;
  body: Uint8Array;
}

const u32 = (n: number): Uint8Array => getBytes(zeroPadValue(toBeHex(n), 4));

export function encodeMessage(m: Message): Uint8Array {
  return getBytes(concat([new Uint8Array([m.version]), u32(m.nonce), u32(m.origin), m.sender, u32(m.destination), m.recipient, m.body]));
}

export function decodeMessage(bytes: Uint8Array): Message {
  if (bytes.length < 77) throw new Error(`a message has a 77-byte header, got ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    version: bytes[0],
    nonce: view.getUint32(1),
    origin: view.getUint32(5),
    sender: bytes.slice(9, 41),
    destination: view.getUint32(41),
    recipient: bytes.slice(45, 77),
    body: bytes.slice(77),
  };
}

/** `keccak256(message)`. */
export function messageId(bytes: Uint8Array): string {
  return keccak256(bytes);
}

export interface Checkpoint {
  origin: number;
  merkleTreeHook: Uint8Array;
  root: Uint8Array;
  index: number;
  messageId: string;
}

/** `keccak256(origin ‖ merkleTreeHook ‖ "HYPERLANE")`. */
export function domainHash(origin: number, merkleTreeHook: Uint8Array): string {
  return keccak256(concat([u32(origin), merkleTreeHook, toUtf8Bytes('HYPERLANE')]));
}

/** `keccak256(domainHash ‖ root ‖ index ‖ messageId)`: what a validator signs (EIP-191). */
export function checkpointDigest(c: Checkpoint): string {
  return keccak256(concat([domainHash(c.origin, c.merkleTreeHook), c.root, u32(c.index), c.messageId]));
}

/**
 * `keccak256(keccak256(domain ‖ mailbox ‖ "HYPERLANE_ANNOUNCEMENT") ‖ storageLocation)`: what a
 * validator signs (EIP-191) to announce where its checkpoints are (`ValidatorAnnounce.sol`).
 */
export function announcementDigest(domain: number, mailbox: Uint8Array, storageLocation: string): string {
  const announcementDomain = keccak256(concat([u32(domain), mailbox, toUtf8Bytes('HYPERLANE_ANNOUNCEMENT')]));
  return keccak256(concat([announcementDomain, toUtf8Bytes(storageLocation)]));
}

/** A validator's 65-byte signature `r ‖ s ‖ v` (v 27/28) of a checkpoint. */
export async function signCheckpoint(validator: Wallet, c: Checkpoint): Promise<Uint8Array> {
  const signature = await validator.signMessage(getBytes(checkpointDigest(c)));
  return getBytes(Signature.from(signature).serialized);
}

/** `merkleTreeHook ‖ root ‖ index ‖ signatures`, signatures in the validator set's order. */
export function messageIdMetadata(c: Checkpoint, signatures: Uint8Array[]): Uint8Array {
  return getBytes(concat([c.merkleTreeHook, c.root, u32(c.index), ...signatures]));
}

/** The fill message the destination's settler sends: `0x01 ‖ order id ‖ solver`. */
export function decodeFill(body: Uint8Array): { orderId: string; solver: Uint8Array } {
  if (body.length !== 65 || body[0] !== 1) throw new Error('not a fill message');
  return { orderId: hexlify(body.slice(1, 33)), solver: body.slice(33) };
}

/** The first accounts of Foundry's Anvil test mnemonic: the dev validators of zkSettle's presets. */
export const ANVIL_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
] as const;

export const devValidators = (): Wallet[] => ANVIL_KEYS.map((key) => new Wallet(key));

/** What a relayer submits for a message `settlement.Dispatched` announced (the event's fields as
 *  @polkadot/api decodes them): the message, and message-id multisig metadata over the checkpoint
 *  at its leaf, signed by `signers` in the set's order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function attest(dispatched: any, origin: number, hook: Uint8Array, signers: Wallet[]): Promise<{
  message: Uint8Array;
  metadata: Uint8Array;
  checkpoint: Checkpoint;
}> {
  const message = dispatched.message.toU8a(true) as Uint8Array;
  const checkpoint: Checkpoint = {
    origin,
    merkleTreeHook: hook,
    root: getBytes(dispatched.root.toHex()),
    index: dispatched.leafIndex.toNumber(),
    messageId: dispatched.id.toHex(),
  };
  const signatures = await Promise.all(signers.map((v) => signCheckpoint(v, checkpoint)));
  return { message, metadata: messageIdMetadata(checkpoint, signatures), checkpoint };
}
