import type { FleetDevice, Labels, TargetSelector } from './plan.js';

export function matchesLabels(labels: Labels, device: FleetDevice): boolean {
  return Object.entries(labels).every(([key, value]) => device.labels[key] === value);
}

export function matchesSelector(selector: TargetSelector, device: FleetDevice): boolean {
  if ('all' in selector) return true;
  if ('labels' in selector) return matchesLabels(selector.labels, device);
  return selector.ids.includes(device.id);
}

/** True if some device could carry both label sets: no key is given two different values. */
export function labelsCompatible(a: Labels, b: Labels): boolean {
  return Object.entries(a).every(([key, value]) => b[key] === undefined || b[key] === value);
}

/** Ids present in both lists. */
export function sharedIds(a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(b);
  return a.filter((id) => set.has(id));
}

export function describeSelector(selector: TargetSelector): string {
  if ('all' in selector) return 'all devices';
  if ('labels' in selector)
    return Object.entries(selector.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
  return `ids ${selector.ids.join(',')}`;
}
