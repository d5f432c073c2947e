import { MemoryBus } from '../../src/bus/memory/memory-bus.js';
import { MemoryBusHub } from '../../src/bus/memory/memory-bus-hub.js';
import { busConformance } from './bus-conformance.js';

const hub = new MemoryBusHub();

busConformance('memory', {
  open: (nodeId) =>
    Promise.resolve(
      new MemoryBus(
        (error) => {
          throw error;
        },
        { hub, nodeId },
      ),
    ),
  cleanup: () => Promise.resolve(),
});
