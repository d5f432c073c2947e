/** Which webhook events an engine step's decisions make (features/webhooks/rollout-events.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rolloutEvents } from '../../src/features/webhooks/rollout-events.js';
import type { RolloutDecisionRecord } from '../../src/storage/rollout-engine-store.js';
import type { RolloutRecord } from '../../src/storage/store.js';

const rollout: RolloutRecord = {
  id: 'ro_1',
  patch: { name: 'p', version: '2' },
  targetPath: 'p/2/bundle.tar',
  selector: { all: true },
  state: 'in-progress',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'ops',
  completedAt: null,
};

let seq = 0;
function d(wave: number, from: string | null, to: string, event = 'x'): RolloutDecisionRecord {
  seq += 1;
  return { seq, at: '2026-01-01T00:00:00.000Z', wave, from, to, event, detail: '', by: null };
}
const types = (events: { body: string }[]) =>
  events.map((e) => {
    const body = JSON.parse(e.body) as { type: string; data: { wave?: number } };
    return body.type === 'rollout.wave.completed' ? `${body.type}:${body.data.wave}` : body.type;
  });

test('creation, a passed wave, a pause, and completion', () => {
  const created = [d(0, null, 'waiting-window', 'created'), d(0, 'waiting-window', 'in-wave')];
  assert.deepEqual(types(rolloutEvents(rollout, created, { waveAfter: 0, waves: 3 })), [
    'rollout.started',
  ]);
  const passed = [d(0, 'baking', 'judging'), d(0, 'judging', 'waiting-window', 'verdict')];
  assert.deepEqual(types(rolloutEvents(rollout, passed, { waveAfter: 1, waves: 3 })), [
    'rollout.wave.completed:1',
  ]);
  const paused = [d(1, 'judging', 'paused', 'verdict')];
  assert.deepEqual(types(rolloutEvents(rollout, paused, { waveAfter: 1, waves: 3 })), [
    'rollout.paused',
  ]);
  // resumed past the marginal wave: into wave 3's window, then the last wave completes.
  const resumed = [d(1, 'paused', 'waiting-window', 'resume'), d(2, 'waiting-window', 'in-wave')];
  assert.deepEqual(types(rolloutEvents(rollout, resumed, { waveAfter: 2, waves: 3 })), [
    'rollout.wave.completed:2',
  ]);
  const finish = { state: 'completed-with-failures', at: '2026-01-01T00:00:00.000Z' } as const;
  const last = rolloutEvents(rollout, [d(2, 'judging', 'completed', 'verdict')], {
    waveAfter: 2,
    waves: 3,
    finish,
  });
  assert.deepEqual(types(last), ['rollout.wave.completed:3', 'rollout.completed']);
  const done = JSON.parse(last[1]?.body ?? '{}') as { data: Record<string, unknown> };
  assert.deepEqual(
    [done.data['rolloutId'], done.data['state'], done.data['patch']],
    ['ro_1', 'completed-with-failures', { name: 'p', version: '2' }],
  );
});

test('a pause resumed into the same wave completes no wave; abort and rollback', () => {
  const resumed = [d(1, 'paused', 'waiting-window', 'resume')];
  assert.deepEqual(types(rolloutEvents(rollout, resumed, { waveAfter: 1, waves: 3 })), []);
  assert.deepEqual(
    types(
      rolloutEvents(rollout, [d(1, 'in-wave', 'aborted', 'abort')], { waveAfter: 1, waves: 3 }),
    ),
    ['rollout.aborted'],
  );
  const back = [d(2, 'completed', 'rolling-back', 'rollback'), d(2, 'rolling-back', 'rolled-back')];
  assert.deepEqual(types(rolloutEvents(rollout, back, { waveAfter: 2, waves: 3 })), [
    'rollout.rolled-back',
  ]);
});

test('the same decision gives the same event id; another decision another', () => {
  const one = d(0, 'in-wave', 'paused', 'pause');
  const [a] = rolloutEvents(rollout, [one], { waveAfter: 0, waves: 1 });
  const [b] = rolloutEvents(rollout, [one], { waveAfter: 0, waves: 1 });
  const [c] = rolloutEvents(rollout, [d(0, 'in-wave', 'paused', 'pause')], {
    waveAfter: 0,
    waves: 1,
  });
  assert.equal(a?.id, b?.id);
  assert.notEqual(a?.id, c?.id);
  assert.match(a?.id ?? '', /^msg_[0-9a-f]{32}$/);
});
