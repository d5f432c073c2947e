import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PatchcastError } from '@patchcast/core';
import type { Invocation } from '../../src/command.js';
import { rehearseAction } from '../../src/commands/rollout-rehearse.js';

const EXAMPLE = fileURLToPath(
  new URL('../../../../../examples/rollout-plan.yaml', import.meta.url),
);

interface Run {
  readonly code: number;
  readonly out: string;
}

async function run(plan: string | undefined, values: Invocation['values']): Promise<Run> {
  let out = '';
  const invocation: Invocation = {
    values,
    positionals: plan === undefined ? ['rehearse'] : ['rehearse', plan],
    io: { out: (text) => (out += text), err: () => undefined, env: {}, isTty: false },
  };
  const code = await rehearseAction(invocation);
  return { code, out };
}

async function rejects(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof PatchcastError);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

test('rollout rehearse: a bad patch is stopped in its first wave (text)', async () => {
  const { code, out } = await run(EXAMPLE, { devices: '2000', 'failure-rate': '0.2', seed: '4' });
  assert.equal(code, 1);
  assert.match(out, /^rehearsal of .*rollout-plan\.yaml: 2000 devices, failure rate 0\.2/);
  assert.match(out, /outcome: rolled-back in wave 1 at \+/);
  assert.match(out, /harmed before the stop/);
  assert.match(out, /WAVE +NAME +DEVICES/);
  assert.match(out, /decisions:\n.*created: 2000 device\(s\) in 4 wave\(s\)/);
});

test('rollout rehearse: --json is deterministic per seed and --chart writes an SVG', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-rehearse-'));
  try {
    const chart = join(dir, 'timeline.svg');
    const flags = {
      devices: '3000',
      'failure-rate': '0',
      'metric-shift': '0',
      seed: 's',
      json: true,
    };
    const first = await run(EXAMPLE, { ...flags, chart });
    const second = await run(EXAMPLE, flags);
    assert.equal(first.out, second.out);
    const json = JSON.parse(first.out) as Record<string, unknown>;
    assert.equal(json.outcome, 'completed');
    assert.equal(first.code, 0);
    assert.equal((json.devicesPatched as number) + (json.devicesFailed as number), 3000);
    assert.equal((json.waves as unknown[]).length, 4);
    const svg = await readFile(chart, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    assert.match(svg, /1\. canary/);
    assert.equal((svg.match(/<polygon /g) ?? []).length, 4, 'one verdict marker per wave');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rollout rehearse: usage errors and bad plans', async () => {
  await rejects(run(undefined, { devices: '10', 'failure-rate': '0' }), 'USAGE', /needs a PLAN/);
  await rejects(run(EXAMPLE, { 'failure-rate': '0' }), 'USAGE', /--devices is required/);
  await rejects(run(EXAMPLE, { devices: 'ten', 'failure-rate': '0' }), 'USAGE', /--devices "ten"/);
  await rejects(run(EXAMPLE, { devices: '2.5', 'failure-rate': '0' }), 'USAGE', /whole number/);
  await rejects(
    run(EXAMPLE, { devices: '10', 'failure-rate': '1.5' }),
    'USAGE',
    /--failure-rate "1.5" must be a number from 0 to 1/,
  );
  await rejects(
    run('/nonexistent/plan.yaml', { devices: '10', 'failure-rate': '0' }),
    'NOT_FOUND',
    /cannot read plan/,
  );
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-rehearse-'));
  try {
    const bad = join(dir, 'bad.yaml');
    const text = await readFile(EXAMPLE, 'utf8');
    await writeFile(bad, text.replace("'0 22 * * mon-fri'", "'0 22 * * mon-fry'"));
    await rejects(
      run(bad, { devices: '10', 'failure-rate': '0' }),
      'PLAN_INVALID',
      /bad\.yaml:\d+:\d+: maintenanceWindows\[0\]\.cron: day-of-week/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
