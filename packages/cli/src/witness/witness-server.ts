/**
 * The witness's HTTP service (C2SP tlog-witness): `POST /add-checkpoint` and, for monitors,
 * `GET /<origin hash>/checkpoint`. Submissions are handled one at a time, so that checking the
 * old size and persisting the new checkpoint are atomic (the race the spec describes).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_ADD_CHECKPOINT_BYTES, addSignatures, formatCosignatureLines } from '@patchcast/core';
import type { Cosigner, LogIdentity } from '@patchcast/core';
import { keyTransitionOf, readSubmission } from './add-checkpoint.js';
import type { Refusal } from './add-checkpoint.js';
import type { WitnessState } from './witness-state.js';

export interface WitnessDeps {
  readonly cosigner: Cosigner;
  readonly state: WitnessState;
  /** The logs this witness follows, by origin. */
  readonly logs: ReadonlyMap<string, LogIdentity>;
  readonly now: () => number;
  readonly print: (line: string) => void;
}

export interface RunningWitness {
  readonly url: string;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly type?: string;
}

const TEXT = 'text/plain; charset=utf-8';

export async function startWitness(
  deps: WitnessDeps,
  listen: { host: string; port: number },
): Promise<RunningWitness> {
  let chain: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };
  const server = createServer((request, response) => {
    route(deps, request, serialized)
      .then((answer) => send(response, answer))
      .catch((error: unknown) => {
        deps.print(`ERROR: ${error instanceof Error ? error.message : String(error)}`);
        send(response, { status: 500, body: 'internal error\n' });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return { url: `http://${host}:${port}`, close: () => closeServer(server) };
}

async function route(
  deps: WitnessDeps,
  request: IncomingMessage,
  serialized: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<Answer> {
  const path = (request.url ?? '').split('?')[0] ?? '';
  if (path === '/add-checkpoint') {
    if (request.method !== 'POST') return { status: 405, body: 'use POST\n' };
    const body = await readBody(request);
    if (body === undefined) return { status: 413, body: 'request too large\n' };
    return serialized(() => addCheckpoint(deps, body));
  }
  const monitor = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
  if (monitor !== null && request.method === 'GET') {
    const note = await deps.state.note(monitor[1] ?? '');
    return note === undefined ? notFound() : { status: 200, body: note };
  }
  return notFound();
}

/** C2SP tlog-witness "add-checkpoint": check, persist, then answer with the cosignature line. */
async function addCheckpoint(deps: WitnessDeps, body: Uint8Array): Promise<Answer> {
  const logs = new Map<string, LogIdentity>();
  for (const [origin, log] of deps.logs) logs.set(origin, await deps.state.identity(log));
  const submission = readSubmission(body, logs);
  if ('status' in submission) return refused(deps, submission);
  const log = logs.get(submission.origin) as LogIdentity;
  const last = await deps.state.last(log);
  const verdict = submission.judge(last?.checkpoint);
  if (verdict.status !== 200) return refused(deps, verdict, submission.origin);
  const rotation = keyTransitionOf(verdict, log);
  if (rotation !== undefined && 'status' in rotation) {
    return refused(deps, rotation, submission.origin);
  }
  if (rotation !== undefined) {
    await deps.state.learnKey(submission.origin, rotation.next.verifierKey);
    deps.print(`learned the key ${rotation.next.verifierKey} of ${submission.origin}`);
  }
  const cosignature = deps.cosigner.cosign(verdict.text, Math.floor(deps.now() / 1000));
  await deps.state.save(submission.origin, addSignatures(verdict.note, [cosignature]));
  deps.print(`cosigned ${submission.origin} at size ${verdict.checkpoint.size}`);
  return { status: 200, body: formatCosignatureLines(verdict.text, [cosignature]) };
}

function refused(deps: WitnessDeps, refusal: Refusal, origin?: string): Answer {
  const which = origin === undefined ? '' : ` for ${origin}`;
  deps.print(`refused a checkpoint${which} (${refusal.status}): ${refusal.reason}`);
  if (refusal.status === 409) {
    return { status: 409, body: `${refusal.size ?? 0}\n`, type: 'text/x.tlog.size' };
  }
  return { status: refusal.status, body: `${refusal.reason}\n` };
}

function notFound(): Answer {
  return { status: 404, body: 'not found\n' };
}

function readBody(request: IncomingMessage): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_ADD_CHECKPOINT_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size > MAX_ADD_CHECKPOINT_BYTES ? undefined : Buffer.concat(chunks)),
    );
    request.on('error', reject);
  });
}

function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, { 'content-type': answer.type ?? TEXT });
  response.end(answer.body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
