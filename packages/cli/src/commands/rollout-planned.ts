/** `rollout start --plan`, the operator actions, and status of planned rollouts. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { ROLLOUT_ACTIONS, parsePatchRef, parsePlan } from '@patchcast/protocol';
import type { PatchcastClient, RolloutAction, RolloutProgress } from '@patchcast/protocol';
import type { Invocation } from '../command.js';
import { boolFlag, stringFlag } from '../args.js';
import { printJson } from '../context.js';
import { progressCounts, renderProgress, watchProgress } from '../rollout-view.js';
import { exitCodeOf } from '../rollout-wait.js';
import { printWaitEnd, waitEndError, withWaitEnd } from '../rollout-wait-end.js';

/** `--allow-downgrade`: install below a device's installed version (logged; ADR 0017). */
export function downgradeFlag(invocation: Invocation): { allowDowngrade?: true } {
  return boolFlag(invocation, 'allow-downgrade') ? { allowDowngrade: true } : {};
}

export function isRolloutAction(action: string): action is RolloutAction {
  return (ROLLOUT_ACTIONS as readonly string[]).includes(action);
}

/** Reads and checks the plan here, so an error names the file's own line and field. */
export async function startPlanned(
  invocation: Invocation,
  client: PatchcastClient,
  ref: string,
  file: string,
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PatchcastError(
      'PLAN_INVALID',
      `cannot read plan ${file}: ${(error as Error).message}`,
      {
        hint: 'pass the path of a YAML or JSON rollout plan with --plan',
      },
    );
  }
  parsePlan(text, file);
  const progress = await client.createPlannedRollout({
    patch: parsePatchRef(ref),
    plan: text,
    planName: basename(file),
    expedite: boolFlag(invocation, 'expedite'),
    ...downgradeFlag(invocation),
    ...(boolFlag(invocation, 'allow-empty-waves') ? { allowEmptyWaves: true } : {}),
  });
  return showProgress(invocation, client, progress);
}

function waveFlag(invocation: Invocation): number | undefined {
  const text = stringFlag(invocation, 'wave');
  if (text === undefined) return undefined;
  const wave = Number(text);
  if (!Number.isInteger(wave) || wave < 1)
    throw new PatchcastError('USAGE', `--wave "${text}" must be a wave number (1, 2, ...)`);
  return wave;
}

/** An operator action; a rollback with --cascade first rolls back the rollouts installed over it. */
export async function act(
  invocation: Invocation,
  client: PatchcastClient,
  action: RolloutAction,
  id: string,
): Promise<RolloutProgress> {
  const wave = waveFlag(invocation);
  if (wave !== undefined && action !== 'approve')
    throw new PatchcastError('USAGE', '--wave goes with approve only');
  const cascade = boolFlag(invocation, 'cascade');
  if (cascade && action !== 'rollback')
    throw new PatchcastError('USAGE', '--cascade goes with rollback only');
  if (cascade) return cascadeRollback(invocation, client, id);
  return client.rolloutAction(id, action, wave === undefined ? {} : { wave });
}

/**
 * Rolls back, newest first, every later rollout installed over `id`, waiting for each, then `id`
 * (ADR 0015). The server picks each step; stopped half-way, the devices hold one version each,
 * and running it again goes on where it stopped.
 */
async function cascadeRollback(
  invocation: Invocation,
  client: PatchcastClient,
  id: string,
): Promise<RolloutProgress> {
  const { io } = invocation;
  for (;;) {
    const step = await client.rolloutAction(id, 'rollback', { cascade: true });
    if (step.id === id) return step;
    const ref = `${step.patch.name}@${step.patch.version}`;
    io.err(`rolling back ${step.id} (${ref}) first: it is installed over ${id}\n`);
    const done = await watchProgress(client, step.id, io, false);
    if (done.state !== 'rolled-back')
      throw new PatchcastError(
        'ROLLOUT_TRANSITION_REFUSED',
        `rollout ${step.id} did not finish rolling back (${done.state}, ${done.phase}); the cascade stops before ${id}`,
        { hint: `see \`patchcast rollout status ${step.id}\`, then run the cascade again` },
      );
    io.err(`rolled back ${step.id} (${ref})\n`);
  }
}

/** The planned view of a rollout, or undefined for a rollout started with --devices. */
export async function plannedProgress(
  client: PatchcastClient,
  id: string,
): Promise<RolloutProgress | undefined> {
  try {
    return await client.rolloutProgress(id);
  } catch (error) {
    if (error instanceof PatchcastError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/** `--watch` follows and redraws progress; `--wait` follows quietly (rollout-wait.ts). */
export function followFlags(invocation: Invocation): { follows: boolean; draw: boolean } {
  const watch = boolFlag(invocation, 'watch');
  const wait = boolFlag(invocation, 'wait');
  if (watch && wait) throw new PatchcastError('USAGE', 'give --watch or --wait, not both');
  return { follows: watch || wait, draw: watch };
}

export async function showProgress(
  invocation: Invocation,
  client: PatchcastClient,
  progress: RolloutProgress,
  action?: RolloutAction,
): Promise<number> {
  const json = boolFlag(invocation, 'json');
  const { follows, draw } = followFlags(invocation);
  if (follows) progress = await watchProgress(client, progress.id, invocation.io, draw && !json);
  const failure = follows ? waitEndError(progress, action) : undefined;
  const counts = progressCounts(progress);
  if (json) printJson(invocation, withWaitEnd({ ...progress, counts }, failure));
  else if (!follows || !draw) invocation.io.out(renderProgress(progress));
  if (failure !== undefined) printWaitEnd(invocation.io, failure);
  return follows ? exitCodeOf(progress, action) : 0;
}
