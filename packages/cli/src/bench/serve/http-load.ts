/**
 * The download load: C concurrent keep-alive clients fetching one URL again and again for a fixed
 * time (and at most a fixed number of requests). Bytes are counted as they arrive, so the window is
 * exact: at its end, downloads still in flight are cut off. Complete responses are checked against
 * their content-length; the bytes are dropped.
 */
import { Agent, get } from 'node:http';
import { sharedNowMs } from '../clock.js';
import { distribution } from '../stats.js';
import type { Distribution } from '../stats.js';

export interface LoadRequest {
  readonly url: string;
  readonly clients: number;
  readonly durationMs: number;
  readonly maxRequests: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly mibPerSecond: number;
  readonly latency: Distribution;
}

interface Tally {
  bytes: number;
  errors: number;
  open: boolean;
  readonly latencies: number[];
}

export async function runLoad(request: LoadRequest): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: request.clients });
  const tally: Tally = { bytes: 0, errors: 0, open: true, latencies: [] };
  const started = sharedNowMs();
  const stop = setTimeout(() => {
    tally.open = false;
    agent.destroy();
  }, request.durationMs);
  const lane = () => clientLoop(request, agent, tally);
  await Promise.all(Array.from({ length: request.clients }, lane));
  clearTimeout(stop);
  agent.destroy();
  const seconds = (Math.min(sharedNowMs(), started + request.durationMs) - started) / 1000;
  return {
    requests: tally.latencies.length,
    errors: tally.errors,
    bytes: tally.bytes,
    seconds,
    mibPerSecond: tally.bytes / 1024 ** 2 / seconds,
    latency: distribution(tally.latencies),
  };
}

async function clientLoop(request: LoadRequest, agent: Agent, tally: Tally): Promise<void> {
  while (tally.open && tally.latencies.length + tally.errors < request.maxRequests) {
    const t = sharedNowMs();
    const ok = await download(request.url, agent, tally).catch(() => false);
    if (ok) tally.latencies.push(sharedNowMs() - t);
    else if (tally.open) tally.errors++;
  }
}

function download(url: string, agent: Agent, tally: Tally): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent }, (response) => {
      const expected = Number(response.headers['content-length']);
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (tally.open) tally.bytes += chunk.length;
      });
      response.on('end', () => resolve(response.statusCode === 200 && received === expected));
      response.on('error', reject);
    });
    request.setTimeout(60_000, () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}
