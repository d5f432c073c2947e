/**
 * Takes CPU profiles of another Node process through its inspector (started with
 * `--inspect=127.0.0.1:0`), so a profile covers exactly one phase of a benchmark.
 */
import WebSocket from 'ws';
import { PatchcastError } from '@patchcast/core';
import { isCpuProfile } from './cpu-profile.js';
import type { CpuProfile } from './cpu-profile.js';

interface Answer {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: { readonly message: string };
}

function isAnswer(value: unknown): value is Answer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'number'
  );
}

export class CpuProfiler {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, (answer: Answer) => void>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data: WebSocket.RawData) => {
      const answer: unknown = JSON.parse(Buffer.from(data as Buffer).toString('utf8'));
      if (isAnswer(answer)) this.#pending.get(answer.id)?.(answer);
    });
  }

  static attach(url: string): Promise<CpuProfiler> {
    const socket = new WebSocket(url, { maxPayload: 1024 ** 3 });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new CpuProfiler(socket)));
      socket.once('error', reject);
    });
  }

  async start(intervalMicros = 250): Promise<void> {
    await this.#post('Profiler.enable');
    await this.#post('Profiler.setSamplingInterval', { interval: intervalMicros });
    await this.#post('Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const result = await this.#post('Profiler.stop');
    const profile = (result as { profile?: unknown } | undefined)?.profile;
    if (!isCpuProfile(profile))
      throw new PatchcastError('INTERNAL', 'the inspector sent no profile');
    return profile;
  }

  close(): void {
    this.#socket.close();
  }

  #post(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (answer) => {
        this.#pending.delete(id);
        if (answer.error !== undefined)
          reject(new PatchcastError('INTERNAL', `${method}: ${answer.error.message}`));
        else resolve(answer.result);
      });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }
}
