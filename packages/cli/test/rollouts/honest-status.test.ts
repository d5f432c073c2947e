/**
 * Honest status (issue 21 item 4, ADR 0016) with a real server and real agents on loopback: each
 * case of the issue's "Why" list. A canary wave that matches no device is refused at start
 * (WAVE_EMPTY); a plan whose window is hours away says when it opens and `--watch`/`--wait`
 * return; devices never notified in an aborted or rolled-back rollout say so; a plain rollout
 * with an offline device ends `--wait` naming it, and completes once the device is back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

interface DeviceRow {
  name: string;
  state: string;
  status: string;
  statusDetail: string;
  online: boolean;
  windowOpensAt: string | null;
  wave?: number | null;
}

interface Outlook {
  state: 'running' | 'waiting' | 'ended';
  waitingFor: 'operator' | 'devices' | 'window' | null;
  message: string;
  offline: string[];
  approvalWave: number | null;
  window: { open: boolean; opensAt: string | null; closesAt: string | null } | null;
}

interface Status {
  id: string;
  state: string;
  phase?: string;
  devices: DeviceRow[];
  outlook: Outlook;
}

const PROD = ['prod-1', 'prod-2', 'prod-3'];

/** The start of a whole minute 12 hours from now: a daily window that is surely closed now. */
function windowTwelveHoursAway(): { cron: string; opensAt: string } {
  const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 12 * 3_600_000);
  return {
    cron: `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`,
    opensAt: at.toISOString(),
  };
}

