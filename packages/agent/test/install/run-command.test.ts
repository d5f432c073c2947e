import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { runCommand } from '../../src/install/index.js';
import { isRunning } from './helpers.js';

const options = {
  cwd: tmpdir(),
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  timeoutMs: 5000,
};

test('runs argv without a shell and reports the exit status and output', async () => {
  const echo = await runCommand(['echo', '$HOME; rm -rf /'], options);
  assert.equal(echo.exitCode, 0);
  assert.equal(echo.output, '$HOME; rm -rf /\n');
  const failing = await runCommand(['/bin/sh', '-c', 'echo out; echo err >&2; exit 7'], options);
  assert.equal(failing.exitCode, 7);
  assert.equal(failing.timedOut, false);
  assert.match(failing.output, /out\n/);
  assert.match(failing.output, /err\n/);
});

test('a program that does not exist is a spawn error, not a crash', async () => {
  const result = await runCommand(['/nonexistent/program'], options);
  assert.equal(result.exitCode, null);
  assert.match(result.spawnError ?? '', /ENOENT/);
});

test('a group that ignores SIGTERM is SIGKILLed after the grace period', async () => {
  const script = 'trap "" TERM; sleep 30 & echo $!; wait';
  const result = await runCommand(['/bin/sh', '-c', script], {
    ...options,
    timeoutMs: 200,
    killGraceMs: 200,
  });
  assert.equal(result.timedOut, true);
  assert.equal(result.signal, 'SIGKILL');
  const background = Number(result.output.trim());
  assert.ok(background > 0, result.output);
  // The group was killed; on a loaded machine the kernel may take a moment to finish the child.
  let alive = await isRunning(background);
  for (let i = 0; alive && i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = await isRunning(background);
  }
  assert.equal(alive, false, 'the background child was killed with its group');
});

test('output beyond the cap is dropped from the middle', async () => {
  const result = await runCommand(
    ['/bin/sh', '-c', 'echo FIRST; head -c 1000000 /dev/zero | tr "\\0" y; echo; echo LAST'],
    { ...options, maxOutputBytes: 1000 },
  );
  assert.equal(result.exitCode, 0);
  assert.ok(result.outputBytes > 1_000_000);
  assert.ok(result.output.length < 1100, String(result.output.length));
  assert.match(result.output, /^FIRST\n/);
  assert.match(result.output, /\[\.\.\. \d+ bytes omitted \.\.\.\]/);
  assert.match(result.output, /LAST\n$/);
});

test('a background process holding the pipes does not block completion', async () => {
  const started = performance.now();
  const result = await runCommand(['/bin/sh', '-c', 'sleep 5 & echo $!'], options);
  process.kill(Number(result.output.trim()), 'SIGKILL');
  assert.equal(result.exitCode, 0);
  assert.ok(performance.now() - started < 2000);
});
