/**
 * The Store a clustered node's app uses: the same store, except that every write the rollout
 * driver makes about one rollout (its engine snapshot with its decisions and end, and the
 * rollout's state) first passes the fencing check of that rollout's lease, and that the node
 * creating a rollout takes its lease at once (ADR 0014). Journaled engine inputs and device
 * records are not fenced: any node stores them, and the holder applies the journal in order.
 */
import type { Store } from '../storage/store.js';
import type { RolloutLeases } from './rollout-leases.js';

/** `fence`: check the lease before the write; `claim`: take the lease after it (creation). */
interface Guard {
  readonly rolloutOf: (args: readonly unknown[]) => unknown;
  readonly kind: 'fence' | 'claim';
}

const idOfFirst = (args: readonly unknown[]) => args[0];
const idField = (args: readonly unknown[]) =>
  (args[0] as { readonly id?: unknown; readonly rolloutId?: unknown } | undefined)?.rolloutId ??
  (args[0] as { readonly id?: unknown } | undefined)?.id;

const STORE_GUARDS: Readonly<Record<string, Guard>> = {
  createRollout: { rolloutOf: idField, kind: 'claim' },
  setRolloutState: { rolloutOf: idOfFirst, kind: 'fence' },
};

/** Methods of `store.rolloutEngine` (features/rollouts) and their guards. */
const ENGINE_GUARDS: Readonly<Record<string, Guard>> = {
  create: { rolloutOf: idField, kind: 'claim' },
  save: { rolloutOf: idOfFirst, kind: 'fence' },
};

/** `onCreated` hears of each rollout this node created (and took the lease of). */
export function fencedStore(
  store: Store,
  leases: RolloutLeases,
  onCreated: (rolloutId: string) => void = () => undefined,
): Store {
  const engine = guarded(
    (store as unknown as Record<string, unknown>).rolloutEngine,
    ENGINE_GUARDS,
    leases,
    onCreated,
  );
  const fenced = guarded(store, STORE_GUARDS, leases, onCreated);
  return new Proxy(fenced, {
    get(target, property, receiver) {
      if (property === 'rolloutEngine' && engine !== undefined) return engine;
      const value: unknown = Reflect.get(target, property, receiver);
      return value;
    },
  });
}

/** A view of `target` whose listed methods are guarded by their rollout's lease. */
function guarded<T>(
  target: T,
  guards: Readonly<Record<string, Guard>>,
  leases: RolloutLeases,
  onCreated: (rolloutId: string) => void,
): T {
  if (typeof target !== 'object' || target === null) return target;
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      const guard = typeof property === 'string' ? guards[property] : undefined;
      if (guard === undefined) return method.bind(object);
      return async (...args: unknown[]) => {
        const rolloutId = guard.rolloutOf(args);
        const id = typeof rolloutId === 'string' ? rolloutId : undefined;
        if (id !== undefined && guard.kind === 'fence') await leases.fence(id);
        const result: unknown = await method.apply(object, args);
        if (id !== undefined && guard.kind === 'claim') {
          await leases.claim(id);
          onCreated(id);
        }
        return result;
      };
    },
  });
}
