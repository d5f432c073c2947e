/** The JetStream stream a node finds: used as the operator left it, or refused when it is not ours. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, nanos } from 'nats';
import { PatchcastError } from '@patchcast/core';
import { NatsBus } from '../../src/bus/nats/nats-bus.js';
import { TEST_NATS, deleteStream, natsSkipReason, uniqueNames } from './nats-harness.js';

const skip = (await natsSkipReason()) ?? (TEST_NATS === undefined ? 'no NATS' : undefined);

describe('NATS bus: the stream it finds', { skip: skip ?? false }, () => {
  const url = TEST_NATS ?? '';
  const made: string[] = [];
  after(() => Promise.all(made.map((stream) => deleteStream(url, stream))));

  async function makeStream(name: string, subjects: string[], maxAgeMs: number): Promise<void> {
    const nc = await connect({ servers: url });
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name, subjects, max_age: nanos(maxAgeMs) });
      made.push(name);
    } finally {
      await nc.close().catch(() => undefined);
    }
  }

  test('an existing stream keeps the limits an operator gave it', async () => {
    const names = uniqueNames();
    await makeStream(names.stream, [`${names.subjectPrefix}.>`], 3_600_000);
    const bus = await NatsBus.open({ url, nodeId: 's1', ...names, onError: () => undefined });
    await bus.close();
    const nc = await connect({ servers: url });
    try {
      const info = await (await nc.jetstreamManager()).streams.info(names.stream);
      assert.equal(info.config.max_age, nanos(3_600_000));
    } finally {
      await nc.close();
    }
  });

  test('a stream of that name for other subjects is BUS_UNAVAILABLE, not taken over', async () => {
    const names = uniqueNames();
    await makeStream(names.stream, [`someone-else-${names.subjectPrefix}.>`], 60_000);
    await assert.rejects(
      NatsBus.open({ url, nodeId: 's2', ...names, onError: () => undefined }),
      (error) => {
        assert.ok(error instanceof PatchcastError);
        assert.equal(error.code, 'BUS_UNAVAILABLE');
        assert.match(error.message, /exists without the subjects/);
        return true;
      },
    );
  });
});
