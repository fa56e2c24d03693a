// Settlement agents (`zksettle-agent validator|relayer`) as processes an end-to-end suite starts,
// kills and restarts, with their secrets in private files and their output in logs.
// The agent binary is $ZKSETTLE_AGENT_BIN, else $CARGO_TARGET_DIR/release/zksettle-agent.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export function agentBin(): string {
  if (process.env.ZKSETTLE_AGENT_BIN) return process.env.ZKSETTLE_AGENT_BIN;
  return join(process.env.CARGO_TARGET_DIR ?? '/var/tmp/zksettle-target', 'release', 'zksettle-agent');
}

/** A port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** One agent process, restartable with the same arguments; its output appended to a log. */
export class Agent {
  private child?: ChildProcess;
  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    private readonly log: string,
  ) {}

  start(): void {
    const out = createWriteStream(this.log, { flags: 'a' });
    this.child = spawn(agentBin(), this.args, { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.pipe(out);
    this.child.stderr?.pipe(out);
  }

  kill(): void {
    this.child?.kill('SIGKILL');
  }

  running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }
}

export async function metric(port: number, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // Every series of the family (e.g. the relayer's queue by operation status), summed.
    const lines = text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return lines.length === 0 ? undefined : lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  } catch {
    return undefined;
  }
}

/** A secret in `dir/name`, readable by its owner only, as an operator keeps an agent's keys. */
export function secretFile(dir: string, name: string, value: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${value}\n`);
  chmodSync(path, 0o600);
  return path;
}

/** The last lines of each agent's log in `dir`, for a failure report. */
export function agentLogTails(dir: string, names: string[], log: (line: string) => void): void {
  for (const name of names) {
    try {
      const text = readFileSync(join(dir, `${name}.log`), 'utf8').split('\n').slice(-15).join('\n');
      log(`--- ${name} (last lines) ---\n${text}`);
    } catch {
      // no log
    }
  }
}
