/**
 * One delivery attempt: a POST of the signed body, with a time limit, no redirects followed (a
 * 3xx is a failed attempt), and the destination checked at connect time (destination.ts). The
 * answer's body is read up to 64 KiB and dropped.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { PatchcastError } from '@patchcast/core';
import { addressRefusal, destinationRefused, guardedLookup, hostOf } from './destination.js';
import type { Resolver } from './destination.js';
import type { SignedHeaders } from '@patchcast/protocol';

export interface SendTarget {
  readonly url: string;
  readonly allowPrivate: boolean;
}

export interface SendOptions {
  readonly timeoutMs: number;
  readonly resolve: Resolver;
  readonly userAgent: string;
}

export interface SendResult {
  /** 2xx from the receiver. */
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

const MAX_ANSWER_BYTES = 64 * 1024;

export async function sendWebhook(
  target: SendTarget,
  headers: SignedHeaders,
  body: string,
  options: SendOptions,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const answer = await post(new URL(target.url), target.allowPrivate, headers, body, options);
    const { statusCode } = answer;
    const ok = statusCode >= 200 && statusCode < 300;
    const error = ok ? null : failureOf(statusCode, answer.location);
    return { ok, statusCode, error, durationMs: elapsed() };
  } catch (error) {
    return { ok: false, statusCode: null, error: describe(error), durationMs: elapsed() };
  }
}

function failureOf(statusCode: number, location: string | undefined): string {
  if (statusCode >= 300 && statusCode < 400)
    return `redirect (HTTP ${statusCode}${location === undefined ? '' : ` to ${location.slice(0, 200)}`}) not followed`;
  return `HTTP ${statusCode}`;
}

function describe(error: unknown): string {
  if (error instanceof PatchcastError) return `${error.code}: ${error.message}`;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return (typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text).slice(
    0,
    500,
  );
}

interface Answer {
  readonly statusCode: number;
  readonly location: string | undefined;
}

function post(
  url: URL,
  allowPrivate: boolean,
  headers: SignedHeaders,
  body: string,
  options: SendOptions,
): Promise<Answer> {
  const host = hostOf(url);
  if (isIP(host) !== 0) {
    const range = addressRefusal(host, allowPrivate);
    if (range !== undefined) return Promise.reject(destinationRefused(host, host, range));
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent: false,
      lookup: guardedLookup(allowPrivate, options.resolve),
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': options.userAgent,
      },
    });
    req.on('error', (error: Error) =>
      reject(
        error.name === 'AbortError' || error.name === 'TimeoutError' ? timeout(options) : error,
      ),
    );
    req.on('response', (res: IncomingMessage) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      const done = () =>
        resolve({ statusCode: res.statusCode ?? 0, location: res.headers.location });
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.end(body);
  });
}

function timeout(options: SendOptions): Error {
  return new Error(`no answer within ${options.timeoutMs / 1000}s`);
}
