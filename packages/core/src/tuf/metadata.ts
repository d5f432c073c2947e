/**
 * TUF 1.0 metadata models (spec §4) and a strict parser for untrusted bytes.
 * Parsing happens once, at the boundary; everything past it trusts these read-only types.
 */
import type { TufKey } from '../keys.js';
import { isHex } from '../bytes.js';
import { canonicalBytes } from '../canonical-json.js';
import { fail, int, mapValues, obj, str } from './json-guards.js';
import type { Obj } from './json-guards.js';
import { parseKey, parseRoleKeys } from './role-keys.js';
import type { RoleKeys } from './role-keys.js';
import { parseDelegations } from './delegations.js';
import type { Delegations } from './delegations.js';

export { PQ_ROLE_FIELD } from './role-keys.js';
export type { KeyThreshold, RoleKeys } from './role-keys.js';
export type { DelegatedRole, Delegations } from './delegations.js';

export const SPEC_VERSION = '1.0.31';
export const TOP_LEVEL_ROLES = ['root', 'timestamp', 'snapshot', 'targets'] as const;
export type RoleName = (typeof TOP_LEVEL_ROLES)[number];

export interface Signature {
  readonly keyid: string;
  readonly sig: string;
}

interface Common<T extends RoleName> {
  readonly _type: T;
  readonly spec_version: string;
  readonly version: number;
  readonly expires: string;
}

export interface Root extends Common<'root'> {
  readonly consistent_snapshot: boolean;
  readonly keys: Readonly<Record<string, TufKey>>;
  readonly roles: Readonly<Record<RoleName, RoleKeys>>;
}

export interface MetaFile {
  readonly version: number;
  readonly length?: number;
  readonly hashes?: Readonly<Record<string, string>>;
}

export interface Timestamp extends Common<'timestamp'> {
  readonly meta: { readonly 'snapshot.json': MetaFile };
}

export interface Snapshot extends Common<'snapshot'> {
  readonly meta: Readonly<Record<string, MetaFile>>;
}

export interface TargetFile {
  readonly length: number;
  readonly hashes: { readonly sha256: string } & Readonly<Record<string, string>>;
  readonly custom?: Readonly<Record<string, unknown>>;
}

export interface Targets extends Common<'targets'> {
  readonly targets: Readonly<Record<string, TargetFile>>;
  readonly delegations?: Delegations;
}

export interface SignedByRole {
  root: Root;
  timestamp: Timestamp;
  snapshot: Snapshot;
  targets: Targets;
}

export interface Envelope<T> {
  readonly signed: T;
  readonly signatures: readonly Signature[];
}

/**
 * An envelope parsed from bytes. `signedBytes` is the canonical JSON of the `signed` object exactly
 * as received (unknown fields included): signatures are checked over it, never over the typed model.
 */
export interface ParsedEnvelope<T> extends Envelope<T> {
  readonly signedBytes: Uint8Array;
}

const EXPIRES = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Date.parse rolls over out-of-range fields ("02-31" is March 3): require an exact round trip. */
function isCalendarTime(expires: string): boolean {
  const ms = Date.parse(expires);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === expires.slice(0, 19);
}

function common<T extends RoleName>(signed: Obj, type: T): Common<T> {
  if (signed._type !== type) fail(`expected _type "${type}", got ${JSON.stringify(signed._type)}`);
  const specVersion = str(signed.spec_version, 'spec_version');
  if (!specVersion.startsWith('1.')) fail(`unsupported spec_version ${specVersion}`);
  const expires = str(signed.expires, 'expires');
  if (!EXPIRES.test(expires) || !isCalendarTime(expires))
    fail(`expires is not a UTC timestamp: ${expires}`);
  return {
    _type: type,
    spec_version: specVersion,
    version: int(signed.version, 'version', 1),
    expires,
  };
}

function parseHashes(value: unknown, where: string): Record<string, string> {
  return mapValues(obj(value, where), (digest, name) => str(digest, `${where}.${name}`));
}

