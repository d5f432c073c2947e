/**
 * Console sessions (ADR 0035): a random id in an HttpOnly cookie names a session row in the store
 * (storage/console-session-store.ts), which keeps the SHA-256 of the id (never the id) and the
 * hash of the API token it was made from (never the token). The CSRF token is derived from the
 * id, so it needs no column and no node has to share it. Every request re-checks the token in the
 * store, so revoking it ends its sessions at once; sessions survive a restart and every node of a
 * cluster knows them.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DeviceSelector, Role } from '@patchcast/protocol';
import type { ConsoleSessionStore } from '../../storage/console-session-store.js';

export interface ConsoleSession {
  readonly tokenHash: string;
  readonly csrf: string;
  readonly expiresAt: number;
}

export interface SessionLimits {
  /** How long a session lasts from sign-in; default 12 hours. */
  readonly ttlMs: number;
  /** A session's last-seen time is written at most this often; default one minute. */
  readonly touchMs: number;
  /** Expired rows are swept at sign-in at most this often; default ten minutes. */
  readonly sweepMs: number;
  /** Sessions one token keeps; its oldest go at its next sign-in; default 100. */
  readonly perToken: number;
}

const DEFAULT_LIMITS: SessionLimits = {
  ttlMs: 12 * 3600_000,
  touchMs: 60_000,
  sweepMs: 600_000,
  perToken: 100,
};

function digest(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** The session's CSRF token: a MAC of a constant under the session id, so only its holder knows it. */
function csrfOf(id: string): string {
  return createHmac('sha256', id).update('patchcast console csrf').digest('base64url');
}

/** Constant-time comparison of two strings (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ConsoleSessions {
  readonly #store: ConsoleSessionStore;
  readonly #limits: SessionLimits;
  #sweptAt = 0;

  constructor(store: ConsoleSessionStore, limits: Partial<SessionLimits> = {}) {
    this.#store = store;
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** A new session for the token of hash `tokenHash`, recording its role and device scope. */
  async create(
    tokenHash: string,
    grant: { readonly role: Role; readonly devices?: DeviceSelector | undefined },
    now: number,
  ): Promise<{ id: string; session: ConsoleSession }> {
    await this.#sweep(now);
    const id = randomBytes(32).toString('base64url');
    const at = new Date(now).toISOString();
    const expiresAt = now + this.#limits.ttlMs;
    await this.#store.create({
      idHash: digest(id),
      tokenHash,
      role: grant.role,
      devices: grant.devices,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(expiresAt).toISOString(),
    });
    await this.#store.keepNewest(tokenHash, this.#limits.perToken);
    return { id, session: { tokenHash, csrf: csrfOf(id), expiresAt } };
  }

  async find(id: string, now: number): Promise<ConsoleSession | undefined> {
    const idHash = digest(id);
    const found = await this.#store.findLive(idHash, new Date(now).toISOString());
    if (found === undefined) return undefined;
    if (now - Date.parse(found.lastSeenAt) >= this.#limits.touchMs)
      await this.#store.touch(idHash, new Date(now).toISOString());
    return {
      tokenHash: found.tokenHash,
      csrf: csrfOf(id),
      expiresAt: Date.parse(found.expiresAt),
    };
  }

  /** Signs the session out (its row stays, revoked, until it expires and is swept). */
  async delete(id: string, now: number): Promise<void> {
    await this.#store.revoke(digest(id), new Date(now).toISOString());
  }

  async #sweep(now: number): Promise<void> {
    if (now - this.#sweptAt < this.#limits.sweepMs) return;
    this.#sweptAt = now;
    await this.#store.sweep(new Date(now).toISOString());
  }
}
