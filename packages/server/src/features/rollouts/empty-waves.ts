/** A planned rollout whose wave takes no device is refused at start (WAVE_EMPTY; ADR 0016). */
import { PatchcastError, emptyWaves, selectorMatcher } from '@patchcast/core';
import type { EngineState, FleetDevice } from '@patchcast/core';

/** Throws WAVE_EMPTY naming each empty wave, its selector and why it takes no device. */
export function assertNoEmptyWave(
  state: Readonly<EngineState>,
  fleet: readonly FleetDevice[],
): void {
  const target = fleet.filter(selectorMatcher(state.plan.target));
  const plans =
    state.expedited && state.plan.expedite !== undefined
      ? state.plan.expedite.waves
      : state.plan.waves;
  const empty = emptyWaves(
    plans,
    state.waves.map((w) => w.devices),
    target,
  );
  if (empty.length === 0) return;
  const text = empty
    .map((w) => `wave ${w.index + 1} (${w.name}, ${w.selector}) takes no device: ${w.why}`)
    .join('; ');
  throw new PatchcastError('WAVE_EMPTY', text, {
    hint: 'label devices for it (`patchcast devices label ID KEY=VALUE`), change the plan, or start with --allow-empty-waves if an empty wave is intended',
  });
}
