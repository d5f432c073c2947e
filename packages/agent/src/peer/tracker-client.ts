/**
 * The agent's end of the tracker (docs/protocol/peers.md §3): `peer` messages on the agent
 * channel, and the answers matched to their request ids. A question unanswered within
 * ANSWER_TIMEOUT_MS (the channel was down, an older server) gets the empty answer: no peers, no key.
 */
import { randomUUID } from 'node:crypto';
import { MAX_CHECKS, parsePeerAnswer } from '@patchcast/protocol/peers';
import type { PeerAnswer, PeerFault, PeerInfo, PeerRequest } from '@patchcast/protocol/peers';
import type { AgentMessage } from '@patchcast/protocol/agent';

const ANSWER_TIMEOUT_MS = 5_000;
const CHECK_BATCH_MS = 20;

export interface TrackerClientDeps {
  readonly send: (message: AgentMessage) => boolean;
}

export class TrackerClient {
  readonly #deps: TrackerClientDeps;
  readonly #waiting = new Map<string, (answer: PeerAnswer | undefined) => void>();
  readonly #checks = new Map<string, ((key: string | undefined) => void)[]>();
  #checkTimer: NodeJS.Timeout | undefined;

  constructor(deps: TrackerClientDeps) {
    this.#deps = deps;
  }

  /** A `peer` body from the server. */
  receive(body: unknown): void {
    const answer = parsePeerAnswer(body);
    if (answer === undefined) return;
    this.#waiting.get(answer.requestId)?.(answer);
  }

  async want(sha256: string): Promise<readonly PeerInfo[]> {
    const answer = await this.#ask((requestId) => ({ kind: 'want', requestId, sha256 }));
    return answer?.kind === 'peers' && answer.sha256 === sha256 ? answer.peers : [];
  }

  /**
   * The device's Ed25519 key when the server vouches it is an enrolled device of this site.
   * Questions asked within CHECK_BATCH_MS go in one message (a busy peer is asked by many).
   */
  check(deviceId: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      const waiting = this.#checks.get(deviceId) ?? [];
      waiting.push(resolve);
      this.#checks.set(deviceId, waiting);
      this.#checkTimer ??= setTimeout(() => void this.#sendChecks(), CHECK_BATCH_MS);
    });
  }

  async #sendChecks(): Promise<void> {
    this.#checkTimer = undefined;
    const batch = [...this.#checks.entries()].slice(0, MAX_CHECKS);
    for (const [deviceId] of batch) this.#checks.delete(deviceId);
    if (this.#checks.size > 0) this.#checkTimer = setTimeout(() => void this.#sendChecks(), 0);
    const deviceIds = batch.map(([deviceId]) => deviceId);
    const answer = await this.#ask((requestId) => ({ kind: 'check', requestId, deviceIds }));
    const keys = answer?.kind === 'checked' ? answer.keys : {};
    for (const [deviceId, waiting] of batch) for (const resolve of waiting) resolve(keys[deviceId]);
  }

  have(sha256: string, pieces: number, have: string, address: string): void {
    this.#tell({ kind: 'have', sha256, pieces, have, address });
  }

  drop(sha256: string): void {
    this.#tell({ kind: 'drop', sha256 });
  }

  report(sha256: string, deviceId: string, piece: number, fault: PeerFault): void {
    this.#tell({ kind: 'report', sha256, deviceId, piece, fault });
  }

  close(): void {
    clearTimeout(this.#checkTimer);
    for (const resolve of this.#waiting.values()) resolve(undefined);
  }

  #tell(body: PeerRequest): void {
    this.#deps.send({ type: 'peer', body });
  }

  #ask(request: (requestId: string) => PeerRequest): Promise<PeerAnswer | undefined> {
    const requestId = randomUUID();
    return new Promise((resolve) => {
      const done = (answer: PeerAnswer | undefined) => {
        clearTimeout(timer);
        this.#waiting.delete(requestId);
        resolve(answer);
      };
      const timer = setTimeout(() => done(undefined), ANSWER_TIMEOUT_MS);
      this.#waiting.set(requestId, done);
      if (!this.#deps.send({ type: 'peer', body: request(requestId) })) done(undefined);
    });
  }
}
