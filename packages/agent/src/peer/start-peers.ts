/**
 * Peer-to-peer, loaded only when `peer.enabled` (ADR 0040): the tracker client on the agent
 * channel, the swarm the piece fetcher uses, and, unless the link is metered, the peer server.
 */
import type { Signer } from '@patchcast/core/base';
import type { AgentMessage } from '@patchcast/protocol/agent';
import type { PeerConfig } from '../agent-peers.js';
import { PeerServer } from './peer-server.js';
import { Swarm } from './swarm.js';
import { TrackerClient } from './tracker-client.js';

export interface PeerDeps {
  readonly deviceId: string;
  readonly signer: Signer;
  readonly send: (message: AgentMessage) => boolean;
  readonly log: (line: string) => void;
}

export interface Peers {
  readonly swarm: Swarm;
  receive(body: unknown): void;
  connected(): void;
  close(): Promise<void>;
}

export async function startPeers(config: PeerConfig, deps: PeerDeps): Promise<Peers> {
  const tracker = new TrackerClient({ send: deps.send });
  const offered: { swarm?: Swarm } = {}; // the server reads what the swarm (made next) offers
  const server = config.serve
    ? await PeerServer.listen({
        host: config.host,
        port: config.port,
        maxBytesPerSecond: config.maxBytesPerSecond,
        deviceId: deps.deviceId,
        vouch: (deviceId) => tracker.check(deviceId),
        now: () => Date.now(),
        holding: (sha256) => offered.swarm?.holding(sha256),
        log: deps.log,
      })
    : undefined;
  const address = server === undefined ? undefined : (config.address ?? server.address);
  const swarm = (offered.swarm = new Swarm({
    tracker,
    address,
    deviceId: deps.deviceId,
    signer: deps.signer,
    pieceTimeoutMs: config.pieceTimeoutMs,
  }));
  deps.log(
    address === undefined
      ? 'peers: fetching from peers, serving none'
      : `peers: serving pieces at ${address}`,
  );
  return {
    swarm,
    receive: (body) => tracker.receive(body),
    connected: () => swarm.reannounce(),
    close: async () => {
      swarm.close();
      tracker.close();
      await server?.close();
    },
  };
}
