/**
 * Guard and zod schema side by side: both must accept the same values (with the same output) and
 * refuse the same ones. `hostile` turns valid values into near misses: one node replaced by an
 * edge value (a string one past a limit, a float, a negative, another type), one key deleted or
 * one unknown key added.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';

export interface SafeParser {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}

export function assertAgree(guard: SafeParser, schema: SafeParser, value: unknown): void {
  const [ours, theirs] = [guard.safeParse(value), schema.safeParse(value)];
  assert.equal(
    ours.success,
    theirs.success,
    `guard ${ours.success}, zod ${theirs.success}: ${show(value)}`,
  );
  if (ours.success) assert.deepEqual(ours.data, theirs.data, show(value));
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}

const LIMITS = [1, 8, 32, 63, 64, 65, 128, 129, 255, 256, 512, 513, 2048, 2049, 4096, 4097];
export const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1, 1.5, -0.5, 2 ** 53, 2 ** 40 + 1, '', [], {}),
  fc.constantFrom(...LIMITS).map((n) => 'x'.repeat(n)),
  fc.constantFrom(...LIMITS).map((n) => 'a'.repeat(n - 1)),
  fc.string({ maxLength: 70 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 2 }),
);

type Node = { parent: Record<string, unknown> | unknown[]; key: string | number };

function nodesOf(value: unknown, into: Node[] = []): Node[] {
  if (typeof value !== 'object' || value === null) return into;
  for (const [key, child] of Object.entries(value)) {
    into.push({
      parent: value as Record<string, unknown>,
      key: Array.isArray(value) ? Number(key) : key,
    });
    nodesOf(child, into);
  }
  return into;
}

function objectsOf(
  value: unknown,
  into: Record<string, unknown>[] = [],
): Record<string, unknown>[] {
  if (typeof value !== 'object' || value === null) return into;
  if (!Array.isArray(value)) into.push(value as Record<string, unknown>);
  for (const child of Object.values(value)) objectsOf(child, into);
  return into;
}

/** One change to a copy of a valid value. */
export function hostile(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      valid,
      fc.nat(),
      fc.constantFrom('replace', 'delete', 'extra'),
      edgeValue,
      fc.string({ maxLength: 8 }),
    )
    .map(([value, pick, how, edge, extraKey]) => {
      const copy = structuredClone(value);
      if (how === 'extra') {
        const objects = objectsOf(copy);
        const target = objects[pick % Math.max(objects.length, 1)];
        if (target !== undefined) target[`x${extraKey}`] = edge;
        return copy;
      }
      const nodes = nodesOf(copy);
      const node = nodes[pick % Math.max(nodes.length, 1)];
      if (node === undefined) return edge;
      if (how === 'delete' && !Array.isArray(node.parent)) delete node.parent[node.key as string];
      else (node.parent as Record<string | number, unknown>)[node.key] = edge;
      return copy;
    });
}

export const RUNS = { numRuns: 400 };
