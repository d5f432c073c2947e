/** The agent's own installer with real processes: shell scripts stand in for agent executables. */
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError, utf8 } from '@patchcast/core';
import { buildBundle, readBundle } from '@patchcast/protocol';
import { installSelf, recoverSelf } from '../../src/self-update/self-installer.js';
import type { SelfUpdateConfig } from '../../src/self-update/self-installer.js';
import { selfUpdatePaths, writeJournal } from '../../src/self-update/self-update-files.js';

const OLD = '#!/bin/sh\n# the running agent, version 1\nexit 0\n';

/** A new "agent": reports `version` healthy once started in trial mode, then stays up. */
const healthyAgent = (version: string, argsFile: string) =>
  `#!/bin/sh\necho "$@" > ${argsFile}\necho '{"version":"${version}"}' > "$PATCHCAST_AGENT_TRIAL"\nexec sleep 30\n`;

async function fixture(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-self-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bin = join(dir, 'usr/bin');
  const dataDir = join(dir, 'data');
  await mkdir(bin, { recursive: true });
  await mkdir(dataDir);
  const exePath = join(bin, 'patchcast-agent');
  await writeFile(exePath, OLD, { mode: 0o755 });
  let disconnected = 0;
  const install = (script: string, version = '2.0.0', extra: Partial<SelfUpdateConfig> = {}) =>
    installSelf({
      bundle: readBundle(
        buildBundle({
          name: 'patchcast-agent',
          version,
          installer: { kind: 'agent' },
          files: [{ path: 'patchcast-agent', mode: 0o755, content: utf8(script) }],
        }),
      ),
      rolloutId: 'ro_1',
      patch: { name: 'patchcast-agent', version },
      dataDir,
      config: { exePath, args: ['run', '--config', '/etc/x.env'], ...extra },
      disconnect: () => Promise.resolve(void disconnected++),
      log: () => undefined,
    });
  const leftovers = async () => ({
    bin: await readdir(bin),
    journal: await readdir(join(dataDir, 'self-update')).catch(() => []),
  });
  return { dir, bin, dataDir, exePath, install, leftovers, disconnected: () => disconnected };
}

test('a healthy new version is swapped in, started with the same arguments, and committed', async (t) => {
  const f = await fixture(t);
  const argsFile = join(f.dir, 'args');
  const outcome = await f.install(healthyAgent('2.0.0', argsFile));
  assert.equal(outcome.status, 'installed', outcome.error?.message);
  assert.equal(await readFile(f.exePath, 'utf8'), healthyAgent('2.0.0', argsFile));
  assert.equal((await readFile(argsFile, 'utf8')).trim(), 'run --config /etc/x.env');
  assert.equal(f.disconnected(), 1);
  assert.deepEqual(await f.leftovers(), { bin: ['patchcast-agent'], journal: [] });
});

test('a new version that exits at start is rolled back, with its last output', async (t) => {
  const f = await fixture(t);
  const outcome = await f.install('#!/bin/sh\necho "missing library" >&2\nexit 3\n');
  assert.equal(outcome.status, 'rolled-back');
  assert.equal(outcome.error?.code, 'SELF_UPDATE_UNHEALTHY');
  assert.match(outcome.error.message, /exited \(3\): missing library; the previous agent/);
  assert.equal(await readFile(f.exePath, 'utf8'), OLD);
  assert.deepEqual(await f.leftovers(), { bin: ['patchcast-agent'], journal: [] });
});

test('a new version that never reconnects is rolled back at the deadline', async (t) => {
  const f = await fixture(t);
  const outcome = await f.install('#!/bin/sh\nexec sleep 30\n', '2.0.0', { deadlineMs: 300 });
  assert.equal(outcome.status, 'rolled-back');
  assert.match(outcome.error?.message ?? '', /did not reconnect within 0 s/);
  assert.equal(await readFile(f.exePath, 'utf8'), OLD);
});

test('a new version that reports another version than the patch is rolled back', async (t) => {
  const f = await fixture(t);
  const outcome = await f.install(healthyAgent('1.9.9', join(f.dir, 'args')));
  assert.equal(outcome.status, 'rolled-back');
  assert.match(outcome.error?.message ?? '', /reports version 1\.9\.9, not 2\.0\.0/);
  assert.equal(await readFile(f.exePath, 'utf8'), OLD);
});

test('an agent that cannot replace itself refuses before touching anything', async (t) => {
  const f = await fixture(t);
  const bundle = readBundle(
    buildBundle({
      name: 'patchcast-agent',
      version: '2.0.0',
      installer: { kind: 'agent' },
      files: [{ path: 'patchcast-agent', mode: 0o755, content: utf8('x') }],
    }),
  );
  await assert.rejects(
    installSelf({
      bundle,
      rolloutId: 'ro_1',
      patch: { name: 'patchcast-agent', version: '2.0.0' },
      dataDir: f.dataDir,
      config: undefined,
      disconnect: () => Promise.resolve(),
      log: () => undefined,
    }),
    (error) => error instanceof PatchcastError && error.code === 'SELF_UPDATE_UNSUPPORTED',
  );
  assert.equal(await readFile(f.exePath, 'utf8'), OLD);
  assert.deepEqual(await f.leftovers(), { bin: ['patchcast-agent'], journal: [] });
});

test('recovery after a crash during the trial puts the previous executable back', async (t) => {
  const f = await fixture(t);
  const paths = selfUpdatePaths(f.exePath, f.dataDir);
  const journal = {
    phase: 'swapped' as const,
    rolloutId: 'ro_9',
    patch: { name: 'patchcast-agent', version: '2.0.0' },
    exe: f.exePath,
    startedAt: new Date().toISOString(),
  };
  await writeFile(paths.previous, OLD, { mode: 0o755 });
  await writeFile(f.exePath, '#!/bin/sh\n# new, on trial\n', { mode: 0o755 });
  await writeJournal(paths.journal, journal);
  assert.deepEqual(await recoverSelf(f.exePath, f.dataDir), journal);
  assert.equal(await readFile(f.exePath, 'utf8'), OLD);
  assert.deepEqual(await f.leftovers(), { bin: ['patchcast-agent'], journal: [] });
  assert.equal(await recoverSelf(f.exePath, f.dataDir), undefined, 'idempotent');
});

test('recovery after a crash once committed keeps the new executable and cleans up', async (t) => {
  const f = await fixture(t);
  const paths = selfUpdatePaths(f.exePath, f.dataDir);
  await writeFile(paths.previous, '#!/bin/sh\n# old\n', { mode: 0o755 });
  await writeJournal(paths.journal, {
    phase: 'committed',
    rolloutId: 'ro_9',
    patch: { name: 'patchcast-agent', version: '2.0.0' },
    exe: f.exePath,
    startedAt: new Date().toISOString(),
  });
  assert.equal(await recoverSelf(f.exePath, f.dataDir), undefined);
  assert.equal(await readFile(f.exePath, 'utf8'), OLD);
  assert.deepEqual(await f.leftovers(), { bin: ['patchcast-agent'], journal: [] });
});
