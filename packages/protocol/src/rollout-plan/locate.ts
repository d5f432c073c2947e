/** Maps a path inside a parsed YAML (or JSON) document back to a line and column. */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

export interface Position {
  readonly line: number;
  readonly column: number;
}

type PathKey = PropertyKey;

interface Step {
  readonly node: unknown;
  /** The key node of the map entry the node came from, if any. */
  readonly key: unknown;
}

function child(node: unknown, segment: PathKey): Step | null {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
    return pair === undefined ? null : { node: pair.value ?? pair.key, key: pair.key };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    return item === undefined ? null : { node: item, key: null };
  }
  return null;
}

function offsetOf(node: unknown): number | null {
  const range = (node as Partial<Node> | null)?.range;
  return range === undefined || range === null ? null : range[0];
}

/**
 * The position of the deepest part of the path that exists: a map entry's key, a sequence
 * item, or the enclosing node when the field is missing.
 */
export function locate(
  doc: Document.Parsed,
  counter: LineCounter,
  path: readonly PathKey[],
): Position {
  let step: Step = { node: doc.contents, key: null };
  for (const segment of path) {
    const next = child(step.node, segment);
    if (next === null) break;
    step = next;
  }
  const offset = offsetOf(step.key) ?? offsetOf(step.node) ?? 0;
  const { line, col } = counter.linePos(offset);
  return { line, column: col };
}
