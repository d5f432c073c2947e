import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';

const FANOUT_FIGURES = [
  'agents',
  'notifyP50Ms',
  'notifyP99Ms',
  'notifyMaxMs',
  'baselineP99Ms',
  'installP99Ms',
  'serverRssPerAgentKiB',
];

async function bench(
  args: readonly string[],
): Promise<{ json: Record<string, unknown>; files: string[] }> {
  const h = await Harness.create();
  try {
    const out = join(h.dir, 'results');
    const result = await h.cli(['bench', ...args, '--json', '--out', out, '--timeout', '60']);
    assert.equal(result.code, 0, result.stderr);
    return {
      json: JSON.parse(result.stdout) as Record<string, unknown>,
      files: await readdir(out),
    };
  } finally {
    await h.close();
  }
}

function assertFinite(json: Record<string, unknown>, key: string): void {
  const value = json[key];
  assert.equal(typeof value, 'number', `${key} is a number`);
  assert.ok(Number.isFinite(value), `${key} is finite`);
}

test('bench fanout with 20 agents reports finite latencies and memory, and writes results', async () => {
  const { json, files } = await bench(['fanout', '--agents', '20']);
  for (const key of FANOUT_FIGURES) assertFinite(json, key);
  assert.equal(json.agents, 20);
  assert.equal(json.installed, 20);
  for (const key of FANOUT_FIGURES.filter((k) => k !== 'serverRssPerAgentKiB'))
    assert.ok((json[key] as number) > 0, `${key} is positive`);
  assert.equal(typeof (json.machine as Record<string, unknown>).cpuModel, 'string');
  assert.ok(files.some((f) => f.endsWith('-fanout.json')));
  assert.ok(files.some((f) => f.endsWith('-fanout.md')));
});

test('bench serve for a second reports throughput, and nginx or why not', async () => {
  const { json } = await bench(['serve', '--duration', '1']);
  assertFinite(json, 'throughputMiBs');
  assert.ok((json.throughputMiBs as number) > 0);
  if (json.nginxMiBs === null) assert.match(JSON.stringify(json.notes), /nginx is not installed/);
  else {
    assertFinite(json, 'nginxMiBs');
    assert.ok((json.nginxMiBs as number) > 0);
  }
});

test('bench tls reports handshake rates for server-only and mutual TLS, and the CRL cost', async () => {
  const { json } = await bench(['tls']);
  for (const key of [
    'serverOnlyHandshakesPerSecond',
    'mutualHandshakesPerSecond',
    'mutualWithCrlHandshakesPerSecond',
    'serverOnlyVsMutualWithCrlRatio',
    'crlBytes',
  ]) {
    assertFinite(json, key);
    assert.ok((json[key] as number) > 0, `${key} is positive`);
  }
  assert.equal(json.crlSerials, 10_000);
  assertFinite(json, 'crlSignMs');
  assertFinite(json, 'crlLoadMs');
});

test('bench console renders the devices page of a small fleet, or says why not', async () => {
  const { json } = await bench(['console', '--agents', '60']);
  assert.equal(json.devices, 60);
  for (const key of ['apiPageP50Ms', 'apiPageP95Ms', 'apiSearchP50Ms']) assertFinite(json, key);
  if (json.skipped === undefined)
    for (const key of ['firstPageMs', 'searchMs', 'deepPageMs']) assertFinite(json, key);
  else assert.match(json.skipped as string, /no chromium/);
});
