import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { utf8 } from '@patchcast/core';
import { buildBundle } from '@patchcast/protocol';
import { recoverTransactions } from '../../src/install/index.js';
import { listTx, sandbox, snapshot, writeTree } from './helpers.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));

async function waitForFile(path: string, timeoutMs: number): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.endsWith('\n')) return text;
    if (performance.now() > deadline) throw new Error(`${path} did not appear`);
    await sleep(20);
  }
}

test('an agent killed with SIGKILL during postInstall is rolled back by recovery', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, {
    'etc/app/config.txt': { content: 'old config\n', mode: 0o640 },
    'lib/old.so': { content: 'old\n', mode: 0o755 },
  });
  const before = await snapshot(box.root);
  const bundlePath = join(box.base, 'bundle.tar');
  const marker = join(box.base, 'hook.pid');
  const files = [
    { path: 'etc/app/config.txt', mode: 0o644, content: utf8('new config\n') },
    { path: 'opt/app/bin/run', mode: 0o755, content: utf8('#!/bin/sh\n') },
  ];
  const hook = { command: ['/bin/sh', '-c', 'echo $$ > "$MARKER"; sleep 30'], timeoutMs: 60_000 };
  const bytes = buildBundle({
    name: 'crash-test',
    version: '1',
    files,
    removals: ['lib/old.so'],
    hooks: { postInstall: hook },
  });
  await writeFile(bundlePath, bytes);
  const child = spawn(process.execPath, [CHILD, bundlePath, box.root, box.stateDir, marker], {
    stdio: 'inherit',
  });
  const exited = once(child, 'exit');
  const hookPid = Number(await waitForFile(marker, 10_000));
  assert.equal(await readFile(join(box.root, 'etc/app/config.txt'), 'utf8'), 'new config\n');
  child.kill('SIGKILL');
  await exited;
  process.kill(-hookPid, 'SIGKILL');
  assert.equal((await listTx(box.stateDir)).length, 1);
  const result = await recoverTransactions(box.root, box.stateDir);
  assert.deepEqual(result, { recovered: 1, action: 'rolled-back' });
  assert.deepEqual(await snapshot(box.root), before);
  assert.deepEqual(await listTx(box.stateDir), []);
});
