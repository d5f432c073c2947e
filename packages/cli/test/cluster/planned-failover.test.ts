/**
 * A planned rollout (a plan with two waves, the second behind an approval gate) across three real
 * `patchcast server` processes on one PostgreSQL database and one NATS JetStream. The rollout is
 * started on node 2, which drives it; the six agents are connected to nodes 1 and 3. The approval
 * of wave 2 is given on node 2 and node 2 is killed with SIGKILL at once, while wave 2's devices
 * are installing. Another node takes the lease over with a newer fencing token and finishes the
 * rollout; every device installs once and every device result is stored, journaled and logged
 * exactly once. Skipped visibly without PATCHCAST_TEST_PG and PATCHCAST_TEST_NATS. The operator's
 * commands (publish, rollout start, status, approve) run in the test process: they are not under test.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { clusterServices, startClusterNodes } from './cluster-services.js';
import type { ClusterNode } from './cluster-services.js';

interface Progress {
  id: string;
  state: string;
  phase: string;
  wave: number;
  waves: { name: string; devices: number; succeeded: number; failed: number }[];
  devices: { name: string; wave: number | null; state: string }[];
}

const CANARIES = ['canary-1', 'canary-2', 'canary-3'];
const OTHERS = ['main-1', 'main-2', 'main-3'];

/** Wave 1: the three canaries (the other three are its control); wave 2: the rest, approved. */
const PLAN = `version: 1
target: { all: true }
waves:
  - name: canary
    labels: { ring: canary }
    bake: 1s
  - name: rest
    rest: true
    bake: 1s
    approval: true
thresholds: { successPercent: 100, failurePercent: 0 }
installTimeout: 2m
judge:
  alpha: 0.5
  control: 3
  minSamples: 2
  failureRateTolerance: 10
  onMarginal: continue
onFail: pause
`;

const services = await clusterServices();

