/**
 * The Store a clustered node's app uses: the same store, except that every write the rollout
 * driver makes about one rollout (its engine snapshot with its decisions and end, and the end of
 * a rollout without an engine) carries the fence of that rollout's lease, which the store checks
 * in the write's own statement, and that the node creating a rollout takes its lease at once
 * (ADR 0014). Journaled engine inputs and device records are not fenced: any node stores them,
 * and the holder applies the journal in order.
 */
import { PatchcastError } from '@patchcast/core';
import type { LeaseFence } from '../storage/lease-store.js';
import type { Store } from '../storage/store.js';
import type { RolloutLeases } from './rollout-leases.js';

/**
 * `fence`: the method takes `(rolloutId, change)` and gets the lease's fence in `change`;
 * `claim`: take the lease after the write (creation), of the rollout `rolloutOf` names.
 */
type Guard =
  | { readonly kind: 'fence' }
  | { readonly kind: 'claim'; readonly rolloutOf: (args: readonly unknown[]) => unknown };

const idField = (args: readonly unknown[]) =>
  (args[0] as { readonly id?: unknown } | undefined)?.id;

const STORE_GUARDS: Readonly<Record<string, Guard>> = {
  createRollout: { kind: 'claim', rolloutOf: idField },
  completeRollout: { kind: 'fence' },
};

/** Methods of `store.rolloutEngine` (features/rollouts) and their guards. */
const ENGINE_GUARDS: Readonly<Record<string, Guard>> = {
  create: { kind: 'claim', rolloutOf: idField },
  save: { kind: 'fence' },
};

/** `onCreated` hears of each rollout this node created (and took the lease of). */
export function fencedStore(
  store: Store,
  leases: RolloutLeases,
  onCreated: (rolloutId: string) => void = () => undefined,
): Store {
  const engine = guarded(store.rolloutEngine, ENGINE_GUARDS, leases, onCreated);
  const fenced = guarded(store, STORE_GUARDS, leases, onCreated);
  return new Proxy(fenced, {
    get(target, property, receiver) {
      if (property === 'rolloutEngine') return engine;
      const value: unknown = Reflect.get(target, property, receiver);
      return value;
    },
  });
}

/** A view of `target` whose listed methods are guarded by their rollout's lease. */
function guarded<T extends object>(
  target: T,
  guards: Readonly<Record<string, Guard>>,
  leases: RolloutLeases,
  onCreated: (rolloutId: string) => void,
): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      const guard = typeof property === 'string' ? guards[property] : undefined;
      if (guard === undefined) return method.bind(object);
      if (guard.kind === 'fence')
        return (rolloutId: string, change: object) =>
          fencedWrite(leases, rolloutId, (fence) =>
            method.call(object, rolloutId, { ...change, fence }),
          );
      return async (...args: unknown[]) => {
        const result = await method.apply(object, args);
        const id = guard.rolloutOf(args);
        if (typeof id === 'string') {
          await leases.claim(id);
          onCreated(id);
        }
        return result;
      };
    },
  });
}

/** A write under the rollout's lease; a refusal makes this node stop trusting the lease. */
async function fencedWrite<T>(
  leases: RolloutLeases,
  rolloutId: string,
  write: (fence: LeaseFence) => Promise<T>,
): Promise<T> {
  const fence = await leases.fence(rolloutId);
  try {
    return await write(fence);
  } catch (error) {
    if (error instanceof PatchcastError && error.code === 'LEASE_LOST') leases.forget(rolloutId);
    throw error;
  }
}
