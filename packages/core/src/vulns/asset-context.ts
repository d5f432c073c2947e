/**
 * How much a device matters and how reachable it is, read from its labels:
 * `criticality=low|medium|high|critical` and `exposure=isolated|internal|internet`.
 */
export const CRITICALITY_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type Criticality = (typeof CRITICALITY_LEVELS)[number];

export const EXPOSURE_LEVELS = ['isolated', 'internal', 'internet'] as const;
export type Exposure = (typeof EXPOSURE_LEVELS)[number];

export const CRITICALITY_LABEL = 'criticality';
export const EXPOSURE_LABEL = 'exposure';

export interface AssetContext {
  readonly criticality: Criticality;
  readonly exposure: Exposure;
  /** Whether each value came from a label or is the default. */
  readonly criticalityFrom: 'label' | 'default';
  readonly exposureFrom: 'label' | 'default';
}

export interface AssetContextResult {
  readonly context: AssetContext;
  /** Labels present with a value outside their set; the default was used instead. */
  readonly warnings: readonly string[];
}

export const DEFAULT_CRITICALITY: Criticality = 'medium';
export const DEFAULT_EXPOSURE: Exposure = 'internal';

function pick<T extends string>(
  labels: Readonly<Record<string, string>>,
  key: string,
  allowed: readonly T[],
  fallback: T,
): { readonly value: T; readonly from: 'label' | 'default'; readonly warning?: string } {
  const raw = labels[key];
  if (raw === undefined) return { value: fallback, from: 'default' };
  const value = allowed.find((level) => level === raw.trim().toLowerCase());
  if (value !== undefined) return { value, from: 'label' };
  const warning = `label ${key}=${JSON.stringify(raw)} is not one of ${allowed.join(', ')}; using ${fallback}`;
  return { value: fallback, from: 'default', warning };
}

export function assetContextOf(labels: Readonly<Record<string, string>>): AssetContextResult {
  const c = pick(labels, CRITICALITY_LABEL, CRITICALITY_LEVELS, DEFAULT_CRITICALITY);
  const e = pick(labels, EXPOSURE_LABEL, EXPOSURE_LEVELS, DEFAULT_EXPOSURE);
  return {
    context: {
      criticality: c.value,
      exposure: e.value,
      criticalityFrom: c.from,
      exposureFrom: e.from,
    },
    warnings: [c.warning, e.warning].filter((w): w is string => w !== undefined),
  };
}
