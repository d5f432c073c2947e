import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MACHINE_EVENTS,
  RESUME_POINTS,
  ROLLOUT_STATES,
  initialTransition,
  transition,
} from '../../src/rollout/index.js';
import type {
  MachineEvent,
  MachineShape,
  MachineState,
  RolloutStateName,
} from '../../src/rollout/index.js';

/** Four waves; the third (index 2) needs approval. States below are in wave index 1. */
const SHAPE: MachineShape = {
  approvals: [false, false, true, false],
  onFail: 'pause',
  onMarginal: 'continue',
};

const EVENTS: Record<string, MachineEvent> = {
  approve: { type: 'approve', wave: 1 },
  'approve-other': { type: 'approve', wave: 2 },
  'window-open': { type: 'window-open' },
  success: { type: 'success-threshold-reached' },
  failure: { type: 'failure-threshold-exceeded' },
  timeout: { type: 'wave-timeout' },
  bake: { type: 'bake-elapsed' },
  pass: { type: 'verdict', verdict: 'pass' },
  marginal: { type: 'verdict', verdict: 'marginal' },
  fail: { type: 'verdict', verdict: 'fail' },
  pause: { type: 'pause' },
  resume: { type: 'resume' },
  abort: { type: 'abort' },
  rollback: { type: 'rollback' },
  'rollback-complete': { type: 'rollback-complete' },
};

const X = 'refused';
const ALL_REFUSED = Object.fromEntries(Object.keys(EVENTS).map((e) => [e, X]));
const OPERATOR = { pause: 'paused', abort: 'aborted', rollback: 'rolling-back' };

/** The expected next state for every state and event, written out independently of the code. */
const EXPECTED: Record<string, Record<string, string>> = {
  'pending-approval': { ...ALL_REFUSED, ...OPERATOR, approve: 'waiting-window' },
  'waiting-window': { ...ALL_REFUSED, ...OPERATOR, 'window-open': 'in-wave' },
  'in-wave': {
    ...ALL_REFUSED,
    ...OPERATOR,
    success: 'baking',
    failure: 'paused',
    timeout: 'paused',
  },
  baking: { ...ALL_REFUSED, ...OPERATOR, bake: 'judging', failure: 'paused' },
  judging: {
    ...ALL_REFUSED,
    ...OPERATOR,
    pass: 'pending-approval',
    marginal: 'pending-approval',
    fail: 'paused',
    failure: 'paused',
  },
  'rolling-back': { ...ALL_REFUSED, 'rollback-complete': 'rolled-back', abort: 'aborted' },
  completed: { ...ALL_REFUSED, rollback: 'rolling-back' },
  aborted: { ...ALL_REFUSED, rollback: 'rolling-back' },
  'rolled-back': { ...ALL_REFUSED },
};
const RESUMED_TO: Record<string, string> = {
  'pending-approval': 'pending-approval',
  'waiting-window': 'waiting-window',
  'in-wave': 'in-wave',
  baking: 'baking',
  judging: 'judging',
  'next-wave': 'pending-approval',
};
for (const point of RESUME_POINTS) {
  EXPECTED[`paused:${point}`] = {
    ...ALL_REFUSED,
    abort: 'aborted',
    rollback: 'rolling-back',
    resume: RESUMED_TO[point] ?? X,
  };
}

function stateFor(key: string): MachineState {
  if (key.startsWith('paused:')) {
    const resume = RESUME_POINTS.find((p) => `paused:${p}` === key) ?? 'in-wave';
    return { name: 'paused', wave: 1, resume, reason: 'operator' };
  }
  return { name: key as Exclude<RolloutStateName, 'paused'>, wave: 1 };
}

test('transition: every state x every event, against the expected table', () => {
  let cells = 0;
  for (const [key, row] of Object.entries(EXPECTED)) {
    for (const [eventName, expected] of Object.entries(row)) {
      const state = stateFor(key);
      const before = structuredClone(state);
      const result = transition(state, EVENTS[eventName] as MachineEvent, SHAPE);
      const got = result.ok ? result.state.name : X;
      assert.equal(got, expected, `${key} + ${eventName}`);
      assert.deepEqual(state, before, 'the input state is never changed');
      if (!result.ok) {
        assert.equal(result.refusal.state, state.name);
        assert.equal(result.refusal.event, EVENTS[eventName]?.type);
      }
      cells += 1;
    }
  }
  assert.equal(
    cells,
    (ROLLOUT_STATES.length - 1 + RESUME_POINTS.length) * Object.keys(EVENTS).length,
  );
  const covered = new Set(Object.values(EVENTS).map((e) => e.type));
  assert.deepEqual([...covered].sort(), [...MACHINE_EVENTS].sort(), 'every event type is tried');
});

