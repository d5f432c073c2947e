/** The exit codes and stop rule of `rollout status --watch|--wait` (rollout-wait.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RolloutOutlook } from '@patchcast/protocol';
import { WAIT_EXIT, exitCodeOf, outlookLines, stopsHere } from '../../src/rollout-wait.js';
import { waitEndError, withWaitEnd } from '../../src/rollout-wait-end.js';

const outlook = (over: Partial<RolloutOutlook>): RolloutOutlook => ({
  state: 'running',
  waitingFor: null,
  message: 'm',
  offline: [],
  approvalWave: null,
  window: null,
  ...over,
});
const installed = [{ state: 'installed', status: 'installed' }];

test('a running rollout is followed on; a waiting or ended one stops the follow', () => {
  assert.equal(stopsHere({ state: 'in-progress', outlook: outlook({}), devices: [] }), false);
  assert.equal(stopsHere({ state: 'in-progress', devices: [] }), false, 'an older server');
  const waiting = outlook({ state: 'waiting', waitingFor: 'devices' });
  assert.equal(stopsHere({ state: 'in-progress', outlook: waiting, devices: [] }), true);
  assert.equal(stopsHere({ state: 'aborted', devices: [] }), true);
});

test('exit codes: 0 only when completed with every device installed', () => {
  assert.equal(exitCodeOf({ state: 'completed', devices: installed }), WAIT_EXIT.completed);
  const cancelled = [...installed, { state: 'notified', status: 'cancelled' }];
  assert.equal(exitCodeOf({ state: 'completed', devices: cancelled }), 1);
  assert.equal(exitCodeOf({ state: 'completed-with-failures', devices: installed }), 1);
  assert.equal(exitCodeOf({ state: 'rolled-back', devices: [] }), 1);
  assert.equal(exitCodeOf({ state: 'rolled-back', devices: [] }, 'rollback'), 0, 'as asked');
  assert.equal(exitCodeOf({ state: 'aborted', devices: [] }, 'abort'), 0, 'as asked');
  assert.equal(exitCodeOf({ state: 'rolled-back', devices: [] }, 'abort'), 1);
  for (const [waitingFor, code] of [
    ['operator', 3],
    ['devices', 4],
    ['window', 5],
  ] as const) {
    const o = outlook({ state: 'waiting', waitingFor });
    assert.equal(exitCodeOf({ state: 'in-progress', outlook: o, devices: [] }), code);
  }
});

test('the outlook for people: the window first, then what is next', () => {
  const closed = outlook({
    state: 'waiting',
    waitingFor: 'window',
    message: 'wave 1 waits',
    window: { open: false, opensAt: '2026-12-07T21:00:00.000Z', closesAt: null },
  });
  assert.deepEqual(outlookLines(closed), [
    'maintenance window: closed; next opens at 2026-12-07T21:00:00.000Z',
    'next: waiting for window: wave 1 waits',
  ]);
  const open = outlook({
    window: { open: true, opensAt: null, closesAt: '2026-12-08T03:00:00.000Z' },
  });
  assert.equal(outlookLines(open)[0], 'maintenance window: open until 2026-12-08T03:00:00.000Z');
  assert.deepEqual(outlookLines(undefined), []);
});

test('a follow that does not exit 0 says why with a stable code; one that does, nothing', () => {
  const codeOf = (rollout: Parameters<typeof waitEndError>[0], action?: string) =>
    waitEndError(rollout, action)?.code;
  const id = 'r-1';
  assert.equal(codeOf({ id, state: 'completed', devices: installed }), undefined);
  assert.equal(codeOf({ id, state: 'rolled-back', devices: [] }, 'rollback'), undefined);
  assert.equal(codeOf({ id, state: 'aborted', devices: [] }), 'ROLLOUT_ABORTED');
  assert.equal(codeOf({ id, state: 'rolled-back', devices: [] }), 'ROLLOUT_ROLLED_BACK');
  const mixed = [...installed, { state: 'failed', status: 'failed' }];
  const failed = waitEndError({ id, state: 'completed-with-failures', devices: mixed });
  assert.equal(failed?.code, 'ROLLOUT_FAILED');
  assert.match(failed?.message ?? '', /1 failed of 2 devices not installed/);
  assert.match(failed?.hint ?? '', /`patchcast rollout status r-1`/, 'the hint names the rollout');
  const paused = outlook({ state: 'waiting', waitingFor: 'operator', message: 'resume it' });
  const pause = waitEndError({
    id,
    state: 'in-progress',
    phase: 'paused (judge-fail)',
    outlook: paused,
    devices: [],
  });
  assert.equal(pause?.code, 'ROLLOUT_PAUSED');
  assert.equal(pause?.message, 'rollout r-1 is paused (judge-fail); next: resume it');
  const gate = outlook({ state: 'waiting', waitingFor: 'operator', approvalWave: 2 });
  assert.equal(
    codeOf({ id, state: 'in-progress', outlook: gate, devices: [] }),
    'ROLLOUT_APPROVAL_NEEDED',
  );
  const offline = outlook({ state: 'waiting', waitingFor: 'devices', offline: ['host3'] });
  const waits = waitEndError({ id, state: 'in-progress', outlook: offline, devices: [] });
  assert.equal(waits?.code, 'ROLLOUT_WAITING');
  assert.match(waits?.message ?? '', /offline devices: host3/);
  const window = outlook({ state: 'waiting', waitingFor: 'window' });
  assert.equal(
    codeOf({ id, state: 'in-progress', outlook: window, devices: [] }),
    'ROLLOUT_WAITING',
  );
  assert.deepEqual(withWaitEnd({ id }, undefined), { id });
  assert.equal(withWaitEnd({ id }, pause).error?.code, 'ROLLOUT_PAUSED');
});
