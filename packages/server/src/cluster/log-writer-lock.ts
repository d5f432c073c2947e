/**
 * The cross-node lock around transparency log appends (ADR 0014): a lease named `log-writer`
 * taken by one process at a time, so that each node catches its tree up and appends its batch
 * while no other node does; the log stays one linear history.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LeaseStore } from '../storage/lease-store.js';
import type { SharedLog } from '../features/log/batch-writer.js';

const NAME = 'log-writer';

export interface LogWriterLockOptions {
  /** A holder that stalls longer than this loses the lock; its late append is then refused. */
  readonly ttlMs?: number;
  readonly now?: () => Date;
}

export function logWriterLock(leases: LeaseStore, options: LogWriterLockOptions = {}): SharedLog {
  const holder = `log-${process.pid}-${randomBytes(6).toString('hex')}`;
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? (() => new Date());
  return {
    async exclusive<T>(work: () => Promise<T>): Promise<T> {
      let token: number | undefined;
      for (let attempt = 0; token === undefined; attempt++) {
        const at = now();
        const expires = new Date(at.getTime() + ttlMs).toISOString();
        token = (await leases.acquire(NAME, holder, at.toISOString(), expires))?.token;
        if (token === undefined) await sleep(Math.min(50, 2 + attempt * 2));
      }
      try {
        return await work();
      } finally {
        await leases.release(NAME, holder, token, now().toISOString());
      }
    },
  };
}
