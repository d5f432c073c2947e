/** What the fanout benchmark asks of its worker processes (over ../rpc.ts), and their answers. */

export interface EnrollRequest {
  readonly kind: 'enroll';
  readonly server: string;
  /** The server's 1.root.json, base64: every simulated agent pins it, as with --trusted-root. */
  readonly rootBase64: string;
  readonly localAddress: string;
  readonly tokens: readonly string[];
  readonly firstIndex: number;
  readonly concurrency: number;
  readonly httpSockets: number;
}

export type WorkerRequest =
  | EnrollRequest
  | {
      readonly kind: 'connect';
      readonly concurrency: number;
      /** Another node to connect to (bench cluster); the enrolling server when absent. */
      readonly server?: string;
    }
  | { readonly kind: 'install' }
  | { readonly kind: 'forget-notices' }
  | { readonly kind: 'progress' }
  | { readonly kind: 'collect' }
  | { readonly kind: 'disconnect' }
  | { readonly kind: 'baseline-connect'; readonly url: string; readonly concurrency: number }
  | { readonly kind: 'baseline-collect' }
  | { readonly kind: 'baseline-disconnect' };

export type WorkerRequestKind = WorkerRequest['kind'];

export interface Progress {
  readonly enrolled: number;
  readonly connected: number;
  readonly baselineArrived: number;
  readonly noticed: number;
  readonly installed: number;
  readonly failed: number;
}

export interface AgentSamples {
  /** Shared-clock time each agent's notice arrived, or null. */
  readonly noticeAt: readonly (number | null)[];
  /** Shared-clock time the server acknowledged each agent's final `installed` report, or null. */
  readonly installedAt: readonly (number | null)[];
  readonly noticeBytes: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly rssKiB: number;
}

export interface BaselineSamples {
  readonly arrivedAt: readonly (number | null)[];
  readonly bytes: number;
}

export interface WorkerReplies {
  readonly enroll: { readonly count: number };
  readonly connect: { readonly count: number };
  readonly install: { readonly count: number };
  readonly 'forget-notices': { readonly count: number };
  readonly progress: Progress;
  readonly collect: AgentSamples;
  readonly disconnect: { readonly count: number };
  readonly 'baseline-connect': { readonly count: number };
  readonly 'baseline-collect': BaselineSamples;
  readonly 'baseline-disconnect': { readonly count: number };
}

export const WORKER_REQUEST_KINDS = [
  'enroll',
  'connect',
  'install',
  'forget-notices',
  'progress',
  'collect',
  'disconnect',
  'baseline-connect',
  'baseline-collect',
  'baseline-disconnect',
] as const satisfies readonly WorkerRequestKind[];
