/** The guard combinators' own rules: what they refuse, and the path and message of the first issue. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as g from '../../src/guard.js';

function issue(guard: g.Guard<unknown>, value: unknown): string {
  const result = guard.safeParse(value);
  assert.equal(result.success, false, JSON.stringify(value));
  const first = result.success ? undefined : result.error.issues[0];
  return `${first?.path.join('.') ?? ''}: ${first?.message ?? ''}`;
}

test('each refusal names the field and what is wrong with it', () => {
  const file = g.strictObject({
    name: g.string({ min: 1, max: 3 }),
    rate: g.optional(g.int({ min: 0, max: 10 })),
    tags: g.array(g.oneOf(['a', 'b']), { max: 2 }),
  });
  assert.equal(issue(file, { name: '', tags: [] }), 'name: must have at least 1 characters');
  assert.equal(issue(file, { name: 'abcd', tags: [] }), 'name: must have at most 3 characters');
  assert.equal(
    issue(file, { name: 'a', rate: 1.5, tags: [] }),
    'rate: expected an integer, received number',
  );
  assert.equal(issue(file, { name: 'a', rate: 11, tags: [] }), 'rate: must be at most 10');
  assert.equal(issue(file, { name: 'a', tags: ['c'] }), 'tags.0: expected one of "a", "b"');
  assert.equal(issue(file, { name: 'a', tags: [], more: 1 }), ': Unrecognized key: "more"');
  assert.equal(issue(file, { tags: [] }), 'name: expected a string, received undefined');
  assert.equal(issue(file, []), ': expected an object, received array');
  assert.deepEqual(file.safeParse({ name: 'a', tags: ['b'] }), {
    success: true,
    data: { name: 'a', tags: ['b'] },
  });
});

test('objects drop unknown keys, records keep __proto__ as data, numbers are finite', () => {
  const loose = g.object({ a: g.number() });
  assert.deepEqual(loose.safeParse({ a: 1, b: 2 }), { success: true, data: { a: 1 } });
  const map = g.record(g.string(), g.int());
  const parsed = map.safeParse(JSON.parse('{"__proto__": 1}'));
  assert.ok(parsed.success);
  assert.equal(Object.getPrototypeOf(parsed.data), Object.prototype, 'no prototype set');
  assert.equal(Object.hasOwn(parsed.data, '__proto__'), true);
  for (const bad of [Infinity, NaN, '1', null])
    assert.equal(g.number().safeParse(bad).success, false);
  assert.equal(g.int().safeParse(2 ** 53).success, false, 'not a safe integer');
});

test('a union reports the option that got furthest; discriminated unions know their kinds', () => {
  const window = g.union([
    g.strictObject({ cron: g.string({ refine: [(c) => c.includes(' '), 'is not a cron'] }) }),
    g.strictObject({ start: g.string() }),
  ]);
  assert.equal(issue(window, { cron: 'x' }), 'cron: is not a cron');
  const message = g.discriminated('type', {
    ping: g.object({ type: g.literal('ping') }),
    pong: g.object({ type: g.literal('pong'), at: g.int() }),
  });
  assert.deepEqual(message.kinds, ['ping', 'pong']);
  assert.equal(issue(message, { type: 'other' }), 'type: expected one of ping, pong');
  assert.equal(issue(message, { type: 'pong' }), 'at: expected an integer, received undefined');
});
