/**
 * What a device that just connected must be sent again. A notice missed while offline is never
 * lost; a planned rollout resends only what its engine released to the device and still waits
 * for: an install notice, the control cohort's health request, a rollback command.
 */
import type { EngineState, RolloutStateName } from '@patchcast/core';
import type { Store } from '../../storage/store.js';
import type { RolloutDriver } from './rollout-driver.js';
import { rolloutNotice } from './rollout-notice.js';
import type { PendingForDevice } from './rollout-service.js';

const INSTALLING: ReadonlySet<RolloutStateName> = new Set(['in-wave', 'baking', 'judging']);

export async function pendingCommands(
  store: Store,
  driver: RolloutDriver,
  deviceId: string,
): Promise<PendingForDevice> {
  const notices: PendingForDevice['notices'] = [];
  for (const assignment of await store.openAssignments(deviceId)) {
    const rollout = await store.getRollout(assignment.rolloutId);
    if (rollout?.state !== 'in-progress') continue;
    // Driven on another node (or not at all): its stored snapshot says what it released.
    const state = driver.peek(rollout.id) ?? (await storedState(store, rollout.id));
    const release = state === undefined || awaitsInstall(state, deviceId);
    if (release) notices.push(rolloutNotice(rollout, [deviceId]));
  }
  return { notices, commands: await plannedCommands(store, driver, deviceId) };
}

/** Undefined for a rollout without an engine (a plain one of an older server). */
async function storedState(store: Store, rolloutId: string): Promise<EngineState | undefined> {
  const saved = await store.rolloutEngine.load(rolloutId);
  return saved === undefined ? undefined : (JSON.parse(saved.snapshot) as EngineState);
}

function awaitsInstall(state: Readonly<EngineState>, deviceId: string): boolean {
  return (
    INSTALLING.has(state.machine.name) &&
    state.dispatchedAt[deviceId] !== undefined &&
    state.results[deviceId] === undefined
  );
}

async function plannedCommands(
  store: Store,
  driver: RolloutDriver,
  deviceId: string,
): Promise<PendingForDevice['commands']> {
  const commands: PendingForDevice['commands'] = [];
  for (const id of driver.runningIds()) {
    const state = driver.peek(id);
    const rollout = state === undefined ? undefined : await store.getRollout(id);
    if (state === undefined || rollout === undefined) continue;
    const base = { rolloutId: id, patch: rollout.patch, targetPath: rollout.targetPath };
    if (state.rollback?.waiting[deviceId] === true)
      commands.push({ ...base, kind: 'rollback', wave: 0, deviceIds: [deviceId] });
    const wave = state.machine.wave;
    const run = state.waves[wave];
    if (
      run !== undefined &&
      INSTALLING.has(state.machine.name) &&
      run.judgedAt === null &&
      run.control.includes(deviceId) &&
      run.controlReports[deviceId] === undefined
    )
      commands.push({ ...base, kind: 'health-request', wave, deviceIds: [deviceId] });
  }
  return [...commands, ...(await rollbacksElsewhere(store, driver, deviceId))];
}

/** How many of a device's latest results are searched for an undo another node waits for. */
const RECENT = 50;

/**
 * Rollback commands of rollouts another node drives (a cluster): a device that was away while
 * the command went out reconnects to any node. Only rollouts in which the device's install is
 * still `installed` and that are in progress are read, from their stored engine state.
 */
async function rollbacksElsewhere(
  store: Store,
  driver: RolloutDriver,
  deviceId: string,
): Promise<PendingForDevice['commands']> {
  const commands: PendingForDevice['commands'] = [];
  for (const result of await store.deviceResults.recent(deviceId, RECENT)) {
    if (result.state !== 'installed' || driver.has(result.rolloutId)) continue;
    const rollout = await store.getRollout(result.rolloutId);
    if (rollout?.state !== 'in-progress') continue;
    const state = await storedState(store, rollout.id);
    if (state?.rollback?.waiting[deviceId] !== true) continue;
    const base = { rolloutId: rollout.id, patch: rollout.patch, targetPath: rollout.targetPath };
    commands.push({ ...base, kind: 'rollback', wave: 0, deviceIds: [deviceId] });
  }
  return commands;
}
