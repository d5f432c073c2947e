import { describe, test } from 'node:test';
import { NatsBus } from '../../src/bus/nats/nats-bus.js';
import { busConformance } from './bus-conformance.js';
import { TEST_NATS, deleteStream, natsSkipReason, uniqueNames } from './nats-harness.js';

const skip = await natsSkipReason();

if (skip !== undefined || TEST_NATS === undefined) {
  describe('Bus conformance: nats', () => {
    test(`SKIPPED: ${skip ?? 'no NATS'}`, { skip: skip ?? 'no NATS' }, () => undefined);
  });
} else {
  const url = TEST_NATS;
  const names = uniqueNames();
  busConformance('nats', {
    open: (nodeId) =>
      NatsBus.open({
        url,
        nodeId,
        ...names,
        onError: (error) => {
          throw error;
        },
      }),
    cleanup: () => deleteStream(url, names.stream),
  });
}
