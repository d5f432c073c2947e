/** Requests between `bench swarm` and its agent host processes (swarm-host-main.ts). */
export const SWARM_REQUEST_KINDS = ['start', 'stop'] as const;

export interface SwarmAgentSpec {
  readonly name: string;
  readonly token: string;
  readonly dir: string;
  /** The loopback address its peer server listens on (127.0.0.x). */
  readonly ip: string;
}

export type SwarmRequest =
  | {
      readonly kind: 'start';
      readonly server: string;
      readonly agents: readonly SwarmAgentSpec[];
      readonly labels: Readonly<Record<string, string>>;
      readonly peer: boolean;
    }
  | { readonly kind: 'stop' };

export interface SwarmReplies {
  start: { readonly started: number };
  stop: { readonly stopped: number };
}
