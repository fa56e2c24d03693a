// The `zksettle` wallet CLI as the suites drive it: wallets by name in one scratch directory,
// each command run to completion, a failure reported with the wallet's own message.
// The binary is $ZKSETTLE_WALLET_BIN, else $CARGO_TARGET_DIR/release/zksettle.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fail } from './chain.js';

const run = promisify(execFile);

/** The development proving parameters' file, derived by a wallet's first proof. */
export const PARAMS = 'dev-transfer-v2.params';

export function walletBin(): string {
  if (process.env.ZKSETTLE_WALLET_BIN) return process.env.ZKSETTLE_WALLET_BIN;
  return join(process.env.CARGO_TARGET_DIR ?? '/var/tmp/zksettle-target', 'release', 'zksettle');
}

/** Run `zksettle --wallet <base>/<name> ...args` (stdin `input`, if any); its standard output. */
export type WalletCli = (name: string, args: string[], input?: string) => Promise<string>;

/** Wallets in a fresh scratch directory against `endpoint`; `remove` deletes them. `secret(uri)`
 *  writes a secret URI to a file only its owner can read, as the wallet takes a payer's or a
 *  relayer's secret (`--suri-file`, `--relayer-file`), and returns its path. */
/** One event of `zksettle watch --json`. */
export interface WatchEvent {
  status: 'pending' | 'final' | 'dropped';
  direction: 'received' | 'spent';
  block: number;
  amount: string;
  at: number;
}

/** A running `zksettle watch --json`: the events so far (with the time each was read). */
export interface Watcher {
  events: WatchEvent[];
  /** Resolves once an event satisfies `pred`; fails after `timeoutMs`. */
  until: (pred: (e: WatchEvent) => boolean, timeoutMs: number) => Promise<WatchEvent>;
  stop: () => void;
}

export function scratchWallets(endpoint: string): {
  base: string;
  wallet: WalletCli;
  watch: (name: string) => Watcher;
  secret: (uri: string) => string;
  remove: () => void;
} {
  const base = mkdtempSync(join(tmpdir(), 'zksettle-e2e-'));
  const env = { ...process.env, ZKSETTLE_PASSWORD: 'e2e password', ZKSETTLE_URL: endpoint };
  const wallet: WalletCli = async (name, args, input) => {
    const child = run(walletBin(), ['--wallet', join(base, name), ...args], { env, maxBuffer: 1 << 20, timeout: 600_000 });
    if (input !== undefined) {
      child.child.stdin?.write(input);
      child.child.stdin?.end();
    }
    try {
      return (await child).stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      fail(`zksettle ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
    }
  };
  let secrets = 0;
  const secret = (uri: string): string => {
    secrets += 1;
    const path = join(base, `secret-${secrets}.suri`);
    writeFileSync(path, `${uri}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    return path;
  };
  const watch = (name: string): Watcher => {
    const child = spawn(walletBin(), ['--wallet', join(base, name), 'watch', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const events: WatchEvent[] = [];
    let buffered = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) events.push({ ...(JSON.parse(line) as Omit<WatchEvent, 'at'>), at: Date.now() });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const until = async (pred: (e: WatchEvent) => boolean, timeoutMs: number): Promise<WatchEvent> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(pred);
        if (found) return found;
        if (child.exitCode !== null) fail(`zksettle watch exited (${child.exitCode}): ${stderr.trim()}`);
        if (Date.now() > deadline) fail(`zksettle watch: no such event within ${timeoutMs / 1000} s; saw ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    return { events, until, stop: () => child.kill() };
  };
  return { base, wallet, watch, secret, remove: () => rmSync(base, { recursive: true, force: true }) };
}
