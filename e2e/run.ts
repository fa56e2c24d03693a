// Runs end-to-end suites against a running zkSettle node and reports each with its duration.
//
// Usage: npx tsx run.ts [--ws ws://127.0.0.1:9944] [--relay ws://…] [--sibling ws://…] [suite ...]
//   (suites: transfer shielded foreign settlement agents state-kept upgrade xcm native; xcm needs the
//   relay chain, native the relay chain and a second zkSettle parachain (--sibling), foreign a dev
//   chain's sudo)
// Exit status 0 only if every suite passed.
import { cryptoWaitReady } from '@polkadot/util-crypto';
import type { ApiPromise } from '@polkadot/api';
import { agents } from './agents.js';
import { foreign } from './foreign.js';
import { native } from './native.js';
import { connect } from './lib/chain.js';
import { settlement } from './settlement.js';
import { shielded } from './shielded.js';
import { stateKept } from './state-kept.js';
import { transfer } from './transfer.js';
import { upgrade } from './upgrade.js';
import { xcm } from './xcm.js';

const suites: Record<
  string,
  (api: ApiPromise, log: (line: string) => void, endpoint: string, relayEndpoint?: string, siblingEndpoint?: string) => Promise<void>
> = {
  transfer,
  shielded,
  foreign,
  settlement,
  agents,
  'state-kept': stateKept,
  upgrade,
  xcm,
  native,
};
/** What runs when no suite is named (state-kept needs a restart between; upgrade, a chain of an
 *  earlier release). */
const defaults = ['transfer', 'shielded', 'foreign', 'settlement', 'agents'];

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const option = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    const value = args[at + 1];
    args.splice(at, 2);
    return value;
  };
  const endpoint = option('--ws') ?? 'ws://127.0.0.1:9944';
  const relayEndpoint = option('--relay');
  const siblingEndpoint = option('--sibling');
  const chosen = args.length > 0 ? args : defaults;
  for (const name of chosen) if (!(name in suites)) throw new Error(`unknown suite ${name} (have: ${Object.keys(suites).join(', ')})`);

  await cryptoWaitReady();
  const api = await connect(endpoint);
  console.log(`connected to ${(await api.rpc.system.chain()).toString()} at ${endpoint}`);
  let failed = 0;
  for (const name of chosen) {
    const started = Date.now();
    try {
      await suites[name](api, (line) => console.log(`  [${name}] ${line}`), endpoint, relayEndpoint, siblingEndpoint);
      console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name} (${((Date.now() - started) / 1000).toFixed(1)} s): ${error instanceof Error ? error.message : error}`);
    }
  }
  await api.disconnect();
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
