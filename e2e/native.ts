// The settlement pallet's native level between two zkSettle parachains of one relay chain
// (zombienet/network-native.toml: A = para 2042, B = para 2043, each its own Hyperlane domain),
// as governance, users, solvers, agents and attackers meet it:
//   0. The relay chain's governance opens HRMP channels both ways; governance on each chain
//      routes the other's domain to its parachain (`set_native_route`)
//      and enrolls its settler; on A it adds two security levels: NATIVE (`Ism::Native`, B's
//      parachain) and DEFENSE (aggregation, 2 of 2: NATIVE and the fast multisig). A quotes
//      NATIVE at 0 for B's domain, and for no other.
//   1. No agent running: Alice opens orders on A for B under NATIVE; Bob fills each on B, paying
//      its XCM delivery; A settles it when the XCMP message arrives, outside any extrinsic (no
//      relayer). Fill to settlement measured on the chains' clocks.
//   2. Agents (validators 0 and 1 of B's mailbox, a relayer B → A): an order under DEFENSE settles
//      only once the relay chain's attestation and the validators' signatures are both there;
//      orders under the fast multisig level alone settle through the relayer (measured too).
//   3. Forgeries of a fill for an open order on A: sent by the relay chain (BadOrigin), by B for a
//      domain that is not its own (NotNativeSource), by a local account (BadOrigin). The first two
//      run in A's XCM executor, which checks the exact dispatch error (`ExpectTransactStatus`); a
//      control expecting success fails there. The order is untouched.
//   4. The relay chain closes B's channels (`hrmp.force_clean_hrmp`): Bob's fill of that order
//      fails whole (NativeUnroutable), it stays open on A and unfilled on B, A stops quoting
//      NATIVE; the channels reopen and the same fill settles it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { EventRecord } from '@polkadot/types/interfaces';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { Agent, agentLogTails, freePort, secretFile } from './lib/agent.js';
import { bestNumber, blockTime, chainTime, check, connect, event, fail, findEvent, free, submit, succeed, until } from './lib/chain.js';
import { ANVIL_KEYS, VERSION, encodeMessage, messageId } from './lib/hyperlane.js';
import { paraSovereign } from './lib/relay-token.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const ZKS = 10n ** 12n;
/** Security levels: the presets' fast multisig, and the two governance adds here. */
const FAST = 1;
const NATIVE = 11;
const DEFENSE = 12;
/** Orders timed per level. */
const TIMED = 3;
const CHANNEL = { maxCapacity: 8, maxMessageSize: 65_536 };

/** One zkSettle chain of the network. */
interface Chain {
  api: ApiPromise;
  para: number;
  domain: number;
  settler: Uint8Array;
  hook: string;
  settlementIndex: number;
}

async function chain(api: ApiPromise): Promise<Chain> {
  const call = api.call as Any;
  const pallet = api.runtimeMetadata.asLatest.pallets.find((p) => p.name.toString() === 'Settlement');
  if (!pallet) fail('no Settlement pallet in the metadata');
  return {
    api,
    para: ((await api.query.parachainInfo.parachainId()) as Any).toNumber(),
    domain: ((await api.query.settlement.localDomain()) as Any).toNumber(),
    settler: (await call.settlementApi.settlerAddress()).toU8a(),
    hook: u8aToHex((await call.settlementApi.mailboxAddress()).toU8a()),
    settlementIndex: pallet.index.toNumber(),
  };
}

/** `call` as root through sudo; the inner dispatch must succeed (sudo reports it in `Sudid`). */
async function sudo(api: ApiPromise, call: SubmittableExtrinsic<'promise'>, root: KeyringPair): Promise<void> {
  const included = await succeed(api, api.tx.sudo.sudo(call), root);
  const result = (event(included, 'sudo.Sudid').data as Any).sudoResult;
  if (result.isErr) {
    const error = result.asErr;
    const name = error.isModule ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(error.asModule)) : error.type;
    fail(`sudo ${call.method.section}.${call.method.method}: ${name}`);
  }
}

