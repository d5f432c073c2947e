import type { FleetDevice, Labels, RolloutPlan, WavePlan } from './plan.js';
import { effectiveWaves } from './engine-create.js';

function targetLabels(plan: RolloutPlan): Labels {
  return 'labels' in plan.target ? plan.target.labels : {};
}

function simulatedIds(plan: RolloutPlan, count: number): string[] {
  const named = 'ids' in plan.target ? plan.target.ids : [];
  const width = String(count).length;
  return Array.from(
    { length: count },
    (_, i) => named[i] ?? `sim-${String(i + 1).padStart(width, '0')}`,
  );
}

/** Gives every label or id wave's selector to its own slice of the simulated fleet. */
function selectorLabels(waves: readonly WavePlan[], count: number, share: number): Labels[] {
  const extra: Labels[] = Array.from({ length: count }, () => ({}));
  const slice = Math.max(1, Math.ceil(count * share));
  let next = 0;
  for (const wave of waves) {
    if (!('labels' in wave.size)) continue;
    for (let i = 0; i < slice && next < count; i += 1, next += 1) extra[next] = wave.size.labels;
  }
  return extra;
}

/** A synthetic fleet that the plan's target selector matches in full. */
export function simulatedFleet(
  plan: RolloutPlan,
  count: number,
  share: number,
  expedite: boolean,
): FleetDevice[] {
  const waves = effectiveWaves(plan, expedite);
  const ids = simulatedIds(plan, count);
  const idWaves = waves.flatMap((w) => ('ids' in w.size ? w.size.ids : []));
  idWaves.forEach((id, i) => {
    if (i < count && !ids.includes(id)) ids[count - 1 - i] = id;
  });
  const extra = selectorLabels(waves, count, share);
  const base = targetLabels(plan);
  return ids.map((id, i) => ({ id, labels: { ...(extra[i] ?? {}), ...base } }));
}
