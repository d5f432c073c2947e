/**
 * The agent's peer server (docs/protocol/peers.md §4): serves verified pieces of the target it
 * holds to enrolled devices of its site, over plain HTTP on the configured address (pieces are
 * public patch bytes checked by the receiver; the request is what is authenticated), at a capped
 * rate shared by all requests.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PieceFile } from '../fetch/piece-file.js';
import { RequestChecker } from './request-check.js';
import type { RequestCheckDeps } from './request-check.js';

export interface PeerServerDeps extends RequestCheckDeps {
  readonly host: string;
  readonly port: number;
  /** Bytes per second for all requests together (0: no cap). */
  readonly maxBytesPerSecond: number;
  /** The file of target `sha256`, when this agent offers it. */
  readonly holding: (sha256: string) => PieceFile | undefined;
  readonly log: (line: string) => void;
}

export class PeerServer {
  readonly #deps: PeerServerDeps;
  readonly #checker: RequestChecker;
  readonly #server: Server;
  /** When the rate cap lets the next byte go (ms, performance.now()). */
  #nextFree = 0;

  private constructor(deps: PeerServerDeps) {
    this.#deps = deps;
    this.#checker = new RequestChecker(deps);
    this.#server = createServer((req, res) => void this.#serve(req, res));
    this.#server.keepAliveTimeout = 10_000;
  }

  static async listen(deps: PeerServerDeps): Promise<PeerServer> {
    const server = new PeerServer(deps);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(deps.port, deps.host, () => resolve());
    });
    return server;
  }

  /** `http://host:port` as peers reach it. */
  get address(): string {
    const { port } = this.#server.address() as AddressInfo;
    const host = this.#deps.host.includes(':') ? `[${this.#deps.host}]` : this.#deps.host;
    return `http://${host}:${port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const checked =
        req.method === 'GET'
          ? await this.#checker.check(req.url ?? '', req.headers)
          : ({ ok: false, status: 400, why: 'GET only' } as const);
      if (!checked.ok) {
        this.#deps.log(
          `peer request refused (${checked.why}) from ${req.socket.remoteAddress ?? '?'}`,
        );
        return end(res, checked.status);
      }
      const { sha256, piece } = checked.request;
      const bytes = await this.#deps.holding(sha256)?.read(piece);
      if (bytes === undefined) return end(res, 404);
      await this.#pace(bytes.length);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': bytes.length,
      });
      res.end(bytes);
    } catch (error) {
      this.#deps.log(`peer request failed: ${(error as Error).message}`);
      if (!res.headersSent) end(res, 500);
      else res.destroy();
    }
  }

  /** The rate cap: each answer waits for its share of the allowed bytes per second. */
  async #pace(bytes: number): Promise<void> {
    const rate = this.#deps.maxBytesPerSecond;
    if (rate <= 0) return;
    const now = performance.now();
    const start = Math.max(now, this.#nextFree);
    this.#nextFree = start + (bytes / rate) * 1000;
    if (start > now) await sleep(start - now);
  }
}

function end(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}
