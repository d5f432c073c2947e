/**
 * A webhook receiver on loopback for tests: records every request (headers and raw body) and
 * answers with what `answer` says for it. Nothing of Patchcast's runs in it.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
}

export class Receiver {
  readonly received: Received[] = [];
  answer: (request: Received, seen: readonly Received[]) => Answer = () => ({ status: 200 });
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = {
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        const seen = receiver.received.filter(
          (r) => r.headers['webhook-id'] === request.headers['webhook-id'],
        );
        receiver.received.push(request);
        const answer = receiver.answer(request, seen);
        res.writeHead(answer.status, answer.headers ?? {}).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${path}`;
  }

  /** Requests whose body is of this event type. */
  ofType(type: string): Received[] {
    return this.received.filter((r) => (JSON.parse(r.body) as { type: string }).type === type);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** The three Standard Webhooks headers of a received request, as the oracle takes them. */
export function signedHeaders(r: Received): Record<string, string> {
  const header = (name: string) => {
    const value = r.headers[name];
    return typeof value === 'string' ? value : '';
  };
  return {
    'webhook-id': header('webhook-id'),
    'webhook-timestamp': header('webhook-timestamp'),
    'webhook-signature': header('webhook-signature'),
  };
}
