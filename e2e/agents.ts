// The settlement agents against a real network (the zombienet collator; a dev node works too),
// killed and restarted mid-stream, with orders from this chain to itself (origin and destination
// are one chain, as in the settlement suite):
//   1. Two validators of security level 1 (dev validators 0 and 1; `zksettle-agent validator`,
//      checkpoint directories) start and announce their storage on-chain, each paid by its own
//      account; the relayer (`zksettle-agent relayer`, a database, metrics) is given no validator
//      and finds them from those announcements.
//   2. Alice opens 20 orders at level 1 in one batch: 12 to fill, 8 nobody fills (short deadline).
//   3. Bob fills 6; validator 0 and the relayer are SIGKILLed; Bob fills the other 6 while they
//      are down; both restart on their databases.
//   4. After the deadline the 8 are refunded on the destination in one batch, and the relayer is
//      SIGKILLed and restarted once more.
//   5. Every order ends exactly once (12 settled, 8 refund-attested), the escrow is back where it
//      was, the relayer's database and metrics owe nothing, and the chain lists each validator's
//      location once (the restarted validator found its own and did not announce again).
// The agent binary is $ZKSETTLE_AGENT_BIN, else $CARGO_TARGET_DIR/release/zksettle-agent.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { Agent, agentLogTails, freePort, metric, secretFile } from './lib/agent.js';
import { chainTime, check, fail, succeed, waitForChainTime } from './lib/chain.js';
import { ANVIL_KEYS, devValidators } from './lib/hyperlane.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const ZKS = 10n ** 12n;
const FAST = 1;

