/**
 * Inventory updates over the agent channel (docs/protocol/inventory.md §4): the full inventory as
 * a diff from nothing, later diffs from the inventory the server acknowledged, each split into
 * parts that fit a frame. The digest names an inventory's content (not when it was collected).
 */
import { canonicalBytes, sha256Hex } from '@patchcast/core/base';
import type { InventoryHead, InventoryUpdatePart } from './inventory-update-schema.js';
import type {
  DpkgPackage,
  NpmPackage,
  PackageInventory,
  PypiPackage,
  RpmPackage,
} from './inventory-schema.js';

/** At most this many parts per update, and this many JSON bytes of entries per part. */
export const INVENTORY_UPDATE_LIMITS = { parts: 4096, partBytes: 256 * 1024 } as const;

export interface InventoryDiff {
  readonly add: {
    readonly dpkg: readonly DpkgPackage[];
    readonly rpm?: readonly RpmPackage[] | undefined;
    readonly npm: readonly NpmPackage[];
    readonly pypi?: readonly PypiPackage[] | undefined;
  };
  readonly remove: {
    readonly dpkg: readonly string[];
    readonly rpm?: readonly string[] | undefined;
    readonly npm: readonly string[];
    readonly pypi?: readonly string[] | undefined;
  };
}

export function dpkgKey(p: DpkgPackage): string {
  return `${p.name}:${p.architecture}`;
}

/** NEVRA: several versions of one name and arch may be installed (kernels). */
export function rpmKey(p: RpmPackage): string {
  const evr = `${p.epoch === undefined ? '' : `${p.epoch}:`}${p.version}-${p.release}`;
  return `${p.name}-${evr}.${p.arch}`;
}

export function pypiKey(p: PypiPackage): string {
  return p.path;
}

/** `{ rpm }` when there are rpm entries, else nothing: an empty list and none are the same. */
function rpmField<T>(rpm: readonly T[] | undefined): { rpm?: T[] } {
  return rpm === undefined || rpm.length === 0 ? {} : { rpm: [...rpm] };
}

/** `{ pypi }` when there are Python entries, else nothing (as `rpmField`). */
function pypiField<T>(pypi: readonly T[] | undefined): { pypi?: T[] } {
  return pypi === undefined || pypi.length === 0 ? {} : { pypi: [...pypi] };
}

export function npmKey(p: NpmPackage): string {
  return p.path;
}

function byKey<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(keyOf(item), item);
  return map;
}

function sorted<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map.keys()].sort().map((k) => map.get(k) as T);
}

/**
 * One entry per key (the last wins), sorted by key: the form that digests are taken of. An
 * empty `rpm` or `pypi` list is dropped, so inventories without them keep their digests.
 */
export function normalizeInventory(inventory: PackageInventory): PackageInventory {
  const { rpm, pypi, ...rest } = inventory;
  return {
    ...rest,
    dpkg: sorted(byKey(inventory.dpkg, dpkgKey)),
    ...rpmField(sorted(byKey(rpm ?? [], rpmKey))),
    npm: sorted(byKey(inventory.npm, npmKey)),
    ...pypiField(sorted(byKey(pypi ?? [], pypiKey))),
  };
}

/** SHA-256 of the canonical JSON of the normalized inventory without `collectedAt`. */
export function inventoryDigest(inventory: PackageInventory): string {
  const n = normalizeInventory(inventory);
  const content = { format: n.format, hostname: n.hostname, os: n.os, kernel: n.kernel };
  const lists = { dpkg: n.dpkg, ...rpmField(n.rpm), npm: n.npm, ...pypiField(n.pypi) };
  return sha256Hex(canonicalBytes({ ...content, ...lists }));
}

function changed<T>(
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
): { add: T[]; remove: string[] } {
  const same = (a: T, b: T) => JSON.stringify(a) === JSON.stringify(b);
  const add = [...after].filter(([k, v]) => {
    const old = before.get(k);
    return old === undefined || !same(old, v);
  });
  const remove = [...before.keys()].filter((k) => !after.has(k));
  return { add: add.map(([, v]) => v), remove };
}

export function diffInventory(base: PackageInventory, next: PackageInventory): InventoryDiff {
  const dpkg = changed(byKey(base.dpkg, dpkgKey), byKey(next.dpkg, dpkgKey));
  const rpm = changed(byKey(base.rpm ?? [], rpmKey), byKey(next.rpm ?? [], rpmKey));
  const npm = changed(byKey(base.npm, npmKey), byKey(next.npm, npmKey));
  const pypi = changed(byKey(base.pypi ?? [], pypiKey), byKey(next.pypi ?? [], pypiKey));
  return {
    add: { dpkg: dpkg.add, ...rpmField(rpm.add), npm: npm.add, ...pypiField(pypi.add) },
    remove: {
      dpkg: dpkg.remove,
      ...rpmField(rpm.remove),
      npm: npm.remove,
      ...pypiField(pypi.remove),
    },
  };
}