test('transition: stops roll back when the plan says so', () => {
  const shape: MachineShape = { ...SHAPE, onFail: 'rollback' };
  for (const [name, event] of [
    ['in-wave', EVENTS.failure],
    ['baking', EVENTS.failure],
    ['judging', EVENTS.fail],
  ] as const) {
    const result = transition({ name, wave: 1 }, event as MachineEvent, shape);
    assert.ok(result.ok);
    assert.equal(result.state.name, 'rolling-back');
    assert.deepEqual(result.effects, [{ type: 'roll-back' }]);
  }
  const timeout = transition({ name: 'in-wave', wave: 1 }, { type: 'wave-timeout' }, shape);
  assert.ok(timeout.ok && timeout.state.name === 'paused', 'a timeout is not the patch failing');
});

test('transition: verdicts, marginal policy and the last wave', () => {
  const judging: MachineState = { name: 'judging', wave: 0 };
  const pass = transition(judging, { type: 'verdict', verdict: 'pass' }, SHAPE);
  assert.deepEqual(pass, {
    ok: true,
    state: { name: 'waiting-window', wave: 1 },
    effects: [{ type: 'await-window', wave: 1 }],
  });
  const strict = { ...SHAPE, onMarginal: 'pause' as const };
  const marginal = transition(judging, { type: 'verdict', verdict: 'marginal' }, strict);
  assert.deepEqual(marginal.ok && marginal.state, {
    name: 'paused',
    wave: 0,
    resume: 'next-wave',
    reason: 'judge-marginal',
  });
  const fail = transition(judging, { type: 'verdict', verdict: 'fail' }, SHAPE);
  assert.deepEqual(fail.ok && fail.state, {
    name: 'paused',
    wave: 0,
    resume: 'next-wave',
    reason: 'judge-fail',
  });
  const last = transition(
    { name: 'judging', wave: 3 },
    { type: 'verdict', verdict: 'pass' },
    SHAPE,
  );
  assert.deepEqual(last, { ok: true, state: { name: 'completed', wave: 3 }, effects: [] });
  const gate = transition(
    { name: 'judging', wave: 1 },
    { type: 'verdict', verdict: 'pass' },
    SHAPE,
  );
  assert.deepEqual(gate.ok && gate.effects, [{ type: 'request-approval', wave: 2 }]);
});

test('transition: effects of entering each working state', () => {
  const effectOf = (state: MachineState, event: MachineEvent): unknown =>
    ((r) => (r.ok ? r.effects : null))(transition(state, event, SHAPE));
  assert.deepEqual(
    effectOf({ name: 'waiting-window', wave: 1 }, EVENTS['window-open'] as MachineEvent),
    [{ type: 'dispatch', wave: 1 }],
  );
  assert.deepEqual(effectOf({ name: 'in-wave', wave: 1 }, EVENTS.success as MachineEvent), [
    { type: 'start-bake', wave: 1 },
  ]);
  assert.deepEqual(effectOf({ name: 'baking', wave: 1 }, EVENTS.bake as MachineEvent), [
    { type: 'judge', wave: 1 },
  ]);
  const paused: MachineState = {
    name: 'paused',
    wave: 1,
    resume: 'in-wave',
    reason: 'failure-threshold',
  };
  assert.deepEqual(effectOf(paused, EVENTS.resume as MachineEvent), [
    { type: 'dispatch', wave: 1 },
  ]);
  const refused = transition(
    { name: 'pending-approval', wave: 1 },
    { type: 'approve', wave: 2 },
    SHAPE,
  );
  assert.ok(!refused.ok && /wave 2/.test(refused.refusal.reason));
});

test('transition: the first state depends on the first wave approval', () => {
  const open = initialTransition(SHAPE);
  assert.deepEqual(open.ok && open.state, { name: 'waiting-window', wave: 0 });
  const gated = initialTransition({ ...SHAPE, approvals: [true] });
  assert.deepEqual(gated.ok && gated.effects, [{ type: 'request-approval', wave: 0 }]);
});
