/**
 * The agent's peer-to-peer switch (ADR 0040). With `peer.enabled` off (the default) nothing of
 * peer/ is loaded and `peer` messages are ignored; on, peer/start-peers.ts is loaded when the
 * first patch needs it or the channel hands over a peer message.
 */
import type { Signer } from '@patchcast/core/base';
import type { AgentMessage } from '@patchcast/protocol/agent';
import type { PieceSwarm } from './fetch/piece-swarm.js';
import { parseRate } from './policy.js';
import type { Peers } from './peer/start-peers.js';

export interface PeerConfig {
  readonly enabled: boolean;
  /** Serve pieces to the site; off on metered links (fetch from peers, serve none). */
  readonly serve: boolean;
  /** The peer server's listen address and port (0: any free port). */
  readonly host: string;
  readonly port: number;
  /** The address peers are told (`http://host:port`); default: the listen address. */
  readonly address?: string | undefined;
  /** Upload cap for all peers together, bytes per second (0: none). */
  readonly maxBytesPerSecond: number;
  /** A piece a peer has not delivered in this time counts as stalled. */
  readonly pieceTimeoutMs: number;
}

export const DEFAULT_PEER_RATE = 20 * 1024 * 1024;
export const DEFAULT_PIECE_TIMEOUT_MS = 10_000;

/** What `patchcast agent --peer on` and its flags mean (docs/protocol/peers.md §6). */
export interface PeerFlags {
  readonly enabled: boolean;
  readonly serve?: boolean | undefined;
  readonly listen?: { readonly host: string; readonly port: number } | undefined;
  readonly address?: string | undefined;
  readonly rate?: string | undefined;
  readonly pieceTimeoutMs?: number | undefined;
}

export function peerConfig(flags: PeerFlags): PeerConfig {
  return {
    enabled: flags.enabled,
    serve: flags.serve ?? true,
    host: flags.listen?.host ?? '0.0.0.0',
    port: flags.listen?.port ?? 7475,
    address: flags.address,
    maxBytesPerSecond:
      flags.rate === undefined ? DEFAULT_PEER_RATE : parseRate(flags.rate, '--peer-rate'),
    pieceTimeoutMs: flags.pieceTimeoutMs ?? DEFAULT_PIECE_TIMEOUT_MS,
  };
}

export interface PeerLayer {
  /** The swarm for downloads; undefined with peer-to-peer off or when it could not start. */
  swarm(): Promise<PieceSwarm | undefined>;
  receive(body: unknown): void;
  connected(): void;
  stop(): Promise<void>;
}

export function peerLayer(
  config: PeerConfig | undefined,
  deps: {
    deviceId: string;
    signer: Signer;
    send: (m: AgentMessage) => boolean;
    log: (line: string) => void;
  },
): PeerLayer {
  let started: Promise<Peers | undefined> | undefined;
  const start = () =>
    (started ??= import('./peer/start-peers.js')
      .then(({ startPeers }) => startPeers(config!, deps))
      .catch((error: unknown) => {
        deps.log(`peers not started: ${(error as Error).message}; downloading from the origin`);
        return undefined;
      }));
  if (config?.enabled !== true)
    return {
      swarm: () => Promise.resolve(undefined),
      receive: () => undefined,
      connected: () => undefined,
      stop: () => Promise.resolve(),
    };
  return {
    swarm: async () => (await start())?.swarm,
    receive: (body) => void start().then((peers) => peers?.receive(body)),
    connected: () => void started?.then((peers) => peers?.connected()),
    stop: async () => void (await started)?.close(),
  };
}
