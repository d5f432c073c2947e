import { sha256Hex } from '../bytes.js';
import type { FleetDevice, JudgePlan, RolloutPlan, WavePlan, WaveSize } from './plan.js';
import { matchesLabels, selectorMatcher } from './selector.js';

/** A device's place in a rollout's order: SHA-256 of the rollout id and the device id. */
export function deviceRank(rolloutId: string, deviceId: string): string {
  return sha256Hex(`${rolloutId}\n${deviceId}`);
}

/** The plan's target devices in the rollout's deterministic hash order. */
export function orderTarget(
  plan: Pick<RolloutPlan, 'target'>,
  rolloutId: string,
  devices: readonly FleetDevice[],
): FleetDevice[] {
  return devices
    .filter(selectorMatcher(plan.target))
    .map((device) => ({ device, rank: deviceRank(rolloutId, device.id) }))
    .sort((a, b) => compareText(a.rank, b.rank) || compareText(a.device.id, b.device.id))
    .map(({ device }) => device);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function selects(size: WaveSize, device: FleetDevice): boolean {
  if ('labels' in size) return matchesLabels(size.labels, device);
  if ('ids' in size) return size.ids.includes(device.id);
  return false;
}

/**
 * Device ids per wave. Selector waves (labels, ids) take their devices first, in wave order;
 * then percent, count and rest waves take the remaining devices in hash order. Percentages are of
 * the whole target, rounded up; a last wave of a plan without `rest` takes what is left.
 */
export function assignWaves(
  waves: readonly WavePlan[],
  ordered: readonly FleetDevice[],
): string[][] {
  const claimed = new Set<string>();
  const bySelector = waves.map((wave) => {
    if (!('labels' in wave.size || 'ids' in wave.size)) return null;
    const picked = ordered.filter((d) => !claimed.has(d.id) && selects(wave.size, d));
    for (const d of picked) claimed.add(d.id);
    return picked.map((d) => d.id);
  });
  const remaining = ordered.filter((d) => !claimed.has(d.id)).map((d) => d.id);
  const lastQuantity = waves.findLastIndex((_, i) => bySelector[i] === null);
  let cursor = 0;
  return waves.map((wave, i) => {
    const fixed = bySelector[i];
    if (fixed !== undefined && fixed !== null) return fixed;
    const wanted = i === lastQuantity ? remaining.length : quantity(wave.size, ordered.length);
    const taken = remaining.slice(cursor, cursor + wanted);
    cursor += taken.length;
    return taken;
  });
}

function quantity(size: WaveSize, total: number): number {
  if ('percent' in size) return Math.ceil((total * size.percent) / 100 - 1e-9);
  if ('count' in size) return size.count;
  return Number.MAX_SAFE_INTEGER;
}

/**
 * Control cohorts: for each wave, devices that later waves will patch, taken from the end of the
 * rollout order so that the same devices serve as controls for as long as possible. The last
 * wave with devices has no control.
 */
export function chooseControls(
  waves: readonly (readonly string[])[],
  judge: JudgePlan,
): string[][] {
  return waves.map((wave, i) => {
    const later = waves.slice(i + 1).flat();
    const size = judge.controlSize === 'wave' ? wave.length : judge.controlSize;
    if (wave.length === 0 || size <= 0) return [];
    return later.slice(Math.max(0, later.length - size));
  });
}
