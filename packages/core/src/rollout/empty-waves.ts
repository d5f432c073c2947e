/**
 * Waves that take no device when a rollout starts, and why (ADR 0016): a canary wave whose label
 * no target device carries is refused at start, not run as an empty wave that passes at once.
 */
import type { FleetDevice, Labels, WavePlan, WaveSize } from './plan.js';
import { matchesLabels, whyNoMatch } from './selector.js';

export interface EmptyWave {
  /** 0-based position in the waves the rollout runs. */
  readonly index: number;
  readonly name: string;
  /** The wave's selector as the plan writes it: `labels ring=canary`, `percent 5`, `rest`. */
  readonly selector: string;
  readonly why: string;
}

export function describeWaveSize(size: WaveSize): string {
  if ('labels' in size) return `labels ${labelText(size.labels)}`;
  if ('ids' in size) return `ids ${size.ids.join(',')}`;
  if ('percent' in size) return `percent ${size.percent}`;
  if ('count' in size) return `count ${size.count}`;
  return 'rest';
}

function labelText(labels: Labels): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/**
 * The waves that were assigned no device. `assigned[i]` holds the device ids of wave i (as the
 * engine assigned them); `target` the devices the plan's target selects.
 */
export function emptyWaves(
  waves: readonly WavePlan[],
  assigned: readonly (readonly string[])[],
  target: readonly FleetDevice[],
): EmptyWave[] {
  const owner = new Map<string, number>();
  assigned.forEach((ids, i) => ids.forEach((id) => owner.set(id, i)));
  const out: EmptyWave[] = [];
  waves.forEach((wave, index) => {
    if ((assigned[index]?.length ?? 0) > 0) return;
    const why = whyEmpty(wave.size, target, owner, waves);
    out.push({ index, name: wave.name, selector: describeWaveSize(wave.size), why });
  });
  return out;
}

function whyEmpty(
  size: WaveSize,
  target: readonly FleetDevice[],
  owner: ReadonlyMap<string, number>,
  waves: readonly WavePlan[],
): string {
  const of = `of the ${target.length} target device(s)`;
  if ('labels' in size) {
    const matching = target.filter((d) => matchesLabels(size.labels, d));
    if (matching.length === 0) return `${of}, ${whyNoMatch(size, target)}`;
    return `the ${matching.length} target device(s) with ${labelText(size.labels)} are taken by ${takenBy(matching, owner, waves)}`;
  }
  if ('ids' in size) {
    const inTarget = target.filter((d) => size.ids.includes(d.id));
    if (inTarget.length === 0) return `none of these ids is ${of.replace('of the', 'among the')}`;
    return `its device(s) are taken by ${takenBy(inTarget, owner, waves)}`;
  }
  return `no device is left: earlier waves take all ${target.length} target device(s)`;
}

function takenBy(
  devices: readonly FleetDevice[],
  owner: ReadonlyMap<string, number>,
  waves: readonly WavePlan[],
): string {
  const names = [...new Set(devices.map((d) => owner.get(d.id)))]
    .filter((i): i is number => i !== undefined)
    .map((i) => `wave ${i + 1} (${waves[i]?.name ?? '?'})`);
  return names.length === 0 ? 'no wave' : `earlier ${names.join(', ')}`;
}
