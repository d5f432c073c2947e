/**
 * Transparency log entries (docs/protocol/log.md "Entries"): every leaf is the OLPC canonical JSON
 * of one event, tagged with `format`, `type` and `at`. The leaf bytes are what RFC 9162 §2.1.1
 * hashes, so they are parsed strictly: an entry that is not canonical JSON is malformed.
 */
import { z } from 'zod';
import { canonicalBytes, canonicalize, sha256Hex } from '@patchcast/core';
import type { DeviceSelector } from './api.js';

export const LOG_ENTRY_FORMAT = 'patchcast-log/v1';

export const LOG_EVENT_TYPES = [
  'patch-published',
  'metadata-signed',
  'device-enrolled',
  'rollout-created',
  'rollout-completed',
  'device-result',
  'security-event',
  'operator-action',
  'rollout-decision',
  'device-rolled-back',
  'patch-withdrawn',
  'device-key-replaced',
  'device-labels-changed',
  'log-key-rotated',
  'device-renamed',
] as const;
export type LogEventType = (typeof LOG_EVENT_TYPES)[number];

export const SECURITY_EVENT_KINDS = [
  'agent-auth-failed',
  'agent-refused',
  'split-view',
  'foreign-checkpoint',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

/** C2SP tlog-tiles "Log entries": an entry carries a uint16 length, so at most 65535 bytes. */
export const MAX_LOG_ENTRY_BYTES = 0xffff;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const id = z.string().min(1).max(64);
const text = z.string().max(1024);
const count = z.number().int().nonnegative();
const patch = z.strictObject({ name: z.string().max(128), version: z.string().max(64) });
const common = { format: z.literal(LOG_ENTRY_FORMAT), at: z.string().max(64) };
/** Canonical JSON has integers only: a fraction (p-value, effect, alpha) is a decimal string. */
const decimal = z.string().regex(/^-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|Infinity|NaN)$/);
const word = z.string().max(32);
const labels = z.record(z.string().max(63), z.string().max(255));

/** A judge's verdict as a rollout-decision entry holds it (docs/protocol/log.md). */
const loggedVerdict = z.strictObject({
  verdict: z.enum(['pass', 'marginal', 'fail']),
  alphaPerComparison: decimal,
  findings: z
    .array(
      z.strictObject({
        subject: z.string().max(64),
        outcome: z.enum(['pass', 'marginal', 'fail']),
        p: decimal.nullable(),
        effect: decimal.nullable(),
        reason: z.string().max(256),
      }),
    )
    .max(64),
});
export type LoggedVerdict = z.infer<typeof loggedVerdict>;

