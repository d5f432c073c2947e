/** What the fanout benchmark asks of the bare `ws` baseline server process, and its answers. */
export type BaselineRequest =
  | { readonly kind: 'listen' }
  | { readonly kind: 'count' }
  | { readonly kind: 'broadcast'; readonly bytes: number };

export interface BaselineReplies {
  readonly listen: { readonly port: number };
  readonly count: { readonly connections: number };
  /** `startedAt`: shared-clock time the send loop began, the baseline's time zero. */
  readonly broadcast: {
    readonly sent: number;
    readonly startedAt: number;
    readonly loopMs: number;
  };
}

export const BASELINE_REQUEST_KINDS = [
  'listen',
  'count',
  'broadcast',
] as const satisfies readonly BaselineRequest['kind'][];

/** A text frame of exactly `bytes` bytes that looks like a notice: the same size on the wire. */
export function paddedMessage(bytes: number): Buffer {
  const frame = '{"type":"notice","pad":""}';
  return Buffer.from(frame.replace('""', `"${'x'.repeat(Math.max(0, bytes - frame.length))}"`));
}
