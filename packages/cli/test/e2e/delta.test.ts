/**
 * Binary deltas end to end (issue 15, ADR 0037) with a real server and real agents: version 2
 * installs through a delta and reports the bytes it saved; a kept base that is not the one the
 * delta was made from, and a delta whose bytes are wrong, fall back to the full bundle; an agent
 * killed right after rebuilding installs the right bytes when it comes back. Needs the `zstd`
 * program to publish deltas (scripts/ensure-services.sh installs it); skips visibly without it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rollout } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { cliInProcess } from './log-helpers.js';

const HAVE_ZSTD = spawnSync('zstd', ['--version']).status === 0;
if (!HAVE_ZSTD) console.log('# delta tests skipped: no zstd program (apt-get install zstd)');

interface Published {
  readonly sha256: string;
  readonly length: number;
  readonly delta?: {
    readonly path?: string;
    readonly sha256?: string;
    readonly length?: number;
    readonly skipped?: string;
  };
}

/** About 200 KB of text; `edit` changes a few lines, as a point release does. */
function appText(edit: number): string {
  const lines = Array.from({ length: 4000 }, (_, i) => {
    const value = ((i * 2654435761) >>> 0).toString(36);
    return `line ${i}: setting-${value} = ${value.split('').reverse().join('')}`;
  });
  for (let k = 1; k <= edit; k++) lines[(k * 977) % lines.length] = `edited in release ${edit}`;
  return `${lines.join('\n')}\n`;
}

