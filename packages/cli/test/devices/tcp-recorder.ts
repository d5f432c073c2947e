/**
 * A byte-for-byte TCP relay on loopback that records the request line and Range header of every
 * HTTP request it carries (WebSocket frames pass through untouched). Not a mock: the real
 * server answers every byte.
 */
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { once } from 'node:events';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly range: string | undefined;
}

export interface TcpRecorder {
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

const HEAD = /(GET|PUT|POST|HEAD) (\S+) HTTP\/1\.1\r\n((?:[^\r\n]*\r\n)*?)\r\n/g;

/** `target`: the server's URL, or a function giving it (for a relay started before the server). */
export async function tcpRecorder(target: string | (() => string)): Promise<TcpRecorder> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const { hostname, port } = new URL(typeof target === 'string' ? target : target());
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    let pending = '';
    client.on('data', (chunk: Buffer) => {
      pending = scan(pending + chunk.toString('latin1'), requests);
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const local = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${local}`,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Records complete request heads in `text`; returns the tail that may hold a partial one. */
function scan(text: string, requests: SeenRequest[]): string {
  let end = 0;
  for (const match of text.matchAll(HEAD)) {
    const range = /^range: *([^\r\n]*)$/im.exec(match[3] ?? '')?.[1];
    requests.push({ method: match[1] ?? '', path: match[2] ?? '', range });
    end = (match.index ?? 0) + match[0].length;
  }
  return text.slice(Math.max(end, text.length - 16_384));
}