export async function agents(api: ApiPromise, log: (line: string) => void, endpoint: string): Promise<void> {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const [alice, bob, eve] = ['//Alice', '//Bob', '//Eve'].map((uri) => keyring.addFromUri(uri));
  const call = api.call as Any;
  const domain = (await api.query.settlement.localDomain() as Any).toNumber() as number;
  const hook = u8aToHex((await call.settlementApi.mailboxAddress()).toU8a());
  const settler = (await call.settlementApi.settlerAddress()).toU8a() as Uint8Array;
  const validators = devValidators().slice(0, 2);
  const escrowBefore = BigInt((await api.query.settlement.escrowTotal()).toString());

  // 1. The agents. Secrets in private files, as an operator keeps them.
  const dir = mkdtempSync(join(tmpdir(), 'zksettle-agents-'));
  const secret = (name: string, value: string): string => secretFile(dir, name, value);
  const locations = [0, 1].map((i) => `file://${join(dir, `checkpoints-${i}`)}`);
  const payers = ['//Charlie', '//Ferdie'];
  const [v0, v1] = [0, 1].map(
    (i) =>
      new Agent(
        `validator-${i}`,
        [
          'validator', '--url', endpoint, '--domain', String(domain), '--hook', hook, '--rpc', '127.0.0.1:0',
          '--key-file', secret(`v${i}.key`, ANVIL_KEYS[i]), '--db', join(dir, `validator-${i}.db`),
          '--checkpoint-dir', join(dir, `checkpoints-${i}`), '--suri-file', secret(`v${i}.suri`, payers[i]),
        ],
        {},
        join(dir, `validator-${i}.log`),
      ),
  );
  const metricsPort = await freePort();
  const relayerDb = join(dir, 'relayer.db.json');
  const relayer = new Agent(
    'relayer',
    [
      'relayer', '--origin', endpoint, '--destination', endpoint, '--allow-local-checkpoint-syncers',
      '--suri-file', secret('relayer.suri', '//Dave'), '--db', relayerDb, '--metrics', `127.0.0.1:${metricsPort}`,
    ],
    {},
    join(dir, 'relayer.log'),
  );
  for (const agent of [v0, v1, relayer]) agent.start();
  log(`agents started (logs in ${dir}); the relayer finds the validators from the chain`);

  try {
    // 2. Twenty orders in one batch: 8 expire a minute and a half out, 12 are filled.
    const input = 10n * ZKS;
    const output = 9n * ZKS;
    const quote = (await call.settlementApi.quote(FAST, domain)).unwrap().toBigInt() as bigint;
    const now = await chainTime(api);
    const expiresAt = now + 90;
    const recipient = keyring.addFromUri('//Ferdie').publicKey;
    const opens = Array.from({ length: 20 }, (_, i) =>
      api.tx.settlement.openOrder(input, domain, settler, output, recipient, i < 8 ? expiresAt : now + 3600, FAST, quote),
    );
    const opened = await succeed(api, api.tx.utility.batchAll(opens), alice);
    const orders = opened.records
      .filter(({ event }) => `${event.section}.${event.method}` === 'settlement.OrderOpened')
      .map(({ event }) => ({ id: (event.data as Any).orderId.toHex() as string, data: (event.data as Any).order }));
    check(orders.length === 20, `${orders.length} orders opened`);
    const [expiring, filled] = [orders.slice(0, 8), orders.slice(8)];
    log(`20 orders opened in #${opened.blockNumber}`);

    // 3. Fills, with validator 0 and the relayer killed halfway.
    const fill = (batch: typeof orders) => api.tx.utility.batchAll(batch.map((o) => api.tx.settlement.fillOrder(o.data, bob.publicKey)));
    await succeed(api, fill(filled.slice(0, 6)), bob);
    v0.kill();
    relayer.kill();
    log('6 filled; validator-0 and the relayer killed');
    await succeed(api, fill(filled.slice(6)), bob);
    v0.start();
    relayer.start();
    log('6 more filled while they were down; both restarted');

    // 4. Refunds on the destination after the deadline; the relayer killed once more.
    await waitForChainTime(api, expiresAt + 1, 300_000);
    const refunded = await succeed(api, api.tx.utility.batchAll(expiring.map((o) => api.tx.settlement.refundOrder(o.data))), eve);
    const lastLeaf = Math.max(
      ...refunded.records
        .filter(({ event }) => `${event.section}.${event.method}` === 'settlement.Dispatched')
        .map(({ event }) => (event.data as Any).leafIndex.toNumber() as number),
    );
    relayer.kill();
    relayer.start();
    log('8 refunded on the destination; the relayer killed and restarted again');

    // 5. Every order ends, exactly once, the right way.
    const deadline = Date.now() + 600_000;
    const outcomes = new Map<string, string>();
    while (outcomes.size < 20 && Date.now() < deadline) {
      for (const order of orders) {
        if (outcomes.has(order.id)) continue;
        const outcome = await call.settlementApi.orderOutcome(order.id);
        if (outcome.isSome) outcomes.set(order.id, outcome.unwrap().type as string);
      }
      if (outcomes.size < 20) await new Promise((r) => setTimeout(r, 3000));
    }
    for (const order of filled) check(outcomes.get(order.id) === 'Settled', `filled order ${order.id}: ${outcomes.get(order.id)}`);
    for (const order of expiring) {
      check(outcomes.get(order.id) === 'RefundAttested', `expired order ${order.id}: ${outcomes.get(order.id)}`);
    }
    for (const order of orders) check((await call.settlementApi.order(order.id)).isNone, `order ${order.id} still open`);
    const escrowAfter = BigInt((await api.query.settlement.escrowTotal()).toString());
    check(escrowAfter === escrowBefore, `escrow ${escrowAfter}, was ${escrowBefore}`);

    // The outcomes above are read at the best block; the relayer marks a delivery done once its
    // `process` is finalized, which on a relay-chain network lags by tens of seconds. And the
    // relayer just restarted may not have taken in the last messages yet (they were delivered by
    // its previous run): nothing is owed once it has seen the last leaf and owes none.
    let [latest, pending]: (number | undefined)[] = [undefined, undefined];
    const caughtUp = () => latest !== undefined && latest >= lastLeaf && pending === 0;
    for (let i = 0; i < 180 && !caughtUp(); i += 1) {
      latest = await metric(metricsPort, 'hyperlane_latest_tree_insertion_index');
      pending = await metric(metricsPort, 'hyperlane_submitter_queue_length');
      if (!caughtUp()) await new Promise((r) => setTimeout(r, 1000));
    }
    check(latest !== undefined && latest >= lastLeaf, `the relayer took in up to leaf ${latest}, not ${lastLeaf}`);
    check(pending === 0, `the relayer's pending gauge is ${pending}`);
    const owed = relayerOwes(relayerDb);
    check(owed.length === 0, `the relayer's database owes leaves ${JSON.stringify(owed)}`);
    const listed = (await call.settlementApi.announcedStorageLocations(validators.map((v) => v.address))) as Any;
    for (const i of [0, 1]) {
      const mine = listed[i].map((l: Any) => new TextDecoder().decode(l.toU8a(true)));
      check(JSON.stringify(mine) === JSON.stringify([locations[i]]), `validator ${i} announced ${JSON.stringify(mine)}`);
    }
    for (const agent of [v0, v1, relayer]) check(agent.running(), `${agent.name} exited (see ${dir})`);
    log('12 settled, 8 refund-attested, escrow restored, nothing owed; each location announced once');
  } catch (error) {
    agentLogTails(dir, ['validator-0', 'validator-1', 'relayer'], log);
    if (error instanceof Error) throw error;
    fail(String(error));
  } finally {
    for (const agent of [v0, v1, relayer]) agent.kill();
  }
}

/// The leaves a relayer's database owes: its snapshot with the journal beside it replayed (each
/// line `{ seq, change }`, applied when newer than the snapshot's `seq`), as `Db::read` does.
function relayerOwes(path: string): string[] {
  const db = JSON.parse(readFileSync(path, 'utf8'));
  const pending = new Set<string>(Object.keys(db.pending));
  let next: number = db.next;
  const journal = `${path}.journal`;
  const lines = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
  for (const text of lines) {
    let line: Any;
    try {
      line = JSON.parse(text);
    } catch {
      continue; // a torn last line: that change never happened
    }
    if (line.seq <= (db.seq ?? 0)) continue;
    const [kind, change] = Object.entries(line.change)[0] as [string, Any];
    if (kind === 'take_in') {
      for (const [leaf] of change.owed) if (leaf >= next && leaf < change.next) pending.add(String(leaf));
      next = Math.max(next, change.next);
    } else if (kind === 'done' || kind === 'give_up') {
      pending.delete(String(change.leaf));
    }
  }
  return [...pending];
}