describe('honest rollout status with real server and agent processes', () => {
  let h: Harness;
  const agents = new Map<string, Proc>();
  const status = (id: string) => h.cliJson<Status>(['rollout', 'status', id]);
  const byName = (s: Status) => new Map(s.devices.map((d) => [d.name, d]));
  /** `--wait --json` (or other follow flags): the exit code and the JSON it printed. */
  const follow = async (args: readonly string[]) => {
    const result = await h.cli([...args, '--json']);
    assert.ok(result.stdout.length > 0, `no JSON (exit ${result.code}): ${result.stderr}`);
    return { code: result.code, json: JSON.parse(result.stdout) as Status, stderr: result.stderr };
  };
  let patchNo = 0;
  const publish = async () => {
    patchNo += 1;
    const name = `app-${patchNo}`;
    const source = await writePatchSource(join(h.dir, `src-${patchNo}`), {
      [`etc/${name}.conf`]: 'v=1\n',
    });
    await h.publish(source, name, '1.0.0');
    return `${name}@1.0.0`;
  };

  before(async () => {
    // A device counts as offline at once, not after the 30 s a reconnect may take (ADR 0016).
    process.env.PATCHCAST_OFFLINE_GRACE = '0';
    h = await Harness.create();
    await h.startServer();
    for (const name of PROD) agents.set(name, await h.startAgent(name, ['env=prod']));
  });
  after(() => h.close());

  test('a canary wave that matches no device is refused at start, naming wave, selector and why', async () => {
    const ref = await publish();
    await writeFile(
      join(h.dir, 'canary.yaml'),
      `version: 1
target: { labels: { env: prod } }
waves:
  - name: canary
    labels: { ring: canary }
    bake: 1s
  - name: everyone
    rest: true
    bake: 1s
`,
    );
    const refused = await h.cli(['rollout', 'start', ref, '--plan', 'canary.yaml']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(
      refused.stderr,
      /error\[WAVE_EMPTY\]: wave 1 \(canary, labels ring=canary\) takes no device: of the 3 target device\(s\), no device has ring=canary \(no device has the label ring\)/,
    );
    assert.match(refused.stderr, /hint: .*--allow-empty-waves/);
    const response = await fetch(`${h.server}/api/v1/rollouts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        patch: { name: ref.split('@')[0], version: '1.0.0' },
        plan: await readFile(join(h.dir, 'canary.yaml'), 'utf8'),
      }),
    });
    assert.equal(response.status, 409);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'WAVE_EMPTY');
    await writeFile(
      join(h.dir, 'nobody.yaml'),
      'version: 1\ntarget: { labels: { env: prdo } }\nwaves:\n  - { name: all, rest: true, bake: 1s }\n',
    );
    const nobody = await h.cli(['rollout', 'start', ref, '--plan', 'nobody.yaml']);
    assert.equal(nobody.code, 1);
    assert.match(
      nobody.stderr,
      /error\[INVALID_INPUT\]: the plan's target \(env=prdo\) matches no enrolled device: no device has env=prdo \(env is prod on 3\)/,
    );
    const both = await h.cli([
      'rollout',
      'start',
      ref,
      '--plan',
      'canary.yaml',
      '--watch',
      '--wait',
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /error\[USAGE\]: give --watch or --wait, not both/);
    const { rollouts } = await h.cliJson<{ rollouts: unknown[] }>(['rollout', 'list']);
    assert.equal(rollouts.length, 0, 'nothing was started');

    const allowed = await follow([
      'rollout',
      'start',
      ref,
      '--plan',
      'canary.yaml',
      '--allow-empty-waves',
      '--wait',
    ]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.json.state, 'completed');
    assert.deepEqual(
      allowed.json.devices.map((d) => d.status),
      ['installed', 'installed', 'installed'],
    );
    assert.equal(allowed.json.outlook.state, 'ended');
  });

  test('a plan whose window is 12 h away says when it opens; --watch and --wait return (exit 5)', async () => {
    const ref = await publish();
    const window = windowTwelveHoursAway();
    await writeFile(
      join(h.dir, 'window.yaml'),
      `version: 1
target: { labels: { env: prod } }
waves:
  - name: all
    percent: 100
    bake: 1s
maintenanceWindows:
  - cron: '${window.cron}'
    timezone: UTC
    duration: 1h
`,
    );
    const started = await follow(['rollout', 'start', ref, '--plan', 'window.yaml', '--wait']);
    assert.equal(started.code, 5, `waits for the window: ${started.stderr}`);
    const id = started.json.id;
    assert.equal(started.json.phase, 'waiting-window');
    assert.equal(started.json.outlook.state, 'waiting');
    assert.equal(started.json.outlook.waitingFor, 'window');
    assert.deepEqual(started.json.outlook.window, {
      open: false,
      opensAt: window.opensAt,
      closesAt: null,
    });
    assert.ok(started.json.outlook.message.includes(window.opensAt), started.json.outlook.message);
    for (const d of started.json.devices) {
      assert.equal(d.state, 'pending', 'the stored state is unchanged');
      assert.equal(d.status, 'deferred');
      assert.equal(d.windowOpensAt, window.opensAt);
    }

    const text = await h.cli(['rollout', 'status', id]);
    assert.equal(text.code, 0);
    assert.ok(text.stdout.includes(`next opens at ${window.opensAt}`), text.stdout);
    const watched = await h.cli(['rollout', 'status', id, '--watch']);
    assert.equal(watched.code, 5, watched.stdout + watched.stderr);
    assert.match(watched.stdout, /next: waiting for window: .*maintenance window opens at/);
    const plain = await follow(['rollout', 'status', id, '--wait']);
    assert.equal(plain.code, 5);
    // The plain view of the same rollout says the same.
    const response = await fetch(`${h.server}/api/v1/rollouts/${id}`, {
      headers: { authorization: `Bearer ${h.token}` },
    });
    const stored = (await response.json()) as Status;
    assert.equal(stored.outlook.waitingFor, 'window');
    assert.deepEqual(
      stored.devices.map((d) => [d.status, d.windowOpensAt]),
      PROD.map(() => ['deferred', window.opensAt]),
    );

    // Aborted before the window opened: no device was ever notified, and it says so.
    await h.cliJson(['rollout', 'abort', id]);
    const aborted = await status(id);
    assert.equal(aborted.state, 'aborted');
    assert.equal(aborted.outlook.state, 'ended');
    for (const d of aborted.devices) {
      assert.equal(d.status, 'not-notified');
      assert.match(d.statusDetail, /never sent the patch: the rollout ended \(aborted\) first/);
    }
    const done = await h.cli(['rollout', 'status', id, '--wait']);
    assert.equal(done.code, 1, 'an aborted rollout ended otherwise than completed');
    const device = aborted.devices[0] as DeviceRow & { id: string };
    const shown = await h.cliJson<{
      results: { rolloutId: string; state: string; status: string }[];
    }>(['devices', 'show', device.id]);
    const result = shown.results.find((r) => r.rolloutId === id);
    assert.deepEqual([result?.state, result?.status], ['pending', 'not-notified']);
  });

  test('devices of a wave never started show not-notified: behind approval, then rolled back', async () => {
    const ref = await publish();
    await writeFile(
      join(h.dir, 'gate.yaml'),
      `version: 1
target: { labels: { env: prod } }
waves:
  - name: first
    count: 1
    bake: 1s
  - name: gated
    rest: true
    bake: 1s
    approval: true
judge: { minSamples: 2 }
`,
    );
    const gate = await follow(['rollout', 'start', ref, '--plan', 'gate.yaml', '--wait']);
    assert.equal(gate.code, 3, `waits for an operator: ${gate.stderr}`);
    const id = gate.json.id;
    assert.equal(gate.json.outlook.waitingFor, 'operator');
    assert.equal(gate.json.outlook.approvalWave, 2);
    assert.ok(gate.json.outlook.message.includes(`patchcast rollout approve ${id}`));
    const gated = gate.json.devices.filter((d) => d.wave === 2);
    assert.equal(gated.length, 2);
    for (const d of gated) {
      assert.equal(d.status, 'not-notified');
      assert.match(d.statusDetail, /wave 2 \(gated\) awaits approval/);
    }
    assert.deepEqual(
      gate.json.devices.filter((d) => d.wave === 1).map((d) => d.status),
      ['installed'],
    );

    const rolled = await follow(['rollout', 'rollback', id, '--wait']);
    assert.equal(rolled.code, 0, `rolled back as asked: ${rolled.stderr}`);
    assert.equal(rolled.json.state, 'rolled-back');
    const rows = rolled.json.devices;
    assert.deepEqual(
      rows.filter((d) => d.wave === 1).map((d) => d.status),
      ['rolled-back'],
    );
    for (const d of rows.filter((r) => r.wave === 2)) {
      assert.equal(d.state, 'pending', 'stored as never notified');
      assert.equal(d.status, 'not-notified');
      assert.match(d.statusDetail, /the rollout ended \(rolled-back\) first/);
    }
  });

  test('a plain rollout with an offline device: --wait names it (exit 4), completes once it is back', async () => {
    const ref = await publish();
    await agents.get('prod-3')?.stop();
    await eventually(async () => {
      const { devices } = await h.cliJson<{ devices: { name: string; online: boolean }[] }>([
        'devices',
      ]);
      return devices.some((d) => d.name === 'prod-3' && !d.online) ? true : undefined;
    }, 'prod-3 to be offline');

    const started = await follow(['rollout', 'start', ref, '--devices', 'env=prod', '--wait']);
    assert.equal(started.code, 4, `waits for the offline device: ${started.stderr}`);
    const id = started.json.id;
    assert.equal(started.json.state, 'in-progress');
    assert.equal(started.json.outlook.waitingFor, 'devices');
    assert.deepEqual(started.json.outlook.offline, ['prod-3']);
    const rows = byName(started.json);
    assert.equal(rows.get('prod-1')?.status, 'installed');
    assert.equal(rows.get('prod-2')?.status, 'installed');
    assert.equal(rows.get('prod-3')?.status, 'offline');
    assert.equal(rows.get('prod-3')?.online, false);

    const watched = await h.cli(['rollout', 'status', id, '--watch']);
    assert.equal(watched.code, 4);
    assert.match(
      watched.stdout,
      /next: waiting for devices: .*offline device\(s\) to come back: prod-3/,
    );
    assert.match(watched.stdout, /prod-3 +offline {2}not connected/);

    agents.set('prod-3', await h.startAgent('prod-3'));
    const done = await follow(['rollout', 'status', id, '--wait']);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.json.state, 'completed');
    assert.equal(byName(done.json).get('prod-3')?.status, 'installed');
  });
});
