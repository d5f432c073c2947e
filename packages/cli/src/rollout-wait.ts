/**
 * `rollout status --watch` and `--wait`: follow a rollout until it ends, or until nothing more
 * happens without an operator, an offline device coming back or a maintenance window opening
 * (the server's outlook says which; ADR 0016). The exit code says how it ended.
 */
import type { RolloutOutlook } from '@patchcast/protocol';
import type { Io } from './command.js';

/** Exit codes of --watch and --wait (documented in `rollout --help` and docs/rollouts.md). */
export const WAIT_EXIT = {
  /** The rollout completed and every device installed the patch (or ended as `rollback` or
   * `abort` asked). */
  completed: 0,
  /** It ended otherwise: failures, aborted, rolled back, or a device never installed. */
  ended: 1,
  /** It waits for an operator: a wave's approval, or a pause (resume, abort, rollback). */
  operator: 3,
  /** It waits for offline devices to come back. */
  devices: 4,
  /** It waits for a maintenance window to open. */
  window: 5,
} as const;

export interface Followed {
  readonly state: string;
  readonly outlook?: RolloutOutlook | undefined;
  readonly devices: readonly { readonly state: string; readonly status?: string | undefined }[];
}

/** True once the rollout ended or waits for something outside it. */
export function stopsHere(rollout: Followed): boolean {
  return rollout.state !== 'in-progress' || rollout.outlook?.state === 'waiting';
}

/**
 * How a followed rollout ended. After the operator's own `rollback` or `abort`, the rollout ending
 * so is success (0); otherwise only a completion with every device installed is.
 */
export function exitCodeOf(rollout: Followed, action?: string): number {
  if (rollout.state !== 'in-progress') {
    const all = rollout.devices.every((d) => (d.status ?? d.state) === 'installed');
    if (rollout.state === 'completed' && all) return WAIT_EXIT.completed;
    if (action === 'rollback' && rollout.state === 'rolled-back') return WAIT_EXIT.completed;
    if (action === 'abort' && rollout.state === 'aborted') return WAIT_EXIT.completed;
    return WAIT_EXIT.ended;
  }
  const waitingFor = rollout.outlook?.waitingFor;
  return waitingFor === null || waitingFor === undefined ? WAIT_EXIT.ended : WAIT_EXIT[waitingFor];
}

/** Polls `fetch` until `stopsHere`; with `draw`, redraws `line` on stderr as it changes. */
export async function follow<T extends Followed>(
  fetch: () => Promise<T>,
  line: (rollout: T) => string,
  io: Io,
  draw: boolean,
  intervalMs = 250,
): Promise<T> {
  let last = '';
  for (;;) {
    const rollout = await fetch();
    const text = line(rollout);
    if (draw && text !== last) io.err(io.isTty ? `\r\x1b[2K${text}` : `${text}\n`);
    last = text;
    if (stopsHere(rollout)) {
      if (draw && io.isTty) io.err('\n');
      return rollout;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The outlook for people: the window, then what happens next or what is needed. */
export function outlookLines(outlook: RolloutOutlook | undefined): string[] {
  if (outlook === undefined) return [];
  const window = outlook.window;
  const windowLine =
    window === null
      ? []
      : [
          window.open
            ? `maintenance window: open until ${window.closesAt ?? '?'}`
            : `maintenance window: closed; next opens at ${window.opensAt ?? 'never'}`,
        ];
  const label =
    outlook.state === 'waiting' ? `waiting for ${outlook.waitingFor ?? '?'}` : outlook.state;
  return [...windowLine, `next: ${label}: ${outlook.message}`];
}