function parseMetaFile(value: unknown, where: string): MetaFile {
  const meta = obj(value, where);
  return {
    version: int(meta.version, `${where}.version`, 1),
    ...(meta.length === undefined ? {} : { length: int(meta.length, `${where}.length`) }),
    ...(meta.hashes === undefined ? {} : { hashes: parseHashes(meta.hashes, `${where}.hashes`) }),
  };
}

function parseRoot(signed: Obj): Root {
  const keys = mapValues(obj(signed.keys, 'keys'), (key, id) => parseKey(key, `keys.${id}`));
  const rolesObj = obj(signed.roles, 'roles');
  const roles = Object.fromEntries(
    TOP_LEVEL_ROLES.map((name) => [name, parseRoleKeys(rolesObj[name], `roles.${name}`)]),
  ) as Record<RoleName, RoleKeys>;
  if (typeof signed.consistent_snapshot !== 'boolean')
    fail('consistent_snapshot must be a boolean');
  return {
    ...common(signed, 'root'),
    consistent_snapshot: signed.consistent_snapshot,
    keys,
    roles,
  };
}

function parseTimestamp(signed: Obj): Timestamp {
  const meta = obj(signed.meta, 'meta');
  return {
    ...common(signed, 'timestamp'),
    meta: { 'snapshot.json': parseMetaFile(meta['snapshot.json'], 'meta.snapshot.json') },
  };
}

function parseSnapshot(signed: Obj): Snapshot {
  const meta = mapValues(obj(signed.meta, 'meta'), (value, name) =>
    parseMetaFile(value, `meta.${name}`),
  );
  return { ...common(signed, 'snapshot'), meta };
}

export function parseTargetFile(value: unknown, where: string): TargetFile {
  const target = obj(value, where);
  const hashes = parseHashes(target.hashes, `${where}.hashes`);
  const sha256 = hashes.sha256;
  if (sha256 === undefined || !isHex(sha256, 32))
    fail(`${where}.hashes.sha256 must be 64 hex digits`);
  return {
    length: int(target.length, `${where}.length`),
    hashes: { ...hashes, sha256 },
    ...(target.custom === undefined ? {} : { custom: obj(target.custom, `${where}.custom`) }),
  };
}

function parseTargets(signed: Obj): Targets {
  const targets = mapValues(obj(signed.targets, 'targets'), (value, path) =>
    parseTargetFile(value, `targets[${JSON.stringify(path)}]`),
  );
  return {
    ...common(signed, 'targets'),
    targets,
    ...(signed.delegations === undefined
      ? {}
      : { delegations: parseDelegations(signed.delegations) }),
  };
}

const PARSERS: { [R in RoleName]: (signed: Obj) => SignedByRole[R] } = {
  root: parseRoot,
  timestamp: parseTimestamp,
  snapshot: parseSnapshot,
  targets: parseTargets,
};

/** Parses untrusted metadata bytes of a known role into a typed envelope. Signatures are NOT checked. */
export function parseEnvelope<R extends RoleName>(
  role: R,
  bytes: Uint8Array,
): ParsedEnvelope<SignedByRole[R]> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    fail(`${role} metadata is not valid UTF-8 JSON`);
  }
  const envelope = obj(json, `${role} metadata`);
  if (!Array.isArray(envelope.signatures)) fail(`${role} metadata: signatures must be an array`);
  const signatures = envelope.signatures.map((value, i) => {
    const sig = obj(value, `signatures[${i}]`);
    return {
      keyid: str(sig.keyid, `signatures[${i}].keyid`),
      sig: str(sig.sig, `signatures[${i}].sig`),
    };
  });
  const signedRaw = obj(envelope.signed, `${role}.signed`);
  let signedBytes: Uint8Array;
  try {
    signedBytes = canonicalBytes(signedRaw);
  } catch (error) {
    fail(`${role}.signed cannot be canonicalized: ${(error as Error).message}`);
  }
  return { signed: PARSERS[role](signedRaw), signatures, signedBytes };
}
