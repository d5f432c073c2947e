/** "affected[].ranges[]": a typed range whose events obey the schema's "Requirements". */
import { InputProblem } from './input-problem.js';
import type { VersionEcosystem } from '../versions/index.js';
import {
  asArray,
  asNonEmptyString,
  asRecord,
  childPath,
  optionalRecord,
  optionalString,
  requiredField,
} from './json-reader.js';
import { OSV_EVENT_KINDS, OSV_LIMITS, OSV_RANGE_TYPES } from './osv-record.js';
import type { OsvEvent, OsvEventKind, OsvRange, OsvRangeType } from './osv-record.js';
import { checkVersion } from './osv-version-check.js';
import { orderingOf } from './osv-ecosystem.js';

function isEventKind(key: string): key is OsvEventKind {
  return (OSV_EVENT_KINDS as readonly string[]).includes(key);
}

function isRangeType(value: string): value is OsvRangeType {
  return (OSV_RANGE_TYPES as readonly string[]).includes(value);
}

/** "Only a single type ... is allowed in each event object." */
function parseEvent(value: unknown, path: string): OsvEvent {
  const keys = Object.keys(asRecord(value, path));
  const [kind] = keys;
  if (keys.length !== 1 || kind === undefined || !isEventKind(kind)) {
    const found = keys.length === 0 ? 'none' : keys.join(', ');
    throw new InputProblem(
      path,
      `an event needs exactly one of ${OSV_EVENT_KINDS.join(', ')}; found ${found}`,
    );
  }
  const version = asNonEmptyString(
    asRecord(value, path)[kind],
    childPath(path, kind),
    OSV_LIMITS.nameLength,
  );
  return { kind, version };
}

/** "There must be at least one introduced"; "either last_affected or fixed events, but not both". */
function checkEventSet(events: readonly OsvEvent[], path: string): void {
  const has = (kind: OsvEventKind) => events.some((e) => e.kind === kind);
  if (!has('introduced'))
    throw new InputProblem(path, 'a range needs at least one "introduced" event');
  if (has('fixed') && has('last_affected')) {
    throw new InputProblem(path, 'a range may have "fixed" or "last_affected" events, not both');
  }
}

function isSpecial(event: OsvEvent): boolean {
  return (
    (event.kind === 'introduced' && event.version === '0') ||
    (event.kind === 'limit' && event.version === '*')
  );
}

function checkEventVersions(
  events: readonly OsvEvent[],
  ordering: VersionEcosystem,
  path: string,
): void {
  events.forEach((event, i) => {
    if (!isSpecial(event))
      checkVersion(ordering, event.version, childPath(childPath(path, i), event.kind));
  });
}

function parseType(record: Readonly<Record<string, unknown>>, path: string): OsvRangeType {
  const type = asNonEmptyString(requiredField(record, 'type', path), childPath(path, 'type'), 64);
  if (!isRangeType(type)) {
    throw new InputProblem(
      childPath(path, 'type'),
      `must be one of ${OSV_RANGE_TYPES.join(', ')}, not ${JSON.stringify(type)}`,
    );
  }
  return type;
}

export function parseRange(value: unknown, path: string, ecosystem: string | undefined): OsvRange {
  const record = asRecord(value, path);
  const type = parseType(record, path);
  const repo = optionalString(record, 'repo', path, OSV_LIMITS.nameLength);
  if (type === 'GIT' && repo === undefined)
    throw new InputProblem(childPath(path, 'repo'), 'is required for GIT ranges');
  optionalRecord(record, 'database_specific', path);
  const eventsPath = childPath(path, 'events');
  const events = asArray(requiredField(record, 'events', path), eventsPath, OSV_LIMITS.events).map(
    (e, i) => parseEvent(e, childPath(eventsPath, i)),
  );
  checkEventSet(events, eventsPath);
  const ordering =
    ecosystem === undefined
      ? type === 'SEMVER'
        ? 'SemVer'
        : undefined
      : orderingOf(ecosystem, type);
  if (ordering !== undefined) checkEventVersions(events, ordering, eventsPath);
  return { type, repo, events };
}
