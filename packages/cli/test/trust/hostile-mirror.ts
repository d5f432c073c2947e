/**
 * A hostile mirror for the trust tests: a real HTTP server on loopback that stands between agents
 * and the real Patchcast server, as a compromised server, CDN or network path would. It forwards
 * everything (HTTP and the agent WebSocket) unchanged, except the paths a test tampers with: those
 * it answers itself, with bytes the test made from the real ones.
 */
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** Given the real answer (undefined for a 404), what the mirror serves instead. */
export type Tamper = (real: Buffer | undefined) => Buffer | Promise<Buffer>;

export class HostileMirror {
  readonly url: string;
  readonly #server: Server;
  #upstream = new URL('http://127.0.0.1:1');
  readonly #tampers = new Map<string, Tamper>();
  readonly #sockets = new Set<Socket>();
  /** Paths served tampered, for assertions that the attack was actually exercised. */
  readonly served: string[] = [];

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  /** Starts the mirror; it forwards nowhere until `forwardTo`, so the server may start after it. */
  static async start(): Promise<HostileMirror> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const mirror = new HostileMirror(server, `http://127.0.0.1:${address.port}`);
    server.on(
      'request',
      (req: IncomingMessage, res: ServerResponse) => void mirror.#handle(req, res),
    );
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      mirror.#tunnel(req, socket, head),
    );
    server.on('connection', (socket: Socket) => {
      mirror.#sockets.add(socket);
      socket.on('close', () => mirror.#sockets.delete(socket));
    });
    return mirror;
  }

  /** Forwards to the real server at `upstream` from now on. */
  forwardTo(upstream: string): void {
    this.#upstream = new URL(upstream);
  }

  /** From now on, `path` (e.g. `/tuf/metadata/timestamp.json`) is answered by `tamper`. */
  tamper(path: string, tamper: Tamper): void {
    this.#tampers.set(path, tamper);
  }

  /** Back to an honest mirror. */
  heal(): void {
    this.#tampers.clear();
  }

  /** The real server's answer to a GET, or undefined for a 404. */
  async fetchReal(path: string): Promise<Buffer | undefined> {
    const response = await fetch(new URL(path, this.#upstream));
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const tamper = req.method === 'GET' ? this.#tampers.get(path) : undefined;
    if (tamper === undefined) return this.#forward(req, res);
    try {
      const body = await tamper(await this.fetchReal(path));
      this.served.push(path);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': body.length,
      });
      res.end(body);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  }

  #forward(req: IncomingMessage, res: ServerResponse): void {
    const upstream = request(
      {
        host: this.#upstream.hostname,
        port: this.#upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.#upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  /** WebSocket upgrades are tunnelled byte for byte: the mirror cannot forge the agent channel. */
  #tunnel(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const up = connect(Number(this.#upstream.port), this.#upstream.hostname, () => {
      const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`);
      up.write(
        `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`,
      );
      up.write(head);
      socket.pipe(up).pipe(socket);
    });
    this.#sockets.add(up);
    up.on('close', () => this.#sockets.delete(up));
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
