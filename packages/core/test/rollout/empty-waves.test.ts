import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignWaves, describeWaveSize, emptyWaves } from '../../src/rollout/index.js';
import type { FleetDevice, WavePlan } from '../../src/rollout/index.js';
import { wave } from './fixtures.js';

const devices: FleetDevice[] = [
  { id: 'a', labels: { env: 'prod', ring: 'main' } },
  { id: 'b', labels: { env: 'prod', ring: 'main' } },
  { id: 'c', labels: { env: 'prod', ring: 'beta' } },
];

function empty(waves: WavePlan[]) {
  return emptyWaves(waves, assignWaves(waves, devices), devices);
}

test('empty waves: none when every wave takes a device', () => {
  assert.deepEqual(
    empty([wave('canary', { labels: { ring: 'beta' } }), wave('rest', { rest: true })]),
    [],
  );
});

test('empty waves: a label wave no device carries says which label and what the devices have', () => {
  const [only, ...more] = empty([
    wave('canary', { labels: { ring: 'canary' } }),
    wave('rest', { rest: true }),
  ]);
  assert.deepEqual(more, []);
  assert.deepEqual(only, {
    index: 0,
    name: 'canary',
    selector: 'labels ring=canary',
    why: 'of the 3 target device(s), no device has ring=canary (ring is main on 2, beta on 1)',
  });
});

test('empty waves: a label or id wave whose devices an earlier wave took names that wave', () => {
  const found = empty([
    wave('beta', { labels: { ring: 'beta' } }),
    wave('again', { ids: ['c'] }),
    wave('rest', { rest: true }),
  ]);
  assert.deepEqual(
    found.map((w) => [w.index, w.why]),
    [[1, 'its device(s) are taken by earlier wave 1 (beta)']],
  );
  const twice = empty([
    wave('beta', { labels: { ring: 'beta' } }),
    wave('beta-again', { labels: { env: 'prod', ring: 'beta' } }),
    wave('rest', { rest: true }),
  ]);
  assert.equal(
    twice[0]?.why,
    'the 1 target device(s) with env=prod,ring=beta are taken by earlier wave 1 (beta)',
  );
});

test('empty waves: ids outside the target, and a rest wave with nothing left', () => {
  const found = empty([
    wave('ids', { ids: ['zz'] }),
    wave('first', { count: 3 }),
    wave('rest', { rest: true }),
  ]);
  assert.deepEqual(
    found.map((w) => [w.name, w.selector, w.why]),
    [
      ['ids', 'ids zz', 'none of these ids is among the 3 target device(s)'],
      ['rest', 'rest', 'no device is left: earlier waves take all 3 target device(s)'],
    ],
  );
});

test('describeWaveSize: as the plan writes it', () => {
  assert.equal(describeWaveSize({ percent: 5 }), 'percent 5');
  assert.equal(describeWaveSize({ count: 2 }), 'count 2');
  assert.equal(describeWaveSize({ labels: { a: '1', b: '2' } }), 'labels a=1,b=2');
});
