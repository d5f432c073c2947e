import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PatchcastError, parseSelector, selectDevices } from '../../src/index.js';
import type { FleetDevice } from '../../src/index.js';

const fleet: FleetDevice[] = [
  { id: 'dev_1', labels: { env: 'prod', ring: 'stable' } },
  { id: 'dev_2', labels: { env: 'prod', ring: 'stable' } },
  { id: 'dev_3', labels: { env: 'prod' } },
  { id: 'dev_4', labels: { env: 'staging', ring: 'canary' } },
];

const usage = (pattern: RegExp) => (error: unknown) =>
  error instanceof PatchcastError &&
  error.code === 'USAGE' &&
  pattern.test(error.message) &&
  /KEY=VALUE\[,KEY=VALUE\.\.\.\]/.test(error.hint ?? '');

test('the grammar: all, labels joined by commas (AND), id= lists', () => {
  assert.deepEqual(parseSelector('all'), { all: true });
  assert.deepEqual(parseSelector('env=prod'), { labels: { env: 'prod' } });
  assert.deepEqual(parseSelector('env=prod,ring=canary'), {
    labels: { env: 'prod', ring: 'canary' },
  });
  assert.deepEqual(parseSelector('team=a=b'), { labels: { team: 'a=b' } });
  assert.deepEqual(parseSelector('id=dev_a,dev_b,dev_a'), { ids: ['dev_a', 'dev_b'] });
});

test('a malformed selector is USAGE naming the wrong part, with the grammar as hint', () => {
  assert.throws(
    () => parseSelector('env=prod,canary'),
    usage(/"canary" in "env=prod,canary" is not KEY=VALUE/),
  );
  assert.throws(() => parseSelector('prod'), usage(/"prod" is not KEY=VALUE/));
  assert.throws(
    () => parseSelector('env='),
    usage(/env= needs a value of 1 to 255 characters without commas/),
  );
  assert.throws(() => parseSelector('e nv=x'), usage(/"e nv" is not a label name/));
  assert.throws(() => parseSelector('env=a,env=b'), usage(/asks for env=a and env=b/));
  assert.throws(
    () => parseSelector('id=dev_a,env=prod'),
    usage(/id= takes device ids only, not "env=prod"/),
  );
  assert.throws(() => parseSelector('id='), usage(/id= needs device ids/));
});

test('several labels select only devices that carry all of them', () => {
  const chosen = selectDevices(fleet, { labels: { env: 'prod', ring: 'stable' } });
  assert.deepEqual(
    chosen.map((d) => d.id),
    ['dev_1', 'dev_2'],
  );
});

test('a selector that matches nothing says which label left no device, and what they have', () => {
  const refused = (labels: Record<string, string>, message: string) =>
    assert.throws(
      () => selectDevices(fleet, { labels }),
      (error: unknown) =>
        error instanceof PatchcastError &&
        error.code === 'INVALID_INPUT' &&
        error.message === message &&
        /patchcast devices label/.test(error.hint ?? ''),
    );
  refused(
    { env: 'prod', ring: 'canary' },
    'the selector env=prod,ring=canary matches no device: 3 devices have env=prod, none of them has ring=canary (ring is stable on 2 of them)',
  );
  refused(
    { env: 'qa' },
    'the selector env=qa matches no device: no device has env=qa (env is prod on 3, staging on 1)',
  );
  refused(
    { zone: 'eu' },
    'the selector zone=eu matches no device: no device has zone=eu (no device has the label zone)',
  );
  refused(
    { env: 'staging', ring: 'canary', zone: 'eu' },
    'the selector env=staging,ring=canary,zone=eu matches no device: 1 device has env=staging,ring=canary, none of them has zone=eu (none of them has the label zone)',
  );
  assert.throws(() => selectDevices([], { all: true }), /no device is enrolled/);
  assert.throws(() => selectDevices(fleet, { ids: ['dev_1', 'dev_9'] }), {
    code: 'NOT_FOUND',
    message: 'unknown device(s): dev_9',
  });
});

test('property: parsing the printed form of labels gives the labels back', () => {
  const key = fc.stringMatching(/^[a-z][a-z0-9._/-]{0,10}$/).filter((k) => k !== 'id');
  const value = fc.stringMatching(/^[a-zA-Z0-9._=-]{1,12}$/);
  fc.assert(
    fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }), (labels) => {
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      assert.deepEqual(parseSelector(text), { labels: { ...labels } });
    }),
  );
});