/** The parachains `api`'s chain has channels from (ingress) and to (egress), as it last saw them. */
async function channels(api: ApiPromise): Promise<{ ingress: number[]; egress: number[] }> {
  const state = (await api.query.parachainSystem.relevantMessagingState()) as Any;
  if (state.isNone) return { ingress: [], egress: [] };
  const paras = (list: Any) => list.map(([para]: Any) => para.toNumber() as number);
  return { ingress: paras(state.unwrap().ingressChannels), egress: paras(state.unwrap().egressChannels) };
}

/** Wait until `chain` sees its channels with `other` open both ways (or both closed). */
async function channelsBecome(chain: Chain, other: number, open: boolean): Promise<void> {
  await until(
    `para ${chain.para}'s channels with ${other} ${open ? 'open' : 'closed'}`,
    () => channels(chain.api),
    ({ ingress, egress }) => ingress.includes(other) === open && egress.includes(other) === open,
  );
}

const named = (record: EventRecord, name: string) => `${record.event.section}.${record.event.method}` === name;

export async function native(
  api: ApiPromise,
  log: (line: string) => void,
  endpoint: string,
  relayEndpoint?: string,
  siblingEndpoint?: string,
): Promise<void> {
  check(relayEndpoint !== undefined && siblingEndpoint !== undefined, 'the native suite needs --relay and --sibling');
  const relay = await connect(relayEndpoint);
  const siblingApi = await connect(siblingEndpoint);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const [alice, bob, eve] = ['//Alice', '//Bob', '//Eve'].map((uri) => keyring.addFromUri(uri));
  const dir = mkdtempSync(join(tmpdir(), 'zksettle-native-'));
  let agents: Agent[] = [];
  try {
    const [a, b] = [await chain(api), await chain(siblingApi)];
    check(a.domain !== b.domain && a.para !== b.para, `A and B share a domain (${a.domain}) or a para id (${a.para})`);
    const callA = api.call as Any;

    // 0. Governance: the relay chain opens channels both ways (funding both parachains'
    //    sovereign accounts for any deposit the relay asks), then each chain routes the other.
    const openChannels = async (): Promise<void> => {
      await sudo(relay, relay.tx.utility.batchAll([
        relay.tx.balances.forceSetBalance(u8aToHex(paraSovereign(a.para)), 1_000n * ZKS),
        relay.tx.balances.forceSetBalance(u8aToHex(paraSovereign(b.para)), 1_000n * ZKS),
        relay.tx.hrmp.forceOpenHrmpChannel(b.para, a.para, CHANNEL.maxCapacity, CHANNEL.maxMessageSize),
        relay.tx.hrmp.forceOpenHrmpChannel(a.para, b.para, CHANNEL.maxCapacity, CHANNEL.maxMessageSize),
        relay.tx.hrmp.forceProcessHrmpOpen(2),
      ]), alice);
      await channelsBecome(a, b.para, true);
      await channelsBecome(b, a.para, true);
    };
    const route = (to: Chain) => ({ para: to.para, palletIndex: to.settlementIndex });
    await sudo(api, api.tx.utility.batchAll([
      api.tx.settlement.enrollSettler(b.domain, u8aToHex(b.settler)),
      api.tx.settlement.setNativeRoute(b.domain, route(b)),
      api.tx.settlement.setIsm(NATIVE, { Native: { para: b.para } }),
      api.tx.settlement.setIsm(DEFENSE, { Aggregation: { modules: [NATIVE, FAST], threshold: 2 } }),
    ]), alice);
    await sudo(siblingApi, siblingApi.tx.utility.batchAll([
      siblingApi.tx.settlement.enrollSettler(a.domain, u8aToHex(a.settler)),
      siblingApi.tx.settlement.setNativeRoute(a.domain, route(a)),
    ]), alice);
    await openChannels();
    const quote = async (ism: number, domain: number): Promise<bigint | undefined> => {
      const q = await callA.settlementApi.quote(ism, domain);
      return q.isSome ? (q.unwrap().toBigInt() as bigint) : undefined;
    };
    check((await quote(NATIVE, b.domain)) === 0n, `A quotes NATIVE for B at ${await quote(NATIVE, b.domain)}`);
    check((await quote(NATIVE, a.domain)) === undefined, 'A quotes NATIVE for its own domain');
    log(`A: para ${a.para}, domain ${a.domain}; B: para ${b.para}, domain ${b.domain}; routes set, NATIVE quoted 0 for B only`);

    const input = 10n * ZKS;
    const output = 9n * ZKS;
    const open = async (ism: number, count: number, deadlineIn = 1_800) => {
      const fee = await quote(ism, b.domain);
      if (fee === undefined) fail(`A does not quote level ${ism} for domain ${b.domain}`);
      const recipient = keyring.addFromMnemonic(mnemonicGenerate()).publicKey;
      const deadline = (await chainTime(api)) + deadlineIn;
      const opens = Array.from({ length: count }, () =>
        api.tx.settlement.openOrder(input, b.domain, u8aToHex(b.settler), output, recipient, deadline, ism, fee),
      );
      const opened = await succeed(api, api.tx.utility.batchAll(opens), alice);
      return opened.records
        .filter((r) => named(r, 'settlement.OrderOpened'))
        .map(({ event }) => ({ id: (event.data as Any).orderId.toHex() as string, data: (event.data as Any).order.toU8a() as Uint8Array }));
    };
    type Order = Awaited<ReturnType<typeof open>>[number];
    const settledOnA = (order: Order) => (r: EventRecord) =>
      named(r, 'settlement.OrderSettled') && (r.event.data as Any).orderId.toHex() === order.id;
    /** Bob fills `order` on B; the time until A settles it, on the chains' clocks (ms). */
    const fillAndSettle = async (order: Order, what: string) => {
      const fromA = await bestNumber(api);
      const filled = await succeed(siblingApi, siblingApi.tx.settlement.fillOrder(order.data, bob.publicKey), bob);
      const sent = (event(filled, 'settlement.NativeSent').data as Any);
      const messageId = (event(filled, 'settlement.OrderFilled').data as Any).messageId.toHex() as string;
      const settled = await findEvent(api, fromA, `${what}: order ${order.id} settled on A`, settledOnA(order), 300_000);
      const data = settled.record.event.data as Any;
      check(data.amount.toBigInt() === input && data.solver.toString() === bob.address, `${what}: OrderSettled ${data}`);
      // The fill's block as B's chain now has it at that height (the block `submit` saw may
      // have been a fork since discarded).
      const fillHash = (await siblingApi.rpc.chain.getBlockHash(filled.blockNumber)).toHex();
      const ms = settled.timestamp - (await blockTime(siblingApi, fillHash));
      return { filled, settled, messageId, ms, deliveryFee: sent.fee.toBigInt() as bigint };
    };
    const spread = (ms: number[]) => {
      const s = [...ms].sort((x, y) => x - y);
      return `min ${s[0] / 1000} s, median ${s[Math.floor(s.length / 2)] / 1000} s, max ${s[s.length - 1] / 1000} s`;
    };

    // 1. Native, no agent.
    const nativeTimes: number[] = [];
    for (const order of await open(NATIVE, TIMED)) {
      const { settled, ms, deliveryFee, filled } = await fillAndSettle(order, 'native');
      check(!settled.record.phase.isApplyExtrinsic, 'a native settlement came in an extrinsic (a relayer?)');
      const received = (await (await api.at(settled.blockHash)).query.system.events() as unknown as EventRecord[])
        .find((r) => named(r, 'settlement.NativeReceived'));
      check(received !== undefined && (received.event.data as Any).delivered.isTrue, 'no NativeReceived { delivered: true } beside the settlement');
      check(deliveryFee > 0n, 'the XCM delivery was free');
      nativeTimes.push(ms);
      log(`native: filled in B #${filled.blockNumber} (Bob paid ${deliveryFee} for the XCM), settled in A #${settled.blockNumber}, ${ms / 1000} s`);
    }
    log(`native level, fill to settlement over ${TIMED} orders: ${spread(nativeTimes)}`);

    // 2. Agents: validators of B's mailbox, a relayer from B to A.
    const metricsPort = await freePort();
    const payers = ['//Charlie', '//Ferdie'];
    agents = [0, 1].map((i) => new Agent(`validator-${i}`, [
      'validator', '--url', siblingEndpoint, '--domain', String(b.domain), '--hook', b.hook, '--rpc', '127.0.0.1:0',
      '--key-file', secretFile(dir, `v${i}.key`, ANVIL_KEYS[i]), '--db', join(dir, `validator-${i}.db`),
      '--checkpoint-dir', join(dir, `checkpoints-${i}`), '--suri-file', secretFile(dir, `v${i}.suri`, payers[i]),
    ], {}, join(dir, `validator-${i}.log`)));
    agents.push(new Agent('relayer', [
      'relayer', '--origin', siblingEndpoint, '--destination', endpoint,
      '--allow-local-checkpoint-syncers', '--suri-file', secretFile(dir, 'relayer.suri', '//Dave'),
      '--db', join(dir, 'relayer.db.json'), '--metrics', `127.0.0.1:${metricsPort}`,
    ], {}, join(dir, 'relayer.log')));
    for (const agent of agents) agent.start();
    log(`agents started (logs in ${dir})`);

    const [defended] = await open(DEFENSE, 1);
    const fromA = await bestNumber(api);
    const d = await fillAndSettle(defended, 'defense');
    const attested = await findEvent(api, fromA, 'the attestation of the defended fill', (r) =>
      named(r, 'settlement.NativeReceived') && (r.event.data as Any).id.toHex() === d.messageId, 10_000);
    check((attested.record.event.data as Any).delivered.isFalse, 'the native attestation alone delivered a DEFENSE message');
    check(attested.blockNumber <= d.settled.blockNumber && d.settled.record.phase.isApplyExtrinsic, 'DEFENSE settled without the relayer');
    const processed = (await (await api.at(d.settled.blockHash)).query.system.events() as unknown as EventRecord[])
      .find((r) => named(r, 'settlement.Processed') && (r.event.data as Any).id.toHex() === d.messageId);
    check(processed !== undefined && (processed.event.data as Any).ism.toNumber() === DEFENSE, 'not processed under DEFENSE');
    check(((await api.query.settlement.nativeAttested(d.messageId)) as Any).isNone, 'the attestation outlived the delivery');
    log(`defense: attested over XCM in A #${attested.blockNumber} (not enough alone), relayed with 2 signatures in #${d.settled.blockNumber}, ${d.ms / 1000} s`);

    const fastTimes: number[] = [];
    for (const order of await open(FAST, TIMED)) {
      const { settled, ms } = await fillAndSettle(order, 'fast');
      check(settled.record.phase.isApplyExtrinsic, 'a FAST order settled without the relayer');
      fastTimes.push(ms);
      log(`fast multisig: settled in A #${settled.blockNumber} by the relayer, ${ms / 1000} s`);
    }
    log(`fast multisig level, fill to settlement over ${TIMED} orders: ${spread(fastTimes)}`);
    for (const agent of agents) {
      check(agent.running(), `${agent.name} exited (see ${dir})`);
      agent.kill();
    }
    agents = [];

    // 3. Forgeries against an open order.
    const [target] = await open(NATIVE, 1);
    const eveBefore = await free(api, eve.address);
    const forge = (origin: number, nonce: number) =>
      encodeMessage({
        version: VERSION, nonce, origin, sender: b.settler, destination: a.domain, recipient: a.settler,
        body: u8aConcat([1], target.id, eve.publicKey),
      });
    const receive = (message: Uint8Array) => api.tx.settlement.receiveNative(u8aToHex(message)).method.toHex();
    const dispatchError = (error: Any) => u8aToHex(api.createType('SpRuntimeDispatchError', error).toU8a());
    const notNativeSource = dispatchError({
      Module: { index: a.settlementIndex, error: u8aToHex(new Uint8Array([api.errors.settlement.NotNativeSource.meta.index.toNumber(), 0, 0, 0])) },
    });
    const xcm = (call: string, expect: Any, topic: number) => ({
      V5: [
        { UnpaidExecution: { weightLimit: 'Unlimited', checkOrigin: null } },
        { Transact: { originKind: 'Native', fallbackMaxWeight: null, call: { encoded: call } } },
        { ExpectTransactStatus: expect },
        { SetTopic: u8aToHex(new Uint8Array(32).fill(topic)) },
      ],
    });
    /** Send `message` and read how A's message queue processed it (origin `Parent` or `Sibling`):
     *  in a block after the one that processed the previous message, which the scan must not
     *  find again. */
    let after = 0;
    const onA = async (what: string, sender: 'relay' | 'sibling', message: Any) => {
      const from = Math.max(await bestNumber(api), after);
      if (sender === 'relay') {
        await sudo(relay, relay.tx.xcmPallet.send({ V5: { parents: 0, interior: { X1: [{ Parachain: a.para }] } } }, message), alice);
      } else {
        await sudo(siblingApi, siblingApi.tx.polkadotXcm.send({ V5: { parents: 1, interior: { X1: [{ Parachain: a.para }] } } }, message), alice);
      }
      const found = await findEvent(api, from, what, (r) => {
        if (!named(r, 'messageQueue.Processed') && !named(r, 'messageQueue.ProcessingFailed')) return false;
        const origin = (r.event.data as Any).origin;
        return sender === 'relay' ? origin.isParent : origin.isSibling && origin.asSibling.toNumber() === b.para;
      });
      after = found.blockNumber + 1;
      return found.name === 'messageQueue.Processed' && (found.record.event.data as Any).success.isTrue;
    };
    const genuine = forge(b.domain, 1_000_001);
    check(await onA('the relay chain\'s forgery', 'relay', xcm(receive(genuine), { Error: dispatchError('BadOrigin') }, 1)),
      'receive_native from the relay chain did not fail with BadOrigin');
    const otherDomain = forge(a.domain === 1_000_001 ? 1_000_004 : 1_000_001, 1_000_002);
    check(await onA('B\'s forgery for another domain', 'sibling', xcm(receive(otherDomain), { Error: notNativeSource }, 2)),
      'receive_native from B for another domain did not fail with NotNativeSource');
    check(!(await onA('the control', 'sibling', xcm(receive(otherDomain), 'Success', 3))),
      'the control expecting success passed: ExpectTransactStatus is not checked');
    const local = await submit(api, api.tx.settlement.receiveNative(u8aToHex(genuine)), eve);
    check(local.error === 'BadOrigin', `receive_native from a local account gave ${local.error ?? 'success'}`);
    check((await callA.settlementApi.order(target.id)).isSome, 'the forged-against order is no longer open');
    for (const forged of [genuine, otherDomain]) {
      check(((await api.query.settlement.nativeAttested(messageId(forged))) as Any).isNone, 'a forgery left an attestation');
    }
    check(await free(api, eve.address) === eveBefore - local.fee, 'Eve gained from a forgery');
    log('forgeries refused: relay chain → BadOrigin, B for another domain → NotNativeSource, local account → BadOrigin; the order is untouched');

    // 4. B's channels closed by the relay chain, then reopened.
    const count = async (index: Any) => ((await index(b.para)) as Any).length as number;
    await sudo(relay, relay.tx.hrmp.forceCleanHrmp(b.para, await count(relay.query.hrmp.hrmpIngressChannelsIndex),
      await count(relay.query.hrmp.hrmpEgressChannelsIndex)), alice);
    await channelsBecome(a, b.para, false);
    await channelsBecome(b, a.para, false);
    const refused = await submit(siblingApi, siblingApi.tx.settlement.fillOrder(target.data, bob.publicKey), bob);
    check(refused.error === 'settlement.NativeUnroutable', `a fill over a closed channel gave ${refused.error ?? 'success'}`);
    check(((await siblingApi.query.settlement.destinationOrders(target.id)) as Any).isNone, 'B recorded the refused fill');
    check((await callA.settlementApi.order(target.id)).isSome, 'the order closed on A');
    check((await quote(NATIVE, b.domain)) === undefined, 'A still quotes NATIVE with the channel closed');
    log(`channels closed: Bob's fill refused (${refused.error}), the order still open on A, NATIVE no longer quoted`);
    await openChannels();
    const reopened = await fillAndSettle(target, 'reopened');
    log(`channels reopened: the same fill settled in A #${reopened.settled.blockNumber}, ${reopened.ms / 1000} s after it`);
  } catch (error) {
    agentLogTails(dir, agents.map((agent) => agent.name), log);
    throw error;
  } finally {
    for (const agent of agents) agent.kill();
    await relay.disconnect();
    await siblingApi.disconnect();
  }
}
