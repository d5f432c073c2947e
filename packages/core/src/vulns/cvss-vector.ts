/** The CVSS vector string syntax shared by v3.x and v4.0: `CVSS:<v>/M:V/M:V/...`. */

export type CvssMetrics = Readonly<Record<string, string>>;
export type MetricValues = Readonly<Record<string, readonly string[]>>;

export type CvssVectorResult =
  | { readonly ok: true; readonly metrics: CvssMetrics }
  | { readonly ok: false; readonly reason: string };

/** Vector strings published by NVD and osv.dev are well under this. */
export const MAX_VECTOR_LENGTH = 512;

export const CVSS_SEVERITIES = ['None', 'Low', 'Medium', 'High', 'Critical'] as const;
export type CvssSeverity = (typeof CVSS_SEVERITIES)[number];

/** The qualitative rating scale, identical in CVSS v3.1 (§5) and v4.0 (§6). */
export function severityOf(score: number): CvssSeverity {
  if (score === 0) return 'None';
  if (score < 4) return 'Low';
  if (score < 7) return 'Medium';
  return score < 9 ? 'High' : 'Critical';
}

function fail(reason: string): CvssVectorResult {
  return { ok: false, reason };
}

function checkPart(
  part: string,
  allowed: MetricValues,
  seen: Map<string, string>,
): string | undefined {
  const [key, value, ...rest] = part.split(':');
  if (key === undefined || value === undefined || rest.length > 0) {
    return `"${part}" is not METRIC:VALUE`;
  }
  const values = allowed[key];
  if (values === undefined) return `unknown metric "${key}"`;
  if (seen.has(key)) return `metric "${key}" appears twice`;
  if (!values.includes(value)) return `${key} must be one of ${values.join(', ')}, not "${value}"`;
  seen.set(key, value);
  return undefined;
}

/**
 * Splits a vector after its `prefix` (e.g. 'CVSS:3.1/'): every metric must be known, valid and
 * unique, and every `required` metric present. Metrics may appear in any order.
 */
export function parseVectorMetrics(
  vector: string,
  prefix: string,
  allowed: MetricValues,
  required: readonly string[],
): CvssVectorResult {
  if (vector.length > MAX_VECTOR_LENGTH) return fail(`longer than ${MAX_VECTOR_LENGTH} characters`);
  if (!vector.startsWith(prefix)) return fail(`must start with "${prefix}"`);
  const seen = new Map<string, string>();
  for (const part of vector.slice(prefix.length).split('/')) {
    const problem = checkPart(part, allowed, seen);
    if (problem !== undefined) return fail(problem);
  }
  const missing = required.filter((key) => !seen.has(key));
  if (missing.length > 0) return fail(`missing base metric(s) ${missing.join(', ')}`);
  return { ok: true, metrics: Object.fromEntries(seen) };
}
