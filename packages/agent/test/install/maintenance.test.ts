import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeferralStopped, MaintenanceGate, loadMaintenanceGate } from '../../src/maintenance.js';
import { maintenanceStatus } from '../../src/maintenance-window.js';
import type { MaintenancePolicy } from '../../src/maintenance-window.js';

const at = (iso: string) => Date.parse(iso);

test('weekday time ranges: open inside, next start outside, wrapping midnight', () => {
  const monday: MaintenancePolicy = {
    windows: [{ days: ['mon'], start: '10:00', end: '11:00', timezone: 'UTC' }],
  };
  assert.deepEqual(maintenanceStatus(monday, at('2026-11-30T10:30:00Z')), { open: true }); // a Monday
  assert.deepEqual(maintenanceStatus(monday, at('2026-11-30T11:00:00Z')), {
    open: false,
    opensAt: at('2026-12-07T10:00:00Z'),
  });
  assert.deepEqual(maintenanceStatus(monday, at('2026-11-29T23:00:00Z')), {
    open: false,
    opensAt: at('2026-11-30T10:00:00Z'),
  });
  const night: MaintenancePolicy = {
    windows: [{ days: ['fri'], start: '22:00:00', end: '02:00:00', timezone: 'UTC' }],
  };
  assert.equal(maintenanceStatus(night, at('2026-11-28T01:59:59Z')).open, true); // Saturday early
  assert.equal(maintenanceStatus(night, at('2026-11-28T02:00:00Z')).open, false);
  assert.equal(maintenanceStatus(night, at('2026-11-28T23:00:00Z')).open, false); // Saturday night
});

test('time zones, cron windows, and no windows at all', () => {
  const berlin: MaintenancePolicy = {
    windows: [{ start: '09:00', end: '10:00', timezone: 'Europe/Berlin' }],
  };
  assert.equal(maintenanceStatus(berlin, at('2026-11-27T08:30:00Z')).open, true); // 09:30 CET
  assert.deepEqual(maintenanceStatus(berlin, at('2026-07-01T08:30:00Z')), {
    open: false,
    opensAt: at('2026-07-02T07:00:00Z'), // 09:00 CEST
  });
  const cron: MaintenancePolicy = {
    windows: [{ cron: '0 2 * * *', timezone: 'UTC', durationSeconds: 3600 }],
  };
  assert.equal(maintenanceStatus(cron, at('2026-11-27T02:59:00Z')).open, true);
  assert.deepEqual(maintenanceStatus(cron, at('2026-11-27T03:00:00Z')), {
    open: false,
    opensAt: at('2026-11-28T02:00:00Z'),
  });
  assert.deepEqual(maintenanceStatus({ windows: [] }, 0), { open: true });
});

test('the gate defers once, then lets the install through when the window opens', async () => {
  const opens = Date.now() + 300;
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const policy: MaintenancePolicy = {
    windows: [{ start: time(opens + 999), end: time(opens + 3_600_000), timezone: 'UTC' }],
  };
  const deferred: (number | null)[] = [];
  await new MaintenanceGate(policy).wait((until) => deferred.push(until));
  assert.equal(deferred.length, 1);
  assert.ok(Date.now() >= (deferred[0] ?? Infinity), 'released only once the window opened');
  await new MaintenanceGate(policy).wait(() => assert.fail('open now: not deferred'));
});

test('a deferral deadline installs outside a window; stopping ends a deferral quietly', async () => {
  const never: MaintenancePolicy = {
    windows: [{ cron: '0 0 29 2 *', timezone: 'UTC', durationSeconds: 60 }],
    maxDeferralSeconds: 1,
  };
  const calls: (number | null)[] = [];
  const started = Date.now();
  await new MaintenanceGate(never).wait((until) => calls.push(until));
  assert.ok(Date.now() >= started + 1000);
  assert.equal(calls.length, 1);
  const gate = new MaintenanceGate({ windows: never.windows });
  const waiting = gate.wait(() => gate.close());
  await assert.rejects(waiting, (error) => error instanceof DeferralStopped);
});

test('maintenance.json is validated: bad zone, bad time, unknown key', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-maintenance-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cases: [unknown, RegExp][] = [
    [
      { windows: [{ start: '01:00', end: '02:00', timezone: 'Mars/Olympus' }] },
      /timezone is not an IANA time zone/,
    ],
    [{ windows: [{ start: '25:00', end: '02:00', timezone: 'UTC' }] }, /start is not HH:MM/],
    [
      { windows: [{ cron: 'every day', timezone: 'UTC', durationSeconds: 60 }] },
      /cron is not a five-field/,
    ],
    [{ windows: [], extra: true }, /Unrecognized key/],
  ];
  for (const [policy, message] of cases) {
    await writeFile(join(dir, 'maintenance.json'), JSON.stringify(policy));
    await assert.rejects(loadMaintenanceGate(dir), { code: 'CONFIG_INVALID', message });
  }
  await writeFile(join(dir, 'maintenance.json'), '{ not json');
  await assert.rejects(loadMaintenanceGate(dir), {
    code: 'CONFIG_INVALID',
    message: /not valid JSON/,
  });
  await rm(join(dir, 'maintenance.json'));
  await (await loadMaintenanceGate(dir)).wait(() => assert.fail('no file: always open'));
});
