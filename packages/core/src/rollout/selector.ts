/**
 * Device selectors: which devices a rollout (or one of its waves) targets. One text grammar for
 * `--devices` (docs/rollouts.md "Selecting devices"), one matcher, and one explanation of a
 * selector that matches nothing.
 */
import { PatchcastError } from '../errors.js';
import type { FleetDevice, Labels, TargetSelector } from './plan.js';

export const LABEL_KEY = /^[a-zA-Z0-9._/-]{1,63}$/;
const MAX_LABEL_VALUE = 255;

/** The grammar as `--help` texts show it (each line indented by the caller's margin). */
export const SELECTOR_GRAMMAR = [
  'all                      every enrolled device',
  'KEY=VALUE[,KEY=VALUE...] devices that carry every one of these labels (AND),',
  '                         e.g. env=prod or env=prod,ring=canary',
  'id=ID[,ID...]            exactly these devices, e.g. id=dev_a,dev_b',
] as const;

const SYNTAX_HINT =
  'a selector is all, KEY=VALUE[,KEY=VALUE...] (every label, AND) or id=ID[,ID...]';

/** A parsed selector: a TargetSelector, and also the API's DeviceSelector. */
export type ParsedSelector = { all: true } | { labels: Record<string, string> } | { ids: string[] };

/** Parses the text form of a selector; USAGE naming the part that is wrong. */
export function parseSelector(text: string): ParsedSelector {
  const trimmed = text.trim();
  if (trimmed === 'all') return { all: true };
  if (trimmed.startsWith('id=')) return { ids: parseIds(trimmed.slice(3)) };
  const labels = new Map<string, string>();
  for (const part of trimmed.split(',')) {
    const [key, value] = splitLabel(part, trimmed);
    const earlier = labels.get(key);
    if (earlier !== undefined && earlier !== value) {
      throw selectorUsage(`"${trimmed}" asks for ${key}=${earlier} and ${key}=${value}`);
    }
    labels.set(key, value);
  }
  return { labels: Object.fromEntries(labels) };
}

function parseIds(list: string): string[] {
  const ids = list.split(',').map((id) => id.trim());
  const bad = ids.find((id) => id === '' || id.includes('='));
  if (bad !== undefined) {
    throw selectorUsage(
      bad === ''
        ? 'id= needs device ids separated by commas'
        : `id= takes device ids only, not "${bad}"`,
    );
  }
  return [...new Set(ids)];
}

/**
 * `KEY=VALUE` as [key, value]: the one label syntax of selectors, `--label` and `devices label`.
 * The value runs to the end (it may hold `=`, never `,`, which separates labels in a selector).
 */
export function splitLabel(part: string, whole = part, hint = SYNTAX_HINT): [string, string] {
  const fail = (message: string) => new PatchcastError('USAGE', message, { hint });
  const eq = part.indexOf('=');
  const key = part.slice(0, Math.max(eq, 0)).trim();
  const value = part.slice(eq + 1).trim();
  const where = whole === part ? '' : ` in "${whole}"`;
  if (eq < 0) throw fail(`"${part}"${where} is not KEY=VALUE`);
  if (!LABEL_KEY.test(key))
    throw fail(`"${key}"${where} is not a label name (1-63 of a-z A-Z 0-9 . _ / -)`);
  if (value === '' || value.length > MAX_LABEL_VALUE || value.includes(','))
    throw fail(
      `${key}=${where} needs a value of 1 to ${MAX_LABEL_VALUE} characters without commas`,
    );
  return [key, value];
}

function selectorUsage(message: string): PatchcastError {
  return new PatchcastError('USAGE', message, { hint: SYNTAX_HINT });
}

export function matchesLabels(labels: Labels, device: FleetDevice): boolean {
  return Object.entries(labels).every(([key, value]) => device.labels[key] === value);
}

