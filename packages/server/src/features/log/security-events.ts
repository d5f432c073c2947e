import type { SecurityEventKind } from '@patchcast/protocol';
import type { EventLog } from './log-events.js';

const QUIET_MS = 60_000;

export interface SecurityEventsDeps {
  readonly log: EventLog;
  readonly now: () => Date;
  readonly onError: (error: unknown) => void;
}

/**
 * Records security events in the transparency log. Each device and kind is logged at most once a
 * minute, so that a misbehaving peer cannot flood the log.
 */
export class SecurityEvents {
  readonly #deps: SecurityEventsDeps;
  readonly #lastAt = new Map<string, number>();

  constructor(deps: SecurityEventsDeps) {
    this.#deps = deps;
  }

  /** Returns the entry's index, or undefined when the event was rate-limited. */
  async record(
    kind: SecurityEventKind,
    deviceId: string | undefined,
    detail: string,
  ): Promise<number | undefined> {
    const now = this.#deps.now();
    const key = `${kind} ${deviceId ?? ''}`;
    if (now.getTime() - (this.#lastAt.get(key) ?? -Infinity) < QUIET_MS) return undefined;
    this.#lastAt.set(key, now.getTime());
    try {
      const at = now.toISOString();
      return await this.#deps.log.append({
        type: 'security-event',
        at,
        kind,
        ...(deviceId === undefined ? {} : { deviceId }),
        detail: detail.slice(0, 1024),
      });
    } catch (error) {
      this.#deps.onError(error);
      return undefined;
    }
  }
}
