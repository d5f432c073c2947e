import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import pg from 'pg';
import { Harness } from '../harness.js';

const base = process.env.PATCHCAST_TEST_PG;
const nats = process.env.PATCHCAST_TEST_NATS;
const missing =
  base === undefined || base === '' || nats === undefined || nats === ''
    ? 'PATCHCAST_TEST_PG and PATCHCAST_TEST_NATS are needed'
    : false;

async function benchDatabases(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_perf\\_%'",
    );
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

test(
  'bench cluster splits 20 agents over two nodes, times notices on both and on one, and drops its database',
  { skip: missing },
  async () => {
    const url = base ?? '';
    const before = await benchDatabases(url);
    const h = await Harness.create();
    try {
      const out = join(h.dir, 'results');
      const args = ['bench', 'cluster', '--agents', '20', '--db', url, '--bus', nats ?? ''];
      const result = await h.cli([...args, '--json', '--out', out, '--timeout', '60']);
      assert.equal(result.code, 0, result.stderr);
      const json = JSON.parse(result.stdout) as Record<string, unknown>;
      assert.equal(json.agentsPerNode, '10 10');
      for (const key of ['twoNodeNoticeP99Ms', 'oneNodeNoticeP99Ms', 'baselineP99Ms']) {
        assert.equal(typeof json[key], 'number', key);
        assert.ok((json[key] as number) > 0, `${key} is positive`);
      }
      assert.match(String(json.twoNodeNoticeP99ByNodeMs), /^\d+(\.\d+)? \d+(\.\d+)?$/);
    } finally {
      await h.close();
    }
    assert.deepEqual(await benchDatabases(url), before);
  },
);
