/**
 * The server's side of peer-to-peer (docs/protocol/peers.md §3): the `peer` messages of the agent
 * channel, parsed here and answered by the tracker. The gateway hands every `peer` body here.
 */
import { parsePeerRequest } from '@patchcast/protocol';
import type { ServerMessage } from '@patchcast/protocol';
import { PeerTracker } from './peer-tracker.js';
import type { TrackerDeps } from './peer-tracker.js';

export class PeerFeature {
  readonly tracker: PeerTracker;
  readonly #warn: TrackerDeps['warn'];

  constructor(deps: TrackerDeps) {
    this.tracker = new PeerTracker(deps);
    this.#warn = deps.warn;
  }

  /** One `peer` message from an authenticated device: its answer, if it has one. */
  async receive(deviceId: string, body: unknown): Promise<ServerMessage | undefined> {
    const request = parsePeerRequest(body);
    if (request === undefined) {
      this.#warn({ deviceId }, 'malformed peer message ignored');
      return undefined;
    }
    switch (request.kind) {
      case 'have':
        await this.tracker.have(deviceId, request.sha256, {
          address: request.address,
          pieces: request.pieces,
          have: request.have,
        });
        return undefined;
      case 'drop':
        this.tracker.drop(deviceId, request.sha256);
        return undefined;
      case 'want': {
        const peers = await this.tracker.want(deviceId, request.sha256);
        const { requestId, sha256 } = request;
        return { type: 'peer', body: { kind: 'peers', requestId, sha256, peers } };
      }
      case 'check': {
        const keys: Record<string, string> = {};
        for (const peerId of new Set(request.deviceIds)) {
          const key = await this.tracker.check(deviceId, peerId);
          if (key !== undefined) keys[peerId] = key;
        }
        return { type: 'peer', body: { kind: 'checked', requestId: request.requestId, keys } };
      }
      case 'report':
        this.tracker.report(
          deviceId,
          request.deviceId,
          request.sha256,
          request.piece,
          request.fault,
        );
        return undefined;
    }
  }
}
