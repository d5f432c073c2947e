/** NATS for tests: PATCHCAST_TEST_NATS, or a nats-server of our own; unique streams per run. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer, connect as tcpConnect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { connect } from 'nats';

export const TEST_NATS = process.env.PATCHCAST_TEST_NATS;

/** Why NATS tests cannot run here, or undefined when PATCHCAST_TEST_NATS answers. */
export async function natsSkipReason(): Promise<string | undefined> {
  if (TEST_NATS === undefined || TEST_NATS === '')
    return 'PATCHCAST_TEST_NATS is not set (e.g. nats://127.0.0.1:4222)';
  const { hostname, port } = new URL(TEST_NATS);
  return (await reachable(hostname, Number(port || 4222)))
    ? undefined
    : `NATS at ${TEST_NATS} is unreachable`;
}

export function natsServerMissing(): string | undefined {
  return spawnSync('nats-server', ['--version']).error === undefined
    ? undefined
    : 'nats-server is not installed';
}

/** Unique stream name and subject prefix for one run. */
export function uniqueNames(): { stream: string; subjectPrefix: string } {
  const tag = randomBytes(5).toString('hex');
  return { stream: `PCTEST_${tag}`, subjectPrefix: `pctest_${tag}` };
}

export async function deleteStream(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url, timeout: 3000 });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A nats-server process of our own on a loopback port, with JetStream in a temp folder. */
export class OwnNatsServer {
  #child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly storeDir: string,
    readonly jetstream: boolean,
  ) {}

  static async start(options: { jetstream?: boolean } = {}): Promise<OwnNatsServer> {
    const server = new OwnNatsServer(
      await freePort(),
      await mkdtemp(join(tmpdir(), 'pc-nats-')),
      options.jetstream ?? true,
    );
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and store folder. */
  async resume(): Promise<void> {
    const args = ['-a', '127.0.0.1', '-p', String(this.port)];
    if (this.jetstream) args.push('-js', '-sd', this.storeDir);
    this.#child = spawn('nats-server', args, { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await reachable('127.0.0.1', this.port)); i++) await sleep(100);
  }

  /** kill -9: the server is gone without a goodbye. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.#child = undefined;
  }

  /** Loses everything JetStream stored (the server must be stopped). */
  async wipe(): Promise<void> {
    await rm(this.storeDir, { recursive: true, force: true });
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.storeDir, { recursive: true, force: true });
  }
}