/** Removals first, then additions (an addition replaces the entry with the same key). */
export function applyInventoryDiff(
  base: PackageInventory | undefined,
  head: InventoryHead,
  diff: InventoryDiff,
): PackageInventory {
  const dpkg = byKey(base?.dpkg ?? [], dpkgKey);
  const rpm = byKey(base?.rpm ?? [], rpmKey);
  const npm = byKey(base?.npm ?? [], npmKey);
  const pypi = byKey(base?.pypi ?? [], pypiKey);
  for (const k of diff.remove.pypi ?? []) pypi.delete(k);
  for (const p of diff.add.pypi ?? []) pypi.set(pypiKey(p), p);
  for (const k of diff.remove.dpkg) dpkg.delete(k);
  for (const k of diff.remove.rpm ?? []) rpm.delete(k);
  for (const k of diff.remove.npm) npm.delete(k);
  for (const p of diff.add.dpkg) dpkg.set(dpkgKey(p), p);
  for (const p of diff.add.rpm ?? []) rpm.set(rpmKey(p), p);
  for (const p of diff.add.npm) npm.set(npmKey(p), p);
  return {
    ...head,
    dpkg: sorted(dpkg),
    ...rpmField(sorted(rpm)),
    npm: sorted(npm),
    ...pypiField(sorted(pypi)),
  };
}

type Item =
  | { kind: 'addDpkg'; value: DpkgPackage }
  | { kind: 'addRpm'; value: RpmPackage }
  | { kind: 'removeRpm'; value: string }
  | { kind: 'addPypi'; value: PypiPackage }
  | { kind: 'removePypi'; value: string }
  | { kind: 'addNpm'; value: NpmPackage }
  | { kind: 'removeDpkg'; value: string }
  | { kind: 'removeNpm'; value: string };

function itemsOf(diff: InventoryDiff): Item[] {
  return [
    ...diff.remove.dpkg.map((value): Item => ({ kind: 'removeDpkg', value })),
    ...diff.remove.npm.map((value): Item => ({ kind: 'removeNpm', value })),
    ...(diff.remove.rpm ?? []).map((value): Item => ({ kind: 'removeRpm', value })),
    ...diff.add.dpkg.map((value): Item => ({ kind: 'addDpkg', value })),
    ...(diff.add.rpm ?? []).map((value): Item => ({ kind: 'addRpm', value })),
    ...(diff.remove.pypi ?? []).map((value): Item => ({ kind: 'removePypi', value })),
    ...(diff.add.pypi ?? []).map((value): Item => ({ kind: 'addPypi', value })),
    ...diff.add.npm.map((value): Item => ({ kind: 'addNpm', value })),
  ];
}

interface Chunk {
  add: { dpkg: DpkgPackage[]; rpm?: RpmPackage[]; npm: NpmPackage[]; pypi?: PypiPackage[] };
  remove: { dpkg: string[]; rpm?: string[]; npm: string[]; pypi?: string[] };
}

function emptyPart(): Chunk {
  return { add: { dpkg: [], npm: [] }, remove: { dpkg: [], npm: [] } };
}

function put(c: Chunk, item: Item): void {
  if (item.kind === 'addDpkg') c.add.dpkg.push(item.value);
  else if (item.kind === 'addNpm') c.add.npm.push(item.value);
  else if (item.kind === 'addRpm') (c.add.rpm ??= []).push(item.value);
  else if (item.kind === 'removeDpkg') c.remove.dpkg.push(item.value);
  else if (item.kind === 'removeRpm') (c.remove.rpm ??= []).push(item.value);
  else if (item.kind === 'addPypi') (c.add.pypi ??= []).push(item.value);
  else if (item.kind === 'removePypi') (c.remove.pypi ??= []).push(item.value);
  else c.remove.npm.push(item.value);
}

function chunk(items: readonly Item[], partBytes: number): Chunk[] {
  const chunks = [emptyPart()];
  let size = 0;
  for (const item of items) {
    const bytes = JSON.stringify(item.value).length + 1;
    if (size > 0 && size + bytes > partBytes) {
      chunks.push(emptyPart());
      size = 0;
    }
    put(chunks[chunks.length - 1] ?? emptyPart(), item);
    size += bytes;
  }
  return chunks;
}

/** Splits an update into parts whose entries take at most `partBytes` of JSON each. */
export function inventoryUpdateParts(input: {
  readonly updateId: string;
  readonly base: PackageInventory | undefined;
  readonly next: PackageInventory;
  readonly partBytes?: number;
}): InventoryUpdatePart[] {
  const { next } = input;
  const diff =
    input.base === undefined
      ? {
          add: { dpkg: next.dpkg, ...rpmField(next.rpm), npm: next.npm, ...pypiField(next.pypi) },
          remove: { dpkg: [], npm: [] },
        }
      : diffInventory(input.base, next);
  const chunks = chunk(itemsOf(diff), input.partBytes ?? INVENTORY_UPDATE_LIMITS.partBytes);
  const head: InventoryHead = {
    format: next.format,
    collectedAt: next.collectedAt,
    ...(next.hostname === undefined ? {} : { hostname: next.hostname }),
    os: next.os,
    kernel: next.kernel,
  };
  return chunks.map((c, part) => ({
    updateId: input.updateId,
    base: input.base === undefined ? null : inventoryDigest(input.base),
    digest: inventoryDigest(next),
    part,
    parts: chunks.length,
    head,
    ...c,
  }));
}
