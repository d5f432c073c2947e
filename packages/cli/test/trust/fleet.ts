/**
 * A real server, a hostile mirror in front of it, and one real agent process that reaches the
 * server only through the mirror. Patches are published and rolled out with the CLI's commands,
 * run inside the test process (setup: what is under test is the agent's verification).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { HostileMirror } from './hostile-mirror.js';

export interface RolloutJson {
  id: string;
  state: string;
  devices: { name: string; state: string; error: { code: string; message: string } | null }[];
}

export class TrustFleet {
  readonly h: Harness;
  readonly mirror: HostileMirror;
  server: Proc | undefined;
  agentProc: Proc | undefined;
  readonly agent = 'edge';
  #patches = 0;

  private constructor(h: Harness, mirror: HostileMirror) {
    this.h = h;
    this.mirror = mirror;
  }

  static async start(): Promise<TrustFleet> {
    const h = await Harness.create();
    const mirror = await HostileMirror.start();
    const fleet = new TrustFleet(h, mirror);
    // The agent reaches the server only through the mirror, so the server must take answers
    // signed for the mirror's address (--public-url), as it would behind a real relay.
    fleet.server = await h.startServer(undefined, ['--public-url', mirror.url]);
    mirror.forwardTo(h.server);
    await fleet.startAgent();
    return fleet;
  }

  /** Starts the agent (enrolling it the first time); it only ever talks to the mirror. */
  async startAgent(): Promise<void> {
    const direct = this.h.server;
    this.h.server = this.mirror.url;
    try {
      this.agentProc = await this.h.startAgent(this.agent);
    } finally {
      this.h.server = direct;
    }
  }

  async stopAgent(): Promise<void> {
    await this.agentProc?.stop();
  }

  /** Stops the server and starts it again on the same address and data folder. */
  async restartServer(): Promise<void> {
    await this.server?.stop();
    const listen = new URL(this.h.server).host;
    const args = ['server', '--data', join(this.h.dir, 'server'), '--listen', listen];
    args.push('--public-url', this.mirror.url);
    this.server = (await this.h.start(args, /listening on /)).proc;
  }

  /**
   * Publishes a new one-file patch signed with `key` (default: the server's targets key; several
   * files sign together), in `role`.
   */
  async publish(
    name: string,
    key: string | readonly string[] = join(this.h.dir, 'server/keys/targets.key'),
    role?: string,
  ): Promise<string> {
    const n = ++this.#patches;
    const source = await writePatchSource(join(this.h.dir, `src-${n}`), {
      [`etc/${name}`]: `${name}\n`,
    });
    const keys = (typeof key === 'string' ? [key] : key).flatMap((file) => ['--key', file]);
    const args = ['publish', source, '--name', name, '--version', '1.0.0', ...keys];
    if (role !== undefined) args.push('--role', role);
    const result = await this.h.here([...args, '--json']);
    assert.equal(result.code, 0, result.stderr);
    return `${name}@1.0.0`;
  }

  /** Rolls `ref` out to the agent and waits until its result is final. */
  async rollout(ref: string): Promise<RolloutJson> {
    const started = await this.h.hereJson<RolloutJson>([
      'rollout',
      'start',
      ref,
      '--devices',
      'all',
    ]);
    return this.h.settled<RolloutJson>(started.id);
  }

  async installed(name: string): Promise<boolean> {
    const file = join(this.h.agentDirs(this.agent).root, 'etc', name);
    return readFile(file, 'utf8').then(
      (text) => text === `${name}\n`,
      () => false,
    );
  }

  /** Asserts the rollout of `ref` installed on the agent. */
  async expectInstalled(ref: string): Promise<void> {
    const done = await this.rollout(ref);
    assert.equal(done.state, 'completed', JSON.stringify(done.devices));
    assert.ok(await this.installed(ref.split('@')[0] ?? ''), `${ref} is in the managed root`);
  }

  /** Asserts the agent refused `ref` with `code`, reported it, and installed nothing. */
  async expectRefused(ref: string, code: string): Promise<RolloutJson> {
    const done = await this.rollout(ref);
    assert.equal(done.state, 'completed-with-failures');
    assert.equal(done.devices[0]?.state, 'failed');
    assert.equal(done.devices[0]?.error?.code, code, done.devices[0]?.error?.message);
    assert.equal(await this.installed(ref.split('@')[0] ?? ''), false, 'nothing installed');
    return done;
  }

  async close(): Promise<void> {
    await this.h.close().finally(() => this.mirror.close());
  }
}
