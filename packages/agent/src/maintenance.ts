/**
 * Holds installs until a maintenance window is open: "download now, install in the window".
 * The patch is downloaded and verified first; then, outside a window, the runner reports
 * `deferred` and waits here. `close()` (agent stop) ends every wait with an error.
 */
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { readJsonOptional } from './files.js';
import { maintenancePolicyGuard, maintenanceStatus } from './maintenance-window.js';
import type { MaintenancePolicy } from './maintenance-window.js';

/** Re-check at least this often, so that clock changes and long sleeps cannot overshoot. */
const RECHECK_MS = 60_000;

export interface MaintenanceGateOptions {
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export class MaintenanceGate {
  readonly #policy: MaintenancePolicy;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  readonly #closed = new AbortController();

  constructor(policy: MaintenancePolicy, options: MaintenanceGateOptions = {}) {
    this.#policy = policy;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => undefined);
  }

  /** Resolves at once inside a window; else calls `onDeferred(until)` and waits for one. */
  async wait(onDeferred: (until: number | null) => void): Promise<void> {
    const arrived = this.#now();
    const deadline =
      this.#policy.maxDeferralSeconds === undefined
        ? Number.POSITIVE_INFINITY
        : arrived + this.#policy.maxDeferralSeconds * 1000;
    let told = false;
    for (;;) {
      const now = this.#now();
      const status = maintenanceStatus(this.#policy, now);
      if (status.open) return;
      if (now >= deadline) {
        this.#log('maintenance: deferral deadline reached; installing outside a window');
        return;
      }
      const until = Math.min(status.opensAt ?? Number.POSITIVE_INFINITY, deadline);
      if (!told) {
        told = true;
        onDeferred(Number.isFinite(until) ? until : null);
        const when = Number.isFinite(until) ? new Date(until).toISOString() : 'never';
        this.#log(`maintenance: outside every window; install deferred until ${when}`);
      }
      await this.#sleep(Math.min(until - now, RECHECK_MS));
    }
  }

  close(): void {
    this.#closed.abort();
  }

  async #sleep(ms: number): Promise<void> {
    const signal = this.#closed.signal;
    if (signal.aborted) throw stopped();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, Math.max(1, ms));
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(stopped());
        },
        { once: true },
      );
    });
  }
}

/** A deferred install ended by the agent stopping: not a result, nothing to report. */
export class DeferralStopped extends Error {
  constructor() {
    super('the agent stopped while an install was deferred');
    this.name = 'DeferralStopped';
  }
}

function stopped(): DeferralStopped {
  return new DeferralStopped();
}

/** The agent's policy from `<data>/maintenance.json`; no file means always open. */
export async function loadMaintenanceGate(
  dataDir: string,
  options: MaintenanceGateOptions = {},
): Promise<MaintenanceGate> {
  const path = join(dataDir, 'maintenance.json');
  const json = await readJsonOptional(path).catch((error: unknown) => {
    throw new PatchcastError('CONFIG_INVALID', `${path} is not valid JSON: ${String(error)}`);
  });
  if (json === undefined) return new MaintenanceGate({ windows: [] }, options);
  const parsed = maintenancePolicyGuard.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new PatchcastError(
      'CONFIG_INVALID',
      `${path}: ${where} ${issue?.message ?? 'is invalid'}`,
      {
        hint: 'see docs/protocol/bundle.md "Maintenance windows" for the file format',
      },
    );
  }
  return new MaintenanceGate(parsed.data, options);
}
