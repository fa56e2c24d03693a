// What every end-to-end suite needs from a chain: a connection, signing and inclusion, events
// and typed errors of one extrinsic, the chain's clock.
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { EventRecord, ExtrinsicEra } from '@polkadot/types/interfaces';

export class Failure extends Error {}

export function fail(message: string): never {
  throw new Failure(message);
}

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

export async function connect(endpoint: string): Promise<ApiPromise> {
  const api = await ApiPromise.create({ provider: new WsProvider(endpoint), noInitWarn: true, throwOnConnect: true });
  await api.isReady;
  return api;
}

/** The outcome of one extrinsic, read from the block that holds it. */
export interface Included {
  blockHash: string;
  blockNumber: number;
  /** Its events, in order. */
  records: EventRecord[];
  /** `section.method` of each event. */
  events: string[];
  /** `section.Error` of a failed dispatch, `undefined` on success. */
  error?: string;
  /** The fee paid (`TransactionFeePaid`), 0 for unsigned transactions. */
  fee: bigint;
}

/**
 * Sign and submit `tx`, then find it in new blocks and read its events there. The status
 * subscription of `author_submitAndWatchExtrinsic` does not report `InBlock` under the dev
 * node's manual seal, so this looks at the blocks themselves, as an explorer does; it works the
 * same on a relay-chain network.
 */
export async function submit(
  api: ApiPromise,
  tx: SubmittableExtrinsic<'promise'>,
  signer?: KeyringPair,
  timeoutMs = 90_000,
): Promise<Included> {
  let txHash = '';
  // Heads that arrive while the submission is under way are kept and searched once the hash is
  // known: a fast block author may include the extrinsic before `send` returns.
  const early: string[] = [];
  let look: (blockHash: string) => void = (blockHash) => early.push(blockHash);
  let unsubscribe: (() => void) | undefined;
  let txHashKnown = (): void => {};
  const found = new Promise<Included>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure(`extrinsic ${txHash} not included within ${timeoutMs} ms`)), timeoutMs);
    // A new best head may skip blocks: a parachain collator imports a block as a fork and makes
    // it best only once a child extends it. So each head is searched with its ancestors back
    // to the blocks already searched.
    const searched = new Set<string>();
    const search = async (head: string): Promise<void> => {
      let blockHash = head;
      for (let depth = 0; depth < 16 && !searched.has(blockHash); depth += 1) {
        searched.add(blockHash);
        const block = await api.rpc.chain.getBlock(blockHash);
        const index = block.block.extrinsics.findIndex((xt) => xt.hash.toHex() === txHash);
        if (index >= 0) {
          clearTimeout(timer);
          const all = await (await api.at(blockHash)).query.system.events();
          const records = all.filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === index);
          resolve({ blockHash, blockNumber: block.block.header.number.toNumber(), records, ...outcome(api, records) });
          return;
        }
        if (block.block.header.number.toNumber() === 0) return;
        blockHash = block.block.header.parentHash.toHex();
      }
    };
    api.rpc.chain
      .subscribeNewHeads((header) => look(header.hash.toHex()))
      .then((u) => {
        unsubscribe = u;
      })
      .catch(reject);
    txHashKnown = () => {
      look = (blockHash) => void search(blockHash).catch(reject);
      early.splice(0).forEach(look);
    };
  });
  try {
    txHash = (signer ? await tx.signAndSend(signer, await finalAnchor(api)) : await tx.send()).toHex();
    txHashKnown();
    return await found;
  } finally {
    unsubscribe?.();
  }
}

/**
 * Signing options that anchor a transaction's mortality at the finalized block. The default
 * anchor, the best block, may be a fork the chain abandons (a parachain's collator builds on
 * several relay parents); a transaction born there is invalid on the chain that wins, and the
 * pool drops it without a word.
 */
async function finalAnchor(api: ApiPromise): Promise<{ blockHash: string; era: ExtrinsicEra }> {
  const blockHash = await api.rpc.chain.getFinalizedHead();
  const header = await api.rpc.chain.getHeader(blockHash);
  const era = api.registry.createType('ExtrinsicEra', { current: header.number.toNumber(), period: 256 });
  return { blockHash: blockHash.toHex(), era };
}

/** Events, typed error and fee of one extrinsic's event records. */
function outcome(api: ApiPromise, records: EventRecord[]): Pick<Included, 'events' | 'error' | 'fee'> {
  const events = records.map(({ event }) => `${event.section}.${event.method}`);
  let error: string | undefined;
  let fee = 0n;
  for (const { event } of records) {
    if (api.events.system.ExtrinsicFailed.is(event)) {
      const dispatchError = event.data.dispatchError;
      if (dispatchError.isModule) {
        const meta = api.registry.findMetaError(dispatchError.asModule);
        error = `${meta.section}.${meta.name}`;
      } else {
        error = dispatchError.type;
      }
    }
    if (api.events.transactionPayment.TransactionFeePaid.is(event)) fee = event.data.actualFee.toBigInt();
  }
  return { events, error, fee };
}