describe(
  'a planned rollout over three server nodes, its driving node killed mid-rollout',
  {
    skip: typeof services === 'string' ? services : false,
  },
  () => {
    let h: Harness | undefined;
    after(async () => {
      await h?.close();
      if (typeof services !== 'string') await services.drop();
    });

    test('another node takes the lease over, finishes both waves, and records every result once', async () => {
      if (typeof services === 'string') return;
      h = await Harness.create();
      const harness = h;
      const [node1, node2, node3] = (await startClusterNodes(harness, services)) as [
        ClusterNode,
        ClusterNode,
        ClusterNode,
      ];
      const agents = new Map<string, Proc>();
      const procs = (): [string, Proc][] => [
        ['node-1', node1.proc],
        ['node-2', node2.proc],
        ['node-3', node3.proc],
        ...agents.entries(),
      ];

      const scenario = async (): Promise<void> => {
        // agents on nodes 1 and 3 (alternating); node 2 is only their last fallback
        harness.server = node1.url;
        const names = [...CANARIES, ...OTHERS];
        for (const [i, name] of names.entries()) {
          const dirs = harness.agentDirs(name);
          const first = i % 2 === 0 ? node1.url : node3.url;
          const second = i % 2 === 0 ? node3.url : node1.url;
          const ring = CANARIES.includes(name) ? 'canary' : 'main';
          const { proc, match } = await harness.start(
            [
              'agent',
              ...['--server', [first, second, node2.url].join(','), '--data', dirs.data],
              ...['--root', dirs.root, '--name', name, '--label', `ring=${ring}`],
              ...['--enroll', await harness.enrollToken()],
            ],
            /connected to (http:\/\/[^\s]+)/,
          );
          assert.equal(match[1], first, `${name} connects to its first node`);
          agents.set(name, proc);
        }

        // published on node 1; the health check takes a while so that wave 2 is in flight at the kill
        const source = await writePatchSource(
          join(harness.dir, 'src'),
          { 'etc/app.conf': 'v=good\n' },
          {
            health: {
              command: 'sleep 2; grep -q v=good etc/app.conf || [ "$PATCHCAST_CONTROL" = 1 ]',
              timeoutSeconds: 30,
            },
          },
        );
        await harness.publish(source, 'app', '1.0.0');
        await writeFile(join(harness.dir, 'plan.yaml'), PLAN);

        // started on node 2, which takes the lease and drives it
        harness.server = node2.url;
        const started = await harness.hereJson<Progress>([
          'rollout',
          'start',
          'app@1.0.0',
          '--plan',
          join(harness.dir, 'plan.yaml'),
        ]);
        const lease = `rollout:${started.id}`;
        const holder = await services.sql<{ holder: string; token: string }>(
          'SELECT holder, token::text AS token FROM leases WHERE name = $1',
          [lease],
        );
        assert.equal(holder[0]?.holder, 'node-2', 'the node that started the rollout drives it');
        const status = (id: string) => harness.hereJson<Progress>(['rollout', 'status', id]);
        const gate = await eventually(
          async () => {
            const p = await status(started.id);
            return p.phase === 'pending-approval' || p.state !== 'in-progress' ? p : undefined;
          },
          'wave 1 to pass and wait for approval',
          90_000,
        );
        assert.equal(gate.phase, 'pending-approval', JSON.stringify(gate));
        assert.deepEqual(
          gate.waves.map((w) => w.succeeded),
          [3, 0],
        );

        // approved on node 2, which dies right after, while wave 2 installs
        await harness.hereJson(['rollout', 'approve', started.id]);
        await node2.proc.stop('SIGKILL');

        harness.server = node3.url;
        const done = await eventually(
          async () => {
            const p = await status(started.id);
            return p.state === 'in-progress' ? undefined : p;
          },
          'the rollout to complete on the surviving nodes',
          90_000,
        );
        assert.equal(done.state, 'completed', JSON.stringify(done));
        assert.deepEqual(
          done.waves.map((w) => [w.devices, w.succeeded, w.failed]),
          [
            [3, 3, 0],
            [3, 3, 0],
          ],
        );
        assert.deepEqual(
          done.devices.map((d) => d.state),
          Array<string>(6).fill('installed'),
        );

        const taken = await services.sql<{ holder: string; token: string }>(
          'SELECT holder, token::text AS token FROM leases WHERE name = $1',
          [lease],
        );
        assert.ok(
          ['node-1', 'node-3'].includes(taken[0]?.holder ?? ''),
          `a surviving node took over (holder ${taken[0]?.holder})`,
        );
        assert.ok(Number(taken[0]?.token) > Number(holder[0]?.token), 'with a newer fencing token');

        // every device result recorded exactly once: one final report row per device
        const finals = await services.sql<{ device_id: string; n: string }>(
          `SELECT device_id, count(*)::text AS n FROM reports
           WHERE rollout_id = $1 AND state IN ('installed', 'failed', 'rolled-back')
           GROUP BY device_id`,
          [started.id],
        );
        assert.equal(finals.length, 6);
        for (const row of finals)
          assert.equal(row.n, '1', `device ${row.device_id}: one final report`);

        // logged exactly once per device, with one completion
        const leaves = (await services.sql<{ leaf: Buffer }>('SELECT leaf FROM log_entries')).map(
          (r) => r.leaf.toString('utf8'),
        );
        const mine = leaves.filter((e) => e.includes(started.id));
        assert.equal(
          mine.filter((e) => e.includes('"device-result"')).length,
          6,
          'one device-result log entry per device',
        );
        assert.equal(
          mine.filter((e) => e.includes('"rollout-completed"')).length,
          1,
          'one rollout-completed log entry',
        );

        // each agent installed the patch once and has it
        for (const [name, proc] of agents) {
          assert.equal(
            await readFile(join(harness.agentDirs(name).root, 'etc/app.conf'), 'utf8'),
            'v=good\n',
          );
          const installs = proc.output().match(/app@1\.0\.0: installed/g) ?? [];
          assert.equal(installs.length, 1, `${name} installed app@1.0.0 exactly once`);
        }
      };
      try {
        await scenario();
      } catch (error) {
        // on failure, every node's and agent's output goes to the test log
        for (const [name, proc] of procs())
          process.stderr.write(`----- ${name} output -----\n${proc.output()}\n`);
        throw error;
      }
    });
  },
);
