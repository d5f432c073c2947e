/** Hostile bytes on the NATS subjects: dropped with an error, never handed to a handler. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { NatsBus } from '../../src/bus/nats/nats-bus.js';
import type { BusEvents } from '../../src/bus/bus.js';
import { Collector } from './bus-conformance.js';
import { TEST_NATS, deleteStream, natsSkipReason, uniqueNames } from './nats-harness.js';

const skip = (await natsSkipReason()) ?? (TEST_NATS === undefined ? 'no NATS' : undefined);

describe('NATS bus: hostile messages', { skip: skip ?? false }, () => {
  const url = TEST_NATS ?? '';
  const names = uniqueNames();
  after(() => deleteStream(url, names.stream));

  test('malformed and mistyped events are dropped; the next valid one still arrives', async () => {
    const errors: unknown[] = [];
    const bus = await NatsBus.open({ url, nodeId: 'h1', ...names, onError: (e) => errors.push(e) });
    const raw = await connect({ servers: url });
    try {
      const got = new Collector<BusEvents['device-result']>();
      bus.subscribe('device-result', got.handler);
      await bus.ready();
      const js = raw.jetstream();
      const subject = `${names.subjectPrefix}.device-result`;
      const encoder = new TextEncoder();
      await js.publish(subject, encoder.encode('{not json'));
      await js.publish(subject, new Uint8Array([0xff, 0xfe, 0x00]));
      await js.publish(subject, encoder.encode(JSON.stringify({ id: 'x', state: 'pwned' })));
      await js.publish(subject, encoder.encode(JSON.stringify({ id: 'y'.repeat(5000) })));
      const valid = {
        id: 'ok1',
        rolloutId: 'ro_1',
        deviceId: 'dev_1',
        state: 'installed',
        node: 'h0',
      } as const;
      await bus.publish('device-result', valid);
      await got.until(1);
      assert.deepEqual(got.events, [valid]);
      assert.equal(errors.length, 4);
      for (const error of errors) assert.match(String(error), /malformed device-result event/);
    } finally {
      await raw.close();
      await bus.close();
    }
  });
});