export const logEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...common,
    type: z.literal('patch-published'),
    name: z.string().max(128),
    version: z.string().max(64),
    targetPath: z.string().max(512),
    sha256,
    length: count,
    targetsVersion: count,
    by: text,
  }),
  z.strictObject({
    ...common,
    type: z.literal('metadata-signed'),
    /** A top-level role, or `delegated:<name>` for a delegated targets role. */
    role: z.string().regex(/^(?:root|targets|snapshot|timestamp|delegated:[!-~]{1,128})$/),
    version: count,
    sha256,
  }),
  z.strictObject({
    ...common,
    type: z.literal('device-enrolled'),
    deviceId: id,
    publicKey: sha256,
    /** The name and labels it enrolled with (absent from entries made before 2026-12). */
    name: text.optional(),
    labels: labels.optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('device-renamed'),
    deviceId: id,
    name: text,
    previousName: text,
    by: text,
    via: z.enum(['enrollment']),
  }),
  z.strictObject({
    ...common,
    type: z.literal('device-key-replaced'),
    deviceId: id,
    /** The new device key; `previousKey` no longer authenticates. */
    publicKey: sha256,
    previousKey: sha256,
    /** Who made the replacement token. */
    by: text,
  }),
  z.strictObject({
    ...common,
    type: z.literal('device-labels-changed'),
    deviceId: id,
    /** The complete set of labels after the change. */
    labels,
    by: text,
    via: z.enum(['label', 'enrollment']),
  }),
  z.strictObject({
    ...common,
    type: z.literal('log-key-rotated'),
    /** Verifier keys (C2SP signed-note): the key retired and the key that signs from now on. */
    previousKey: z.string().max(256),
    key: z.string().max(256),
  }),
  z.strictObject({
    ...common,
    type: z.literal('rollout-created'),
    id,
    patch,
    targetPath: z.string().max(512),
    selector: z.json(),
    devices: count,
    by: text,
    /** The operator allowed installing below a device's installed version (ADR 0017). */
    allowDowngrade: z.literal(true).optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('rollout-completed'),
    rolloutId: id,
    state: z.string().max(32),
  }),
  z.strictObject({
    ...common,
    type: z.literal('device-result'),
    rolloutId: id,
    deviceId: id,
    patch,
    state: z.enum(['installed', 'failed', 'rolled-back']),
    error: z.string().max(64).nullable(),
    /** The error's message as the device reported it (absent from entries made before 2026-12). */
    errorMessage: z.string().max(4096).optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('security-event'),
    kind: z.enum(SECURITY_EVENT_KINDS),
    deviceId: id.optional(),
    detail: text,
  }),
  z.strictObject({
    ...common,
    type: z.literal('operator-action'),
    by: text,
    action: z.string().max(64),
    target: text,
  }),
  z.strictObject({
    ...common,
    type: z.literal('rollout-decision'),
    rolloutId: id,
    /** The engine's decision number in this rollout, from 1. */
    seq: count,
    /** 1-based wave the decision was about. */
    wave: count,
    from: word.nullable(),
    to: word,
    event: word,
    detail: text,
    decidedBy: z.enum(['engine', 'operator']),
    /** The operator's API token name; null for the engine. */
    by: text.nullable(),
    verdict: loggedVerdict.nullable(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('device-rolled-back'),
    rolloutId: id,
    deviceId: id,
    patch,
  }),
  z.strictObject({
    ...common,
    type: z.literal('patch-withdrawn'),
    name: z.string().max(128),
    version: z.string().max(64),
    targetPath: z.string().max(512),
    sha256,
    /** The publisher's reason and time, as its signed targets metadata says. */
    reason: text,
    withdrawnAt: z.string().max(64),
    /** Version of the targets metadata (top-level or `role`'s) that withdrew it. */
    targetsVersion: count,
    /** The delegated targets role that signed it; null for the top-level targets role. */
    role: z.string().max(64).nullable(),
    by: text,
  }),
]);
export type LogEvent = z.infer<typeof logEventSchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as a caller describes it; `format` is added when it is encoded. */
export type LogEventInput = DistributiveOmit<LogEvent, 'format'>;

/** Selectors longer than this are logged as the SHA-256 of their canonical JSON. */
const MAX_SELECTOR_CHARS = 16 * 1024;

type LoggedSelector = Extract<LogEventInput, { type: 'rollout-created' }>['selector'];

/** A rollout's selector as its rollout-created entry holds it: itself, or `{"sha256"}` if long. */
export function loggedSelector(selector: DeviceSelector): LoggedSelector {
  const text = canonicalize(selector);
  return text.length <= MAX_SELECTOR_CHARS
    ? selector
    : { sha256: sha256Hex(new TextEncoder().encode(text)) };
}

/** The leaf bytes of an event: OLPC canonical JSON, at most MAX_LOG_ENTRY_BYTES. */
export function encodeLogEntry(event: LogEventInput): Uint8Array {
  const full = logEventSchema.parse({ ...event, format: LOG_ENTRY_FORMAT });
  const bytes = canonicalBytes(full);
  if (bytes.length > MAX_LOG_ENTRY_BYTES) {
    throw new RangeError(`a ${event.type} log entry is ${bytes.length} bytes, over the limit`);
  }
  return bytes;
}

/** Parses leaf bytes; undefined unless they are the canonical JSON of a valid event. */
export function parseLogEntry(bytes: Uint8Array): LogEvent | undefined {
  const json = parseCanonicalJson(bytes);
  const parsed = logEventSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * OLPC canonical JSON leaves control characters in strings unescaped, which JSON.parse refuses;
 * outside strings canonical JSON has none, so escaping them everywhere is safe. The result is
 * accepted only if it re-encodes to exactly the same text.
 */
function parseCanonicalJson(bytes: Uint8Array): unknown {
  try {
    const text = STRICT_UTF8.decode(bytes);
    const escaped = escapeControls(text);
    const value: unknown = JSON.parse(escaped);
    return canonicalize(value) === text ? value : undefined;
  } catch {
    return undefined;
  }
}

function escapeControls(text: string): string {
  let out = '';
  for (const c of text) out += c < ' ' ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c;
  return out;
}
