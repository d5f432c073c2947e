/**
 * Store and bus latency: views of the ports that time every call into a histogram. The label is
 * the port's own method name (`getDevice`, `log.append`, `rolloutEngine.save`), a closed set, so
 * the series stay bounded. Every Store method is one query or one transaction of its adapter.
 */
import type { Histogram } from 'prom-client';
import type { Store } from '../../storage/store.js';
import type { Bus } from '../../bus/bus.js';

/** The Store's sub-ports, timed as `<part>.<method>`. */
const STORE_PARTS = ['log', 'leases', 'vulns', 'rolloutEngine', 'deviceResults'] as const;

export function timedStore(store: Store, histogram: Histogram<'operation'>): Store {
  const parts = new Map<PropertyKey, unknown>(
    STORE_PARTS.map((part) => [part, timed(store[part], histogram, `${part}.`)]),
  );
  return timed(store, histogram, '', parts);
}

/** A bus whose publishes are timed by topic; subscriptions pass through. */
export function timedBus(bus: Bus, histogram: Histogram<'topic'>): Bus {
  return new Proxy(bus, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== 'publish')
        return typeof value === 'function'
          ? (value as (...args: unknown[]) => unknown).bind(target)
          : value;
      return async (...args: Parameters<Bus['publish']>) => {
        const end = histogram.startTimer({ topic: args[0] });
        try {
          await target.publish(...args);
        } finally {
          end();
        }
      };
    },
  });
}

/** Methods called on the target itself (private fields work), their promises timed on settling. */
function timed<T extends object>(
  target: T,
  histogram: Histogram<'operation'>,
  prefix: string,
  parts: ReadonlyMap<PropertyKey, unknown> = new Map(),
): T {
  return new Proxy(target, {
    get(object, property) {
      if (parts.has(property)) return parts.get(property);
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      const operation = `${prefix}${property}`;
      return (...args: unknown[]) => {
        const end = histogram.startTimer({ operation });
        const result = method.apply(object, args);
        if (result instanceof Promise) return result.finally(end);
        end();
        return result;
      };
    },
  });
}
