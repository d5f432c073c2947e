/**
 * Request and reply between a benchmark and the helper processes it forks (Node IPC): every request
 * has an id and is answered once, with a result or an error message.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { PatchcastError } from '@patchcast/core';
import { ownChild, stopProcess } from './child-process.js';

export interface Request {
  readonly kind: string;
}

interface RequestEnvelope<R extends Request> {
  readonly id: number;
  readonly request: R;
}

interface ReplyEnvelope {
  readonly id: number;
  readonly reply?: unknown;
  readonly error?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isReply(value: unknown): value is ReplyEnvelope {
  return isRecord(value) && typeof value.id === 'number';
}

/** The parent's end: `Replies` maps each request kind to the shape of its answer. */
export class ForkedPeer<R extends Request, Replies extends Record<R['kind'], unknown>> {
  readonly child: ChildProcess;
  readonly #pending = new Map<number, (reply: ReplyEnvelope) => void>();
  #nextId = 1;

  constructor(entry: URL, name: string) {
    this.child = ownChild(fork(entry, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    this.child.on('message', (message) => {
      if (isReply(message)) this.#pending.get(message.id)?.(message);
    });
    this.child.on('exit', (code, signal) => {
      const error = `${name} exited (${signal ?? code})`;
      for (const [id, settle] of this.#pending) settle({ id, error });
    });
  }

  call<K extends R['kind']>(
    request: Extract<R, { kind: K }>,
    timeoutMs: number,
  ): Promise<Replies[K]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => settle({ id, error: `no answer to ${request.kind} within ${timeoutMs} ms` }),
        timeoutMs,
      );
      const settle = (reply: ReplyEnvelope) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        if (reply.error !== undefined) reject(new PatchcastError('INTERNAL', reply.error));
        // Our own child answers with the shape Replies declares for this kind.
        else resolve(reply.reply as Replies[K]);
      };
      this.#pending.set(id, settle);
      this.child.send({ id, request } satisfies RequestEnvelope<R>);
    });
  }

  stop(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    return stopProcess(this.child, 5000);
  }
}

/** The child's end: answers each request with `handle`; exits when the parent goes away. */
export function serveRequests<R extends Request>(
  kinds: readonly R['kind'][],
  handle: (request: R) => Promise<unknown>,
): void {
  const isRequest = (value: unknown): value is RequestEnvelope<R> =>
    isRecord(value) &&
    typeof value.id === 'number' &&
    isRecord(value.request) &&
    (kinds as readonly unknown[]).includes(value.request.kind);
  process.on('message', (message) => {
    if (!isRequest(message)) return;
    handle(message.request).then(
      (reply) => process.send?.({ id: message.id, reply } satisfies ReplyEnvelope),
      (error: unknown) =>
        process.send?.({ id: message.id, error: describe(error) } satisfies ReplyEnvelope),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
