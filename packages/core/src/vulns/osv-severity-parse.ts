/** "severity[]": typed scores; CVSS vectors must parse and score. */
import { scoreCvss3 } from './cvss-v3.js';
import { scoreCvss4 } from './cvss-v4.js';
import { InputProblem } from './input-problem.js';
import {
  asNonEmptyString,
  asRecord,
  childPath,
  optionalArray,
  requiredField,
} from './json-reader.js';
import type { JsonRecord } from './json-reader.js';
import { OSV_LIMITS, OSV_SEVERITY_TYPES } from './osv-record.js';
import type { OsvSeverity, OsvSeverityType } from './osv-record.js';

/** CVSS v2 vectors are checked for shape only: Patchcast does not score v2. */
const CVSS2 =
  /^(?:AV:[LAN]\/AC:[HML]\/Au:[MSN]\/C:[NPC]\/I:[NPC]\/A:[NPC])(?:\/[A-Za-z]+:[A-Za-z]+)*$/;

function isSeverityType(value: string): value is OsvSeverityType {
  return (OSV_SEVERITY_TYPES as readonly string[]).includes(value);
}

function scoreProblem(type: OsvSeverityType, score: string): string | undefined {
  if (type === 'CVSS_V3') {
    const result = scoreCvss3(score);
    return result.ok ? undefined : `invalid CVSS v3 vector: ${result.reason}`;
  }
  if (type === 'CVSS_V4') {
    const result = scoreCvss4(score);
    return result.ok ? undefined : `invalid CVSS v4 vector: ${result.reason}`;
  }
  return type === 'CVSS_V2' && !CVSS2.test(score) ? 'invalid CVSS v2 vector' : undefined;
}

function parseSeverity(value: unknown, path: string): OsvSeverity {
  const record = asRecord(value, path);
  const type = asNonEmptyString(requiredField(record, 'type', path), childPath(path, 'type'), 64);
  if (!isSeverityType(type)) {
    const allowed = OSV_SEVERITY_TYPES.join(', ');
    throw new InputProblem(
      childPath(path, 'type'),
      `must be one of ${allowed}, not ${JSON.stringify(type)}`,
    );
  }
  const scorePath = childPath(path, 'score');
  const score = asNonEmptyString(
    requiredField(record, 'score', path),
    scorePath,
    OSV_LIMITS.nameLength,
  );
  const problem = scoreProblem(type, score);
  if (problem !== undefined) throw new InputProblem(scorePath, problem);
  return { type, score };
}

export function parseSeverities(record: JsonRecord, path: string): readonly OsvSeverity[] {
  const at = childPath(path, 'severity');
  return optionalArray(record, 'severity', path, OSV_LIMITS.listItems).map((s, i) =>
    parseSeverity(s, childPath(at, i)),
  );
}
