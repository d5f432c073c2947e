import type {
  MachineEffect,
  MachineEvent,
  MachineShape,
  MachineState,
  PauseReason,
  ResumePoint,
  RolloutStateName,
  TransitionResult,
} from './states.js';

type Handler = (state: MachineState, event: MachineEvent, shape: MachineShape) => TransitionResult;
type HandlerTable = Readonly<Partial<Record<MachineEvent['type'], Handler>>>;

function to(state: MachineState, ...effects: MachineEffect[]): TransitionResult {
  return { ok: true, state, effects };
}

function refuse(state: MachineState, event: MachineEvent, reason: string): TransitionResult {
  return { ok: false, refusal: { state: state.name, event: event.type, reason } };
}

function paused(wave: number, resume: ResumePoint, reason: PauseReason): TransitionResult {
  return to({ name: 'paused', wave, resume, reason });
}

/** After a wave passed: the next wave (behind its approval gate), or completion. */
function advance(wave: number, shape: MachineShape): TransitionResult {
  const next = wave + 1;
  if (next >= shape.approvals.length) return to({ name: 'completed', wave });
  if (shape.approvals[next] === true)
    return to({ name: 'pending-approval', wave: next }, { type: 'request-approval', wave: next });
  return to({ name: 'waiting-window', wave: next }, { type: 'await-window', wave: next });
}

/** The patch looks harmful: pause or roll back as the plan says. */
function stop(wave: number, shape: MachineShape, reason: PauseReason, resume: ResumePoint) {
  if (shape.onFail === 'rollback') return to({ name: 'rolling-back', wave }, { type: 'roll-back' });
  return paused(wave, resume, reason);
}

function operatorControls(resume: ResumePoint): HandlerTable {
  return {
    pause: (s) => paused(s.wave, resume, 'operator'),
    abort: (s) => to({ name: 'aborted', wave: s.wave }),
    rollback: (s) => to({ name: 'rolling-back', wave: s.wave }, { type: 'roll-back' }),
  };
}

function resumeTo(point: ResumePoint, wave: number, shape: MachineShape): TransitionResult {
  switch (point) {
    case 'pending-approval':
      return to({ name: point, wave }, { type: 'request-approval', wave });
    case 'waiting-window':
      return to({ name: point, wave }, { type: 'await-window', wave });
    case 'in-wave':
      return to({ name: point, wave }, { type: 'dispatch', wave });
    case 'baking':
      return to({ name: point, wave }, { type: 'start-bake', wave });
    case 'judging':
      return to({ name: point, wave }, { type: 'judge', wave });
    case 'next-wave':
      return advance(wave, shape);
  }
}

function onVerdict(state: MachineState, event: MachineEvent, shape: MachineShape) {
  const verdict = event.type === 'verdict' ? event.verdict : 'fail';
  if (verdict === 'pass') return advance(state.wave, shape);
  if (verdict === 'fail') return stop(state.wave, shape, 'judge-fail', 'next-wave');
  if (shape.onMarginal === 'continue') return advance(state.wave, shape);
  return paused(state.wave, 'next-wave', 'judge-marginal');
}

const TABLE: Readonly<Record<RolloutStateName, HandlerTable>> = {
  'pending-approval': {
    approve: (s, e, shape) =>
      e.type === 'approve' && e.wave === s.wave
        ? resumeTo('waiting-window', s.wave, shape)
        : refuse(s, e, `the pending approval is for wave ${s.wave + 1}`),
    ...operatorControls('pending-approval'),
  },
  'waiting-window': {
    'window-open': (s) => to({ name: 'in-wave', wave: s.wave }, { type: 'dispatch', wave: s.wave }),
    ...operatorControls('waiting-window'),
  },
  'in-wave': {
    'success-threshold-reached': (s) =>
      to({ name: 'baking', wave: s.wave }, { type: 'start-bake', wave: s.wave }),
    'failure-threshold-exceeded': (s, _e, shape) =>
      stop(s.wave, shape, 'failure-threshold', 'in-wave'),
    'wave-timeout': (s) => paused(s.wave, 'in-wave', 'wave-timeout'),
    ...operatorControls('in-wave'),
  },
  baking: {
    'bake-elapsed': (s) => to({ name: 'judging', wave: s.wave }, { type: 'judge', wave: s.wave }),
    'failure-threshold-exceeded': (s, _e, shape) =>
      stop(s.wave, shape, 'failure-threshold', 'baking'),
    ...operatorControls('baking'),
  },
  judging: {
    verdict: onVerdict,
    'failure-threshold-exceeded': (s, _e, shape) =>
      stop(s.wave, shape, 'failure-threshold', 'judging'),
    ...operatorControls('judging'),
  },
  paused: {
    resume: (s, _e, shape) => (s.name === 'paused' ? resumeTo(s.resume, s.wave, shape) : to(s)),
    abort: (s) => to({ name: 'aborted', wave: s.wave }),
    rollback: (s) => to({ name: 'rolling-back', wave: s.wave }, { type: 'roll-back' }),
  },
  'rolling-back': {
    'rollback-complete': (s) => to({ name: 'rolled-back', wave: s.wave }),
    abort: (s) => to({ name: 'aborted', wave: s.wave }),
  },
  completed: {
    rollback: (s) => to({ name: 'rolling-back', wave: s.wave }, { type: 'roll-back' }),
  },
  aborted: {
    rollback: (s) => to({ name: 'rolling-back', wave: s.wave }, { type: 'roll-back' }),
  },
  'rolled-back': {},
};

/**
 * The rollout state machine: a pure function of the state, one event and the plan's shape.
 * An event the state does not accept gives a typed refusal and changes nothing.
 */
export function transition(
  state: MachineState,
  event: MachineEvent,
  shape: MachineShape,
): TransitionResult {
  const handler = TABLE[state.name][event.type];
  if (handler === undefined)
    return refuse(state, event, `${event.type} is not allowed while ${state.name}`);
  return handler(state, event, shape);
}

/** The state a new rollout starts in, and what to do first. */
export function initialTransition(shape: MachineShape): TransitionResult {
  return advance(-1, shape);
}