/** Like `submit`, but the dispatch must succeed. */
export async function succeed(
  api: ApiPromise,
  tx: SubmittableExtrinsic<'promise'>,
  signer?: KeyringPair,
): Promise<Included> {
  const included = await submit(api, tx, signer);
  if (included.error) fail(`${tx.method.section}.${tx.method.method} failed: ${included.error}`);
  return included;
}

/** The event `section.method` of an included extrinsic, which must be there. */
export function event(included: Included, name: string): EventRecord['event'] {
  const record = included.records.find(({ event }) => `${event.section}.${event.method}` === name);
  if (!record) fail(`no ${name} event (got ${included.events.join(' ')})`);
  return record.event;
}

/** The chain's clock (`pallet_timestamp::Now`) in Unix seconds. */
export async function chainTime(api: ApiPromise): Promise<number> {
  return Math.floor((await api.query.timestamp.now()).toNumber() / 1000);
}

/** Wait until the chain's clock is past `unixSeconds`. */
export async function waitForChainTime(api: ApiPromise, unixSeconds: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await chainTime(api)) <= unixSeconds) {
    if (Date.now() > deadline) fail(`chain time did not pass ${unixSeconds} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** `count` new heads, in the order they arrive. */
export async function nextBlocks(api: ApiPromise, count: number, timeoutMs: number): Promise<number[]> {
  const seen: number[] = [];
  let unsubscribe: (() => void) | undefined;
  try {
    return await new Promise<number[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Failure(`no ${count} new blocks within ${timeoutMs} ms (saw ${seen.length})`)), timeoutMs);
      api.rpc.chain
        .subscribeNewHeads((header) => {
          seen.push(header.number.toNumber());
          if (seen.length > count) {
            clearTimeout(timer);
            resolve(seen);
          }
        })
        .then((u) => {
          unsubscribe = u;
        })
        .catch(reject);
    });
  } finally {
    unsubscribe?.();
  }
}

/**
 * The hash of a finalized block at least as high as the best block now: a block whose state a
 * later query can still read. (A best block may be a fork the chain abandons; a node discards an
 * abandoned fork's state once finality passes it, as parachain collators do within seconds.)
 */
export async function finalizedAtBest(api: ApiPromise, timeoutMs: number): Promise<string> {
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hash = await api.rpc.chain.getFinalizedHead();
    const finalized = (await api.rpc.chain.getHeader(hash)).number.toNumber();
    if (finalized >= best) return hash.toHex();
    if (Date.now() > deadline) throw new Failure(`finality stayed at #${finalized}, below #${best}, for ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export function free(api: ApiPromise, address: string, at?: string): Promise<bigint> {
  const query = at ? api.query.system.account.at(at, address) : api.query.system.account(address);
  return query.then((account) => account.data.free.toBigInt());
}

export function reserved(api: ApiPromise, address: string, at?: string): Promise<bigint> {
  const query = at ? api.query.system.account.at(at, address) : api.query.system.account(address);
  return query.then((account) => account.data.reserved.toBigInt());
}

/** Poll `read` until `done` holds of it (blocks on several chains, XCM in between). */
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Failure(`${what}: still ${String(value)} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** An event found in a block, with the block's timestamp (ms, `pallet_timestamp::Now`). */
export interface Found {
  blockHash: string;
  blockNumber: number;
  record: EventRecord;
  /** `section.method` of the event. */
  name: string;
  timestamp: number;
}

/** The timestamp (ms) of block `blockHash`. */
export async function blockTime(api: ApiPromise, blockHash: string): Promise<number> {
  return ((await api.query.timestamp.now.at(blockHash)) as unknown as { toNumber(): number }).toNumber();
}

/**
 * The first event that `match` accepts in the best chain's blocks numbered `from` and above,
 * waiting for new blocks until `timeoutMs`. Finds events of any phase: those of messages a chain
 * takes in from its relay chain or siblings are emitted outside any extrinsic.
 */
export async function findEvent(
  api: ApiPromise,
  from: number,
  what: string,
  match: (record: EventRecord) => boolean,
  timeoutMs = 180_000,
): Promise<Found> {
  const deadline = Date.now() + timeoutMs;
  let next = from;
  for (;;) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    try {
      for (; next <= best; next += 1) {
        const blockHash = (await api.rpc.chain.getBlockHash(next)).toHex();
        const records = (await (await api.at(blockHash)).query.system.events()) as unknown as EventRecord[];
        const record = records.find(match);
        if (record) {
          const name = `${record.event.section}.${record.event.method}`;
          return { blockHash, blockNumber: next, record, name, timestamp: await blockTime(api, blockHash) };
        }
      }
    } catch {
      // The block at `next` was replaced by a reorganisation while it was read (its state is
      // gone): read that height again from the chain as it now is.
    }
    if (Date.now() > deadline) throw new Failure(`${what}: not in blocks #${from}..#${best} (${timeoutMs / 1000} s)`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** The best block's number. */
export async function bestNumber(api: ApiPromise): Promise<number> {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}
