// After a node restart: the node serves the state the earlier suites left (orders opened,
// messages dispatched and delivered) and the chain still advances. Run after `settlement`.
import type { ApiPromise } from '@polkadot/api';
import { check, nextBlocks } from './lib/chain.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export async function stateKept(api: ApiPromise, log: (line: string) => void): Promise<void> {
  const nonce = ((await api.query.settlement.orderNonce()) as Any).toNumber() as number;
  const outbound = ((await (api.call as Any).settlementApi.outboundCount()).toNumber()) as number;
  const delivered = (await api.query.settlement.delivered.keys()).length;
  check(nonce >= 2, `order nonce ${nonce}: the orders opened before the restart are gone`);
  check(outbound >= 1, `outbound count ${outbound}: the dispatched messages are gone`);
  check(delivered >= 1, `delivered ${delivered}: the processed messages are gone`);
  const blocks = await nextBlocks(api, 2, 120_000);
  log(`orders ${nonce}, dispatched ${outbound}, delivered ${delivered}; blocks #${blocks.join(', #')} after the restart`);
}
