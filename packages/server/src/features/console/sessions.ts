/**
 * Console sessions (ADR 0035): a random id in an HttpOnly cookie names a session held here, which
 * keeps the hash of the API token it was made from (never the token) and its CSRF token. Every
 * request re-checks the token in the store, so revoking it ends its sessions at once. Sessions
 * live in this node's memory: a restart signs everybody out, and behind a load balancer a
 * console needs sticky sessions (docs/operations-cluster.md).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ConsoleSession {
  readonly tokenHash: string;
  readonly csrf: string;
  readonly expiresAt: number;
}

export interface SessionLimits {
  /** How long a session lasts from sign-in; default 12 hours. */
  readonly ttlMs: number;
  /** At most this many live sessions; the oldest goes first; default 10,000. */
  readonly max: number;
}

const DEFAULT_LIMITS: SessionLimits = { ttlMs: 12 * 3600_000, max: 10_000 };

function digest(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** Constant-time comparison of two strings (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ConsoleSessions {
  /** By the SHA-256 of the session id: a memory dump does not hand out live cookies. */
  readonly #sessions = new Map<string, ConsoleSession>();
  readonly #limits: SessionLimits;

  constructor(limits: Partial<SessionLimits> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  get size(): number {
    return this.#sessions.size;
  }

  create(tokenHash: string, now: number): { id: string; session: ConsoleSession } {
    this.#sweep(now);
    while (this.#sessions.size >= this.#limits.max) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    const session = {
      tokenHash,
      csrf: randomBytes(32).toString('base64url'),
      expiresAt: now + this.#limits.ttlMs,
    };
    this.#sessions.set(digest(id), session);
    return { id, session };
  }

  find(id: string, now: number): ConsoleSession | undefined {
    const key = digest(id);
    const session = this.#sessions.get(key);
    if (session === undefined) return undefined;
    if (session.expiresAt > now) return session;
    this.#sessions.delete(key);
    return undefined;
  }

  delete(id: string): void {
    this.#sessions.delete(digest(id));
  }

  /** Drops expired sessions (insertion order is expiry order: the ttl is fixed). */
  #sweep(now: number): void {
    for (const [key, session] of this.#sessions) {
      if (session.expiresAt > now) break;
      this.#sessions.delete(key);
    }
  }
}