describe('binary deltas', { skip: !HAVE_ZSTD }, () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create();
    await h.startServer();
  });
  after(() => h.close());

  const cli = (...args: string[]) => cliInProcess(h, args);

  async function publish(name: string, version: string, edit: number, ...flags: string[]) {
    const source = await writePatchSource(join(h.dir, 'src', `${name}-${version}`), {
      'opt/app/settings.txt': appText(edit),
    });
    const key = join(h.dir, 'server/keys/targets.key');
    const args = ['publish', source, '--name', name, '--version', version, '--key', key];
    const result = await cli(...args, ...flags, '--json');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Published;
  }

  let lastRollout = '';

  /** Rolls `ref` out to the agent labelled host=`host`; the settled rollout's one device. */
  async function rollOut(ref: string, host: string) {
    const result = await cli('rollout', 'start', ref, '--devices', `host=${host}`, '--json');
    assert.equal(result.code, 0, result.stderr);
    lastRollout = (JSON.parse(result.stdout) as Rollout).id;
    const device = (await h.settled<Rollout>(lastRollout)).devices[0];
    assert.ok(device !== undefined);
    return device;
  }

  const onDisk = (host: string) =>
    readFile(join(h.agentDirs(host).root, 'opt/app/settings.txt'), 'utf8');

  async function keptBase(host: string, name: string): Promise<string> {
    const dir = join(h.agentDirs(host).data, 'bases', name);
    const [file] = (await readdir(dir)).filter((f) => f.endsWith('.tar'));
    assert.ok(file !== undefined, 'a base is kept');
    return join(dir, file);
  }

  test('version 2 installs through a delta and reports the bytes saved', async () => {
    await h.startAgent('a', ['host=a']);
    const v1 = await publish('app', '1.0.0', 0);
    assert.deepEqual(v1.delta, { skipped: 'no earlier version of app is published' });
    assert.equal((await rollOut('app@1.0.0', 'a')).state, 'installed');

    const v2 = await publish('app', '2.0.0', 3);
    assert.match(v2.delta?.path ?? '', /^app\/2\.0\.0\/deltas\/[0-9a-f]{64}\.zst$/);
    assert.ok((v2.delta?.length ?? Infinity) < v2.length / 10, 'the delta is small');
    const device = await rollOut('app@2.0.0', 'a');
    assert.equal(device.state, 'installed', JSON.stringify(device.error));
    assert.equal(device.timings?.downloadBytes, v2.delta?.length);
    assert.equal(device.timings?.savedBytes, v2.length - (v2.delta?.length ?? 0));
    assert.equal(await onDisk('a'), appText(3));
    assert.match(await keptBase('a', 'app'), new RegExp(`${v2.sha256}\\.tar$`));

    const status = await cli('rollout', 'status', lastRollout);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /transfer: .* downloaded, .* saved by deltas \(1 of 1 device\(s\)/);
    const shown = await cli('devices', 'show', device.id);
    assert.match(shown.stdout, /BYTES +SAVED/);
  });

  test('a kept base that is not the delta base falls back to the full bundle', async () => {
    const base = await keptBase('a', 'app');
    const bytes = await readFile(base);
    bytes[600] = (bytes[600] ?? 0) ^ 0xff; // the kept file no longer hashes to its name
    await writeFile(base, bytes);
    const v3 = await publish('app', '3.0.0', 5);
    assert.ok(v3.delta?.path !== undefined);
    const device = await rollOut('app@3.0.0', 'a');
    assert.equal(device.state, 'installed', JSON.stringify(device.error));
    assert.equal(device.timings?.downloadBytes, v3.length);
    assert.equal(device.timings?.savedBytes, 0);
    assert.equal(await onDisk('a'), appText(5));
  });

  test('a delta with wrong bytes is refused and the full bundle installs', async () => {
    const v4 = await publish('app', '4.0.0', 7);
    const stored = join(h.dir, 'server/artifacts/sha256', v4.delta?.sha256 ?? 'none');
    const bytes = await readFile(stored);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 0x55;
    await writeFile(stored, bytes); // the server now serves bytes that are not the signed ones
    const device = await rollOut('app@4.0.0', 'a');
    assert.equal(device.state, 'installed', JSON.stringify(device.error));
    assert.equal(device.timings?.savedBytes, 0);
    assert.equal(await onDisk('a'), appText(7));
  });

  test('an agent killed around the rebuild installs the right bytes when it restarts', async () => {
    const dirs = h.agentDirs('c');
    let agent = await h.startAgent('c', ['host=c']);
    await publish('tool', '1.0.0', 1);
    assert.equal((await rollOut('tool@1.0.0', 'c')).state, 'installed');
    const file = join(dirs.root, 'opt/app/settings.txt');
    const points = ['delta-downloaded', 'delta-rebuilt'] as const; // before and after the decode
    for (const [i, point] of points.entries()) {
      await agent.stop();
      const version = `${i + 2}.0.0`;
      const next = await publish('tool', version, i + 2);
      assert.ok(next.delta?.path !== undefined);
      agent = await startAgentCrashingAt('c', dirs, point);
      const started = await cli(
        'rollout',
        'start',
        `tool@${version}`,
        '--devices',
        'host=c',
        '--json',
      );
      assert.equal(started.code, 0, started.stderr);
      const crashed = agent;
      await eventually(
        () => Promise.resolve(crashed.child.signalCode === 'SIGKILL' ? true : undefined),
        `the crash at ${point}`,
      );
      assert.equal(await readFile(file, 'utf8'), appText(i + 1), `nothing changed at ${point}`);
      agent = await h.startAgent('c', ['host=c']);
      const done = await h.settled<Rollout>((JSON.parse(started.stdout) as Rollout).id);
      const device = done.devices[0];
      assert.ok(device !== undefined);
      assert.equal(device.state, 'installed', JSON.stringify(device.error));
      assert.equal(device.timings?.savedBytes, next.length - (next.delta?.length ?? 0), point);
      assert.equal(await readFile(file, 'utf8'), appText(i + 2), point);
    }
  });

  test('publish: --no-delta, and a --delta-from that names another patch or an unpublished version', async () => {
    const plain = await publish('app', '5.0.0', 9, '--no-delta');
    assert.equal(plain.delta, undefined);
    const source = join(h.dir, 'src', 'app-5.0.0');
    const key = join(h.dir, 'server/keys/targets.key');
    const base = ['publish', source, '--name', 'app', '--version', '6.0.0', '--key', key];
    const other = await cli(...base, '--delta-from', 'tool@1.0.0');
    assert.equal(other.code, 2); // usage errors exit 2
    assert.match(other.stderr, /error\[USAGE\]: --delta-from tool@1\.0\.0 is another patch/);
    const missing = await cli(...base, '--delta-from', 'app@0.9.0');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error\[NOT_FOUND\]: app@0\.9\.0 is not published/);
    const older = await cli(...base, '--delta-from', 'app@1.0.0');
    assert.equal(older.code, 0, older.stderr);
    assert.match(older.stdout, /delta from 1\.0\.0: \d+ bytes \(app\/6\.0\.0\/deltas\//);
  });

  function startAgentCrashingAt(
    name: string,
    dirs: { data: string; root: string },
    point: string,
  ): Promise<Proc> {
    const args = ['agent', '--server', h.server, '--data', dirs.data, '--root', dirs.root];
    return h
      .start([...args, '--name', name], /connected to /, 20_000, { PATCHCAST_CRASH_AT: point })
      .then((started) => started.proc);
  }
});
