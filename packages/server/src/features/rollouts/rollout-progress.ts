/** The progress view of a planned rollout: waves, verdicts, decisions, per-device phases. */
import type { EngineState, MachineState, RolloutEngine, WaveView } from '@patchcast/core';
import type { RolloutProgress, WaveProgress } from '@patchcast/protocol';
import type { RolloutRecord, Store } from '../../storage/store.js';
import { deriveStatus, withStatus } from './device-status.js';
import type { StatusFacts } from './device-status.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function phaseOf(machine: MachineState): string {
  return machine.name === 'paused' ? `paused (${machine.reason})` : machine.name;
}

function waveOf(view: WaveView): WaveProgress {
  return {
    name: view.name,
    devices: view.devices,
    control: view.control,
    controlReports: view.controlReports,
    notified: view.notified,
    succeeded: view.succeeded,
    failed: view.failed,
    startedAt: iso(view.startedAt),
    bakeUntil: iso(view.bakeUntil),
    judgedAt: iso(view.judgedAt),
    verdict:
      view.verdict === null ? null : { ...view.verdict, findings: [...view.verdict.findings] },
  };
}

function healthOf(
  state: EngineState,
  deviceId: string,
): RolloutProgress['devices'][number]['health'] {
  const result = state.results[deviceId];
  if (result !== undefined) return { healthy: result.ok, metrics: { ...result.metrics } };
  for (const run of state.waves) {
    const control = run.controlReports[deviceId];
    if (control !== undefined) return { healthy: control.healthy, metrics: { ...control.metrics } };
  }
  return null;
}

export async function progressOf(
  store: Store,
  rollout: RolloutRecord,
  engine: RolloutEngine,
  presence: Pick<StatusFacts, 'online' | 'reconnecting' | 'now'>,
): Promise<RolloutProgress> {
  const state = engine.peek();
  const view = engine.view();
  const [assignments, devices, decisions, timings] = await Promise.all([
    store.assignments(rollout.id),
    store.rolloutEngine.fleet(),
    store.rolloutEngine.decisions(rollout.id),
    store.rolloutEngine.timings(rollout.id),
  ]);
  const names = new Map(devices.map((d) => [d.id, d.name]));
  const undone = state.rollback?.confirmed ?? {};
  const kept = state.rollback?.refused ?? {};
  const rows = assignments.map((a) => {
    const wave = state.deviceWave[a.deviceId];
    return {
      id: a.deviceId,
      name: names.get(a.deviceId) ?? a.deviceId,
      wave: wave === undefined ? null : wave + 1,
      state: undone[a.deviceId] === true ? ('rolled-back' as const) : a.state,
      error:
        kept[a.deviceId] === undefined
          ? a.error
          : { code: 'ROLLBACK_STALE', message: kept[a.deviceId] ?? '' },
      timings: timings.get(a.deviceId) ?? null,
      health: healthOf(state, a.deviceId),
      rebootRequired: a.rebootRequired === true && undone[a.deviceId] !== true,
    };
  });
  rows.sort((a, b) => (a.wave ?? 0) - (b.wave ?? 0) || a.name.localeCompare(b.name));
  const status = deriveStatus({
    ...presence,
    rolloutId: rollout.id,
    rolloutState: rollout.state,
    devices: rows,
    engine: state,
  });
  return {
    id: rollout.id,
    patch: rollout.patch,
    state: rollout.state,
    phase: phaseOf(view.state),
    wave: view.state.wave + 1,
    expedited: view.expedited,
    ...(state.plain === true ? { plain: true } : {}),
    // A finished rollout allows only what its engine allows: rollback of completed or aborted.
    allowed: engine.allowedOperatorInputs(),
    waves: view.waves.map(waveOf),
    rollback: view.rollback,
    decisions: decisions.map((d) => ({ ...d, wave: d.wave + 1 })),
    devices: withStatus(rows, status),
    outlook: status.outlook,
  };
}
