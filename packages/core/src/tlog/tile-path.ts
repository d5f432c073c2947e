import { invalidArgument } from './tlog-errors.js';
import { isCount } from './tree-math.js';

/** C2SP tlog-tiles "Merkle Tree": a tile spans 8 levels and holds up to 256 hashes. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const MAX_TILE_LEVEL = 63;

/** Tile `index` at tile level `level` (tree level 8 * level), holding `width` hashes. */
export interface TileId {
  readonly level: number;
  readonly index: number;
  /** 256 for a full tile, 1 to 255 for a partial one. */
  readonly width: number;
}

/** Entry bundle `index`, holding `width` entries (C2SP tlog-tiles "Log entries"). */
export interface EntryBundleId {
  readonly index: number;
  readonly width: number;
}

export type TileRef =
  | { readonly kind: 'tile'; readonly tile: TileId }
  | { readonly kind: 'entries'; readonly bundle: EntryBundleId };

/** `tile/<L>/<N>[.p/<W>]` (C2SP tlog-tiles "Merkle Tree"), relative to the log prefix. */
export function tilePath(tile: TileId): string {
  const { level } = tile;
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) {
    throw invalidArgument(`tile level ${String(level)} is outside 0 to 63`);
  }
  return `tile/${level}/${indexPath(tile)}`;
}

/** `tile/entries/<N>[.p/<W>]` (C2SP tlog-tiles "Log entries"), relative to the log prefix. */
export function entryBundlePath(bundle: EntryBundleId): string {
  return `tile/entries/${indexPath(bundle)}`;
}

/** Parses a tile or entry bundle path; undefined unless it is exactly the canonical form. */
export function parseTilePath(path: string): TileRef | undefined {
  const [root, levelText = '', ...rest] = path.split('/');
  if (root !== 'tile' || rest.length === 0) return undefined;
  const partial = rest.length >= 2 && (rest.at(-2) ?? '').endsWith('.p');
  const width = partial ? parseWidth(rest.at(-1) ?? '') : TILE_WIDTH;
  const segments = partial ? rest.slice(0, -1) : rest;
  if (partial) segments[segments.length - 1] = (segments.at(-1) ?? '').slice(0, -2);
  const index = parseIndex(segments);
  if (width === undefined || index === undefined) return undefined;
  const ref = toRef(levelText, { index, width });
  return ref !== undefined && refPath(ref) === path ? ref : undefined;
}

function toRef(levelText: string, id: EntryBundleId): TileRef | undefined {
  if (levelText === 'entries') return { kind: 'entries', bundle: id };
  if (!/^(?:0|[1-9][0-9]?)$/.test(levelText)) return undefined;
  const level = Number(levelText);
  return level > MAX_TILE_LEVEL ? undefined : { kind: 'tile', tile: { level, ...id } };
}

function refPath(ref: TileRef): string {
  return ref.kind === 'tile' ? tilePath(ref.tile) : entryBundlePath(ref.bundle);
}

/** `<N>` as zero-padded 3-digit elements, all but the last prefixed with `x`; then `.p/<W>`. */
function indexPath(id: EntryBundleId): string {
  const { index, width } = id;
  if (!isCount(index)) throw invalidArgument(`${String(index)} is not a tile index`);
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw invalidArgument(`tile width ${String(width)} is outside 1 to 256`);
  }
  let text = pad3(index % 1000);
  for (let rest = Math.floor(index / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    text = `x${pad3(rest % 1000)}/${text}`;
  }
  return width === TILE_WIDTH ? text : `${text}.p/${width}`;
}

function pad3(n: number): string {
  return String(n).padStart(3, '0');
}

function parseWidth(text: string): number | undefined {
  if (!/^[1-9][0-9]{0,2}$/.test(text)) return undefined;
  const width = Number(text);
  return width < TILE_WIDTH ? width : undefined;
}

function parseIndex(segments: readonly string[]): number | undefined {
  let index = 0;
  for (const [i, segment] of segments.entries()) {
    const pattern = i === segments.length - 1 ? /^[0-9]{3}$/ : /^x[0-9]{3}$/;
    if (!pattern.test(segment)) return undefined;
    index = index * 1000 + Number(segment.replace('x', ''));
  }
  return Number.isSafeInteger(index) ? index : undefined;
}
