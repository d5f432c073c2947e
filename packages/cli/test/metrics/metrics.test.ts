/**
 * /metrics against a real server and real agents: the scrape parses with an independent
 * Prometheus parser, patchcast_connected_agents equals the agents actually connected (and drops
 * when one is killed), results are counted by patch, HTTP durations are labelled by route
 * pattern, and only a viewer token (or the token-free --metrics-listen address) may read it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { family, scrape, value } from './scrape.js';
import type { Scrape } from './scrape.js';

const AGENTS = ['m1', 'm2', 'm3'];

describe('metrics', () => {
  let h: Harness;
  let metricsUrl = '';
  let openUrl = '';
  let viewer = '';
  let server: Proc;
  const agents = new Map<string, Proc>();
  const asViewer = () => scrape(metricsUrl, viewer);

  before(async () => {
    h = await Harness.create();
    server = await h.startServer(undefined, [
      '--metrics-listen',
      '127.0.0.1:0',
      '--log-level',
      'info',
    ]);
    openUrl = /Metrics \(no token\) on (\S+)/.exec(server.output())?.[1] ?? '';
    metricsUrl = `${h.server}/metrics`;
    viewer = (
      await h.cliJson<{ token: string }>(['token', 'create', '--name', 'prom', '--role', 'viewer'])
    ).token;
    for (const name of AGENTS) agents.set(name, await h.startAgent(name));
  });
  after(() => h.close());

  test('only a viewer token reads /metrics on the main port; --metrics-listen needs none', async () => {
    const anonymous = await scrape(metricsUrl);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.text, /"code":"UNAUTHENTICATED"/);
    assert.equal((await scrape(metricsUrl, 'pc_not-a-token')).status, 401);
    const read = await asViewer();
    assert.equal(read.status, 200);
    assert.match(read.contentType, /^text\/plain; version=0\.0\.4/);
    assert.match(openUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const open = await scrape(openUrl);
    assert.equal(open.status, 200);
    assert.equal(value(open, 'patchcast_connected_agents'), AGENTS.length);
  });

  test('logs are JSON lines; a request is found by the x-request-id it was answered with', async () => {
    const refused = await scrape(metricsUrl);
    assert.match(
      refused.requestId,
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const lines = await eventually(() => {
      const mine = server
        .output()
        .split('\n')
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as { reqId?: string; res?: { statusCode: number } }];
          } catch {
            return []; // a person's line on stderr, or a line still being written
          }
        })
        .filter((entry) => entry.reqId === refused.requestId);
      return Promise.resolve(mine.length >= 2 ? mine : undefined);
    }, 'the request in the server log');
    assert.ok(lines.some((entry) => entry.res?.statusCode === 401));
  });

  test('the connected-agents gauge is the number of agents connected, on both addresses', async () => {
    const s = await asViewer();
    assert.equal(family(s, 'patchcast_connected_agents').type, 'GAUGE');
    assert.equal(value(s, 'patchcast_connected_agents'), AGENTS.length);
    const { devices } = await h.cliJson<{ devices: { online: boolean }[] }>(['devices']);
    assert.equal(devices.filter((d) => d.online).length, AGENTS.length);
  });

  test('a rollout: installs by patch, notice latency, rollouts by state, route patterns', async () => {
    const source = await writePatchSource(join(h.dir, 'ok'), { 'etc/ok': 'ok\n' });
    await h.publish(source, 'ok-patch', '1.0.0');
    const started = await h.cli([
      'rollout',
      'start',
      'ok-patch@1.0.0',
      '--devices',
      'all',
      '--wait',
      '--json',
    ]);
    assert.equal(started.code, 0, started.stderr);
    const id = (JSON.parse(started.stdout) as { id: string }).id;
    const s = await asViewer();
    const patch = { patch: 'ok-patch', version: '1.0.0' };
    assert.equal(value(s, 'patchcast_patch_installs_total', patch), AGENTS.length);
    assert.equal(value(s, 'patchcast_rollouts', { state: 'completed' }), 1);
    assert.equal(value(s, 'patchcast_rollouts', { state: 'in-progress' }), 0);
    const notice = family(s, 'patchcast_notice_latency_seconds');
    assert.equal(notice.type, 'HISTOGRAM');
    assert.equal(Number(notice.metrics[0]?.count), AGENTS.length, 'one first report per notice');
    assert.ok(Number(notice.metrics[0]?.sum) > 0);
    assert.equal(notice.metrics[0]?.buckets?.['+Inf'], String(AGENTS.length));
    // HTTP durations by route pattern: the id a client asked for never becomes a label.
    assert.match(
      s.text,
      /patchcast_http_request_duration_seconds_count\{route="\/api\/v1\/rollouts\/:id",method="GET",status_code="200"\} [1-9]/,
    );
    assert.ok(!s.text.includes(id), 'no rollout id in any label');
    assert.match(
      s.text,
      /patchcast_store_operation_duration_seconds_count\{operation="applyReport"\} [1-9]/,
    );
    assert.match(
      s.text,
      /patchcast_store_operation_duration_seconds_count\{operation="log\.append"\} [1-9]/,
    );
    assert.match(s.text, /patchcast_bus_publish_duration_seconds_count\{topic="notice"\} [1-9]/);
    const status = await h.cliJson<{ log: { size: number } }>(['status']);
    assert.equal(value(s, 'patchcast_log_entries'), status.log.size);
    const age = value(s, 'patchcast_log_checkpoint_age_seconds');
    assert.ok(age >= 0 && age < 3600, `checkpoint age ${age}`);
  });

  test('a patch whose health check fails is counted as rolled back, by patch', async () => {
    const source = await writePatchSource(
      join(h.dir, 'bad'),
      { 'etc/bad': 'bad\n' },
      { health: { command: 'false', timeoutSeconds: 10 } },
    );
    await h.publish(source, 'bad-patch', '1.0.0');
    const started = await h.cli([
      'rollout',
      'start',
      'bad-patch@1.0.0',
      '--devices',
      'all',
      '--wait',
    ]);
    assert.notEqual(started.code, 0, 'a rollout whose devices rolled back does not exit 0');
    const s = await asViewer();
    const patch = { patch: 'bad-patch', version: '1.0.0' };
    assert.equal(value(s, 'patchcast_patch_rollbacks_total', patch), AGENTS.length);
    assert.throws(() => value(s, 'patchcast_patch_installs_total', patch), /no sample/);
  });

  test('killing an agent lowers the gauge to the agents still connected', async () => {
    await agents.get('m3')?.stop('SIGKILL');
    const expected = AGENTS.length - 1;
    const seen = await eventually(async () => {
      const s = await asViewer();
      return value(s, 'patchcast_connected_agents') === expected ? s : undefined;
    }, 'the gauge to drop after the agent was killed');
    assert.equal(value(seen, 'patchcast_connected_agents'), expected);
    assert.equal(value(await scrape(openUrl), 'patchcast_connected_agents'), expected);
  });

  test('every patchcast_ family is documented, and the dashboard uses only scraped names', async () => {
    const s: Scrape = await asViewer();
    const ours = s.families.map((f) => f.name).filter((n) => n.startsWith('patchcast_'));
    const root = new URL('../../../../../', import.meta.url);
    const docs = await readFile(new URL('docs/operations.md', root), 'utf8');
    for (const name of ours)
      assert.ok(docs.includes(`\`${name}\``), `${name} in docs/operations.md`);
    const dashboard = await readFile(new URL('examples/grafana/patchcast.json', root), 'utf8');
    JSON.parse(dashboard);
    const used = new Set(dashboard.match(/patchcast_[a-z_]+/g) ?? []);
    assert.ok(used.size >= 8, `the dashboard charts the metrics (${used.size})`);
    for (const name of used) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      assert.ok(ours.includes(base), `${name} on the dashboard is a scraped metric`);
    }
  });
});
