/**
 * Abuse limits (docs/security.md "Limits"): request rates per token or client address, failed
 * authentications per address, enrollments and agent connections per address, agent messages per
 * connection, JSON nesting, and slow-client timeouts. A refusal is RATE_LIMITED (HTTP 429, with
 * Retry-After) or INVALID_INPUT, never a crash.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PatchcastError, sha256Hex } from '@patchcast/core';
import { AGENT_CHANNEL_PATH, ROUTES } from '@patchcast/protocol';
import { jsonDepthExceeds } from '@patchcast/protocol';

export interface LimitsConfig {
  /** API requests (`/api/`) per minute per token, or per client address without one. */
  readonly apiPerMinute: number;
  /** Failed authentications per minute per client address; then its API requests are refused. */
  readonly authFailuresPerMinute: number;
  /** Enrollment requests per minute per client address. */
  readonly enrollPerMinute: number;
  /** Agent channel connections per minute per client address (a NAT shares one address). */
  readonly agentConnectsPerMinute: number;
  /** Messages per second one agent connection may send, averaged over ten seconds. */
  readonly agentMessagesPerSecond: number;
  /** Deepest nesting of arrays and objects a JSON body or agent message may have. */
  readonly maxJsonDepth: number;
  /** Seconds a client has to send its request headers. */
  readonly headersTimeoutSeconds: number;
  /** Seconds a client has to send a whole request (artifact uploads included). */
  readonly requestTimeoutSeconds: number;
  /** Seconds an idle keep-alive connection stays open. */
  readonly idleTimeoutSeconds: number;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  apiPerMinute: 6000,
  authFailuresPerMinute: 20,
  enrollPerMinute: 60,
  agentConnectsPerMinute: 1200,
  agentMessagesPerSecond: 50,
  maxJsonDepth: 64,
  headersTimeoutSeconds: 30,
  requestTimeoutSeconds: 600,
  idleTimeoutSeconds: 75,
};

const MINUTE_MS = 60_000;

function rateLimited(what: string, retryAfterMs: number): PatchcastError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new PatchcastError('RATE_LIMITED', `too many ${what}; retry in ${seconds} s`, {
    hint: 'slow down; the limits and their flags are in docs/security.md',
  });
}

/** The key a request's API rate counts against: its token (hashed), else its address. */
function callerKey(request: FastifyRequest): string {
  const header = request.headers.authorization;
  return header === undefined ? `ip:${request.ip}` : `tok:${sha256Hex(header).slice(0, 32)}`;
}

/** Failed authentications per client address, in fixed one-minute windows, bounded in memory. */
export class FailureCounter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  readonly #max: number;
  readonly #now: () => number;

  constructor(maxPerMinute: number, now: () => number = Date.now) {
    this.#max = maxPerMinute;
    this.#now = now;
  }

  /** Milliseconds until `key` may try again, or 0. */
  blockedFor(key: string): number {
    const window = this.#windows.get(key);
    if (window === undefined) return 0;
    const left = window.start + MINUTE_MS - this.#now();
    if (left <= 0) this.#windows.delete(key);
    return left > 0 && window.count >= this.#max ? left : 0;
  }

  record(key: string): void {
    const now = this.#now();
    const window = this.#windows.get(key);
    if (window === undefined || window.start + MINUTE_MS <= now) {
      if (this.#windows.size >= 100_000) this.#evict(now);
      this.#windows.set(key, { start: now, count: 1 });
    } else window.count++;
  }

  #evict(now: number): void {
    for (const [key, window] of this.#windows)
      if (window.start + MINUTE_MS <= now) this.#windows.delete(key);
    if (this.#windows.size >= 100_000) this.#windows.clear();
  }
}

/**
 * Installs the HTTP limits on `app`: rates, failed-authentication blocking (through `failures`,
 * which the authentication step feeds), JSON depth, and timeouts on the underlying server.
 */
export async function installLimits(
  app: FastifyInstance,
  limits: LimitsConfig,
  failures: FailureCounter,
): Promise<void> {
  await app.register(rateLimit, { global: false, timeWindow: MINUTE_MS });
  const api = app.createRateLimit({ max: limits.apiPerMinute, keyGenerator: callerKey });
  const enroll = app.createRateLimit({ max: limits.enrollPerMinute });
  const connects = app.createRateLimit({ max: limits.agentConnectsPerMinute });
  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url ?? '';
    const checks =
      url === AGENT_CHANNEL_PATH
        ? [[connects, 'agent connections from this address'] as const]
        : url.startsWith('/api/')
          ? [
              [api, 'API requests'] as const,
              ...(url === ROUTES.enroll
                ? [[enroll, 'enrollments from this address'] as const]
                : []),
            ]
          : [];
    for (const [check, what] of checks) {
      const limit = await check(request);
      if (!limit.isAllowed && limit.isExceeded) {
        void reply.header('retry-after', String(limit.ttlInSeconds));
        throw rateLimited(what, limit.ttl);
      }
    }
    if (url.startsWith('/api/') && request.headers.authorization !== undefined) {
      const wait = failures.blockedFor(request.ip);
      if (wait > 0) {
        void reply.header('retry-after', String(Math.ceil(wait / 1000)));
        throw rateLimited('failed authentications from this address', wait);
      }
    }
  });
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonDepthExceeds(text, limits.maxJsonDepth)) {
      done(
        new PatchcastError(
          'INVALID_INPUT',
          `the JSON body is nested deeper than ${limits.maxJsonDepth} levels`,
        ),
        undefined,
      );
      return;
    }
    void json(request, text, done);
  });
  app.server.headersTimeout = limits.headersTimeoutSeconds * 1000;
  app.server.requestTimeout = limits.requestTimeoutSeconds * 1000;
  app.server.keepAliveTimeout = limits.idleTimeoutSeconds * 1000;
}

/**
 * A token bucket for one agent connection: `perSecond` on average, bursts of ten seconds' worth.
 * `take()` is false once the connection sends faster than that.
 */
export class MessageBudget {
  #tokens: number;
  #at: number;
  readonly #perSecond: number;
  readonly #now: () => number;

  constructor(perSecond: number, now: () => number = Date.now) {
    this.#perSecond = perSecond;
    this.#tokens = perSecond * 10;
    this.#now = now;
    this.#at = now();
  }

  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(
      this.#perSecond * 10,
      this.#tokens + ((now - this.#at) / 1000) * this.#perSecond,
    );
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