export function matchesSelector(selector: TargetSelector, device: FleetDevice): boolean {
  if ('all' in selector) return true;
  if ('labels' in selector) return matchesLabels(selector.labels, device);
  return selector.ids.includes(device.id);
}

/** matchesSelector for many devices: an id list is looked up in a set, not scanned per device. */
export function selectorMatcher(selector: TargetSelector): (device: FleetDevice) => boolean {
  if ('all' in selector) return () => true;
  if ('labels' in selector) return (device) => matchesLabels(selector.labels, device);
  const ids = new Set(selector.ids);
  return (device) => ids.has(device.id);
}

/**
 * The devices a selector takes, in fleet order (ids: in the order given). Unknown ids are
 * NOT_FOUND; a selector that takes no device is INVALID_INPUT saying which part matched nothing.
 */
export function selectDevices<D extends FleetDevice>(
  devices: readonly D[],
  selector: TargetSelector,
): D[] {
  if ('ids' in selector) {
    const byId = new Map(devices.map((d) => [d.id, d]));
    const missing = selector.ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw new PatchcastError(
        'NOT_FOUND',
        `unknown device(s): ${missing.slice(0, 5).join(', ')}`,
        {
          hint: 'list devices with `patchcast devices`',
        },
      );
    }
    return [...new Set(selector.ids)].map((id) => byId.get(id) as D);
  }
  const chosen = devices.filter(selectorMatcher(selector));
  if (chosen.length === 0) {
    throw new PatchcastError(
      'INVALID_INPUT',
      `the selector ${describeSelector(selector)} matches no device: ${whyNoMatch(selector, devices)}`,
      {
        hint:
          devices.length === 0
            ? 'enroll agents first (`patchcast enroll-token create`, `patchcast agent --enroll`)'
            : 'see the labels with `patchcast devices`; change them with `patchcast devices label ID KEY=VALUE`',
      },
    );
  }
  return chosen;
}

/** Which label of the selector (taken in order) leaves no device, and what the devices have instead. */
export function whyNoMatch(selector: TargetSelector, devices: readonly FleetDevice[]): string {
  if (devices.length === 0) return 'no device is enrolled';
  if (!('labels' in selector)) return `${count(devices.length)} enrolled, none selected`;
  let remaining = devices;
  for (const [key, value] of Object.entries(selector.labels)) {
    const next = remaining.filter((d) => d.labels[key] === value);
    if (next.length === 0) {
      const first = remaining === devices;
      const lead = first
        ? `no device has ${key}=${value}`
        : `${count(remaining.length)} ${remaining.length === 1 ? 'has' : 'have'} ` +
          `${describeLabels(selectorPrefix(selector.labels, key))}, none of them has ${key}=${value}`;
      return `${lead} (${valuesOf(key, remaining, first)})`;
    }
    remaining = next;
  }
  return 'every label matches';
}

function selectorPrefix(labels: Labels, stop: string): Labels {
  const keys = Object.keys(labels);
  return Object.fromEntries(keys.slice(0, keys.indexOf(stop)).map((k) => [k, labels[k] ?? '']));
}

/** `ring is stable on 2, beta on 1 of them`, or `none of them has the label ring`. */
function valuesOf(key: string, devices: readonly FleetDevice[], first: boolean): string {
  const counts = new Map<string, number>();
  for (const d of devices) {
    const value = d.labels[key];
    if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  if (counts.size === 0) return `${first ? 'no device' : 'none of them'} has the label ${key}`;
  const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
  const more = counts.size > top.length ? ', ...' : '';
  const list = top.map(([value, n]) => `${value} on ${n}`).join(', ');
  return `${key} is ${list}${more}${first ? '' : ' of them'}`;
}

function count(n: number): string {
  return `${n} device${n === 1 ? '' : 's'}`;
}

function describeLabels(labels: Labels): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
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
  if ('labels' in selector) return describeLabels(selector.labels);
  return `ids ${selector.ids.join(',')}`;
}
