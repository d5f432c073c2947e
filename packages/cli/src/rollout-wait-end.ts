/**
 * Why a followed rollout (`--wait`, `--watch`) did not end well, as one error with a stable code,
 * so that a pipeline fails closed and says why: it ended otherwise (ROLLOUT_FAILED, _ABORTED,
 * _ROLLED_BACK) or waits for something outside it (ROLLOUT_PAUSED, _APPROVAL_NEEDED, _WAITING).
 * The exit code stays the one of WAIT_EXIT (rollout-wait.ts).
 */
import { ERROR_CATALOG, PatchcastError } from '@patchcast/core';
import type { ErrorCode } from '@patchcast/core';
import type { Io } from './command.js';
import { WAIT_EXIT, exitCodeOf } from './rollout-wait.js';
import type { Followed } from './rollout-wait.js';

export interface FollowedRollout extends Followed {
  readonly id: string;
  /** A planned rollout's engine state, e.g. `paused (judge-fail)`. */
  readonly phase?: string | undefined;
}

/** Undefined when the follow ended with exit 0. */
export function waitEndError(
  rollout: FollowedRollout,
  action?: string,
): PatchcastError | undefined {
  const exit = exitCodeOf(rollout, action);
  if (exit === WAIT_EXIT.completed) return undefined;
  const [code, why] = reasonOf(rollout);
  const next = rollout.outlook?.message;
  const message = `rollout ${rollout.id} ${why}${next === undefined ? '' : `; next: ${next}`}`;
  return new PatchcastError(code, message, {
    hint: ERROR_CATALOG[code].hint.replaceAll(' ID', ` ${rollout.id}`),
  });
}

function reasonOf(rollout: FollowedRollout): [ErrorCode, string] {
  const { state, outlook } = rollout;
  if (state === 'aborted') return ['ROLLOUT_ABORTED', 'was aborted'];
  if (state === 'rolled-back') return ['ROLLOUT_ROLLED_BACK', 'was rolled back'];
  if (state !== 'in-progress')
    return ['ROLLOUT_FAILED', `ended ${state}: ${notInstalled(rollout.devices)}`];
  if (outlook?.waitingFor === 'operator') {
    if (outlook.approvalWave !== null)
      return ['ROLLOUT_APPROVAL_NEEDED', `waits for approval of wave ${outlook.approvalWave}`];
    return ['ROLLOUT_PAUSED', `is ${rollout.phase ?? 'paused'}`];
  }
  if (outlook?.waitingFor === 'devices')
    return ['ROLLOUT_WAITING', `waits for offline devices: ${outlook.offline.join(', ')}`];
  const opens = outlook?.window?.opensAt;
  return ['ROLLOUT_WAITING', `waits for a maintenance window${opens ? ` (opens ${opens})` : ''}`];
}

/** `2 failed, 1 cancelled of 5 devices not installed`. */
function notInstalled(devices: Followed['devices']): string {
  const counts = new Map<string, number>();
  for (const d of devices) {
    const status = d.status ?? d.state;
    if (status !== 'installed') counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const parts = [...counts].map(([status, n]) => `${n} ${status}`);
  return `${parts.length === 0 ? 'none' : parts.join(', ')} of ${devices.length} devices not installed`;
}

/** The error line, as main.ts prints every error: `error[CODE]: cause` and `  hint: ...`. */
export function printWaitEnd(io: Io, error: PatchcastError): void {
  io.err(`error[${error.code}]: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`);
}

/** The JSON of a followed rollout carries the same error, so one document says it all. */
export function withWaitEnd<T extends object>(
  value: T,
  error: PatchcastError | undefined,
): T & { readonly error?: { code: string; message: string; hint?: string } } {
  if (error === undefined) return value;
  const { code, message, hint } = error;
  return { ...value, error: { code, message, ...(hint === undefined ? {} : { hint }) } };
}
