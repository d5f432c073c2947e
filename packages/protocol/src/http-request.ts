/**
 * HTTP requests on node:http and node:https, with the process's TLS trust (trust-state.ts): what the
 * agent uses instead of `fetch`, whose undici stays out of an agent's memory (10 to 20 MiB once
 * loaded). The answer is the part of a fetch `Response` the agent reads: status, headers, the body
 * as a stream of bytes (leaving a `for await` over it early closes the connection) or whole.
 * Failures to connect are thrown as fetch throws them: an Error whose `cause` is the system error.
 */
import { request as httpRequestRaw } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import { clientTlsOptions } from './tls/trust-state.js';

export interface HttpRequestInit {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | undefined;
  /** The whole exchange, body included, as `AbortSignal.timeout` bounds a fetch. */
  readonly timeoutMs: number;
}

export interface HttpBody extends AsyncIterable<Uint8Array> {
  /** Stops reading and closes the connection. */
  cancel(): Promise<void>;
}

export interface HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  readonly body: HttpBody;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export function httpRequest(url: string, init: HttpRequestInit): Promise<HttpResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequestRaw : httpRequestRaw;
  const body = typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(timeoutError()), init.timeoutMs);
    timer.unref();
    const req = send(target, {
      method: init.method ?? 'GET',
      headers: {
        ...init.headers,
        ...(body === undefined ? {} : { 'content-length': String(body.length) }),
      },
      ...(target.protocol === 'https:' ? clientTlsOptions(url) : {}),
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error('fetch failed', { cause: error }));
    });
    req.once('response', (res) => {
      // A failure while the body is unread surfaces when it is read (or never): not as a crash.
      res.on('error', () => undefined);
      res.once('close', () => clearTimeout(timer));
      res.once('end', () => clearTimeout(timer));
      resolve(answer(res, req));
    });
    req.end(body);
  });
}

function answer(res: IncomingMessage, req: { destroy(error?: Error): void }): HttpResponse {
  const status = res.statusCode ?? 0;
  const bytes = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const body: HttpBody = {
    [Symbol.asyncIterator]: () => res[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>,
    cancel: () => {
      req.destroy();
      res.destroy();
      return Promise.resolve();
    },
  };
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: (name) => headerOf(res, name) },
    body,
    arrayBuffer: async () => {
      const all = await bytes();
      return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
    },
    text: async () => (await bytes()).toString('utf8'),
    json: async (): Promise<unknown> => JSON.parse((await bytes()).toString('utf8')),
  };
}

function headerOf(res: IncomingMessage, name: string): string | null {
  const value = res.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

function timeoutError(): Error {
  const error = new Error('The operation was aborted due to timeout');
  error.name = 'TimeoutError';
  return error;
}
