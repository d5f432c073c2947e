/**
 * `rollout start --devices` with several labels (AND), end to end with real processes: the
 * selector takes exactly the devices with every label, and one that takes none says which label
 * left no device; a malformed one explains the grammar.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Rollout } from '@patchcast/protocol';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

test('--devices env=prod,ring=canary selects by both labels and explains a miss', async () => {
  const h = await Harness.create();
  try {
    await h.startServer();
    await h.startAgent('canary-1', ['env=prod', 'ring=canary']);
    await h.startAgent('stable-1', ['env=prod', 'ring=stable']);
    await h.publish(await writePatchSource(join(h.dir, 'p'), { 'etc/app': 'v1\n' }), 'app', '1');

    const started = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'app@1',
      '--devices',
      'env=prod,ring=canary',
    ]);
    const done = await h.settled<Rollout>(started.id);
    assert.equal(done.state, 'completed');
    assert.deepEqual(
      done.devices.map((d) => d.name),
      ['canary-1'],
    );

    const miss = await h.cli(['rollout', 'start', 'app@1', '--devices', 'env=prod,ring=beta']);
    assert.equal(miss.code, 1);
    assert.match(
      miss.stderr,
      /error\[INVALID_INPUT\]: the selector env=prod,ring=beta matches no device: 2 devices have env=prod, none of them has ring=beta \(ring is canary on 1, stable on 1 of them\)/,
    );
    assert.match(miss.stderr, /hint: .*patchcast devices label ID KEY=VALUE/);

    const malformed = await h.cli(['rollout', 'start', 'app@1', '--devices', 'env=prod,canary']);
    assert.equal(malformed.code, 2);
    assert.match(
      malformed.stderr,
      /error\[USAGE\]: "canary" in "env=prod,canary" is not KEY=VALUE/,
    );
    assert.match(malformed.stderr, /hint: a selector is all, KEY=VALUE\[,KEY=VALUE\.\.\.\]/);
  } finally {
    await h.close();
  }
});
