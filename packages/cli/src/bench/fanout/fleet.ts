/**
 * The benchmark's end of the simulated fleet: worker processes, each hosting a share of the agents
 * and dialling from its own loopback source address (127.0.0.2 to 127.0.0.9) so that ephemeral ports
 * do not run short at tens of thousands of connections.
 */
import { ForkedPeer } from '../rpc.js';
import type {
  AgentSamples,
  BaselineSamples,
  Progress,
  WorkerReplies,
  WorkerRequest,
} from './worker-messages.js';

const AGENTS_PER_WORKER = 2500;
const SOURCE_ADDRESSES = 8;
const CONNECT_CONCURRENCY = 200;
const ENROLL_CONCURRENCY = 8;
const HTTP_SOCKETS_PER_WORKER = 32;

type Worker = ForkedPeer<WorkerRequest, WorkerReplies>;

interface Share {
  readonly worker: Worker;
  readonly first: number;
  readonly count: number;
  readonly localAddress: string;
}

export class Fleet {
  readonly #shares: readonly Share[];

  private constructor(shares: readonly Share[]) {
    this.#shares = shares;
  }

  /** `minWorkers`: at least this many processes (bench cluster: one share per node at least). */
  static start(agents: number, minWorkers = 1): Fleet {
    const workers = Math.max(minWorkers, Math.ceil(agents / AGENTS_PER_WORKER));
    const shares = Array.from({ length: workers }, (_, i): Share => {
      const first = Math.floor((i * agents) / workers);
      const next = Math.floor(((i + 1) * agents) / workers);
      const entry = new URL('./worker-main.js', import.meta.url);
      return {
        worker: new ForkedPeer<WorkerRequest, WorkerReplies>(entry, `fanout worker ${i + 1}`),
        first,
        count: next - first,
        localAddress: `127.0.0.${2 + (i % SOURCE_ADDRESSES)}`,
      };
    });
    return new Fleet(shares);
  }

  get workers(): number {
    return this.#shares.length;
  }

  async enroll(
    server: string,
    root: Uint8Array,
    tokens: readonly string[],
    timeoutMs: number,
  ): Promise<void> {
    const rootBase64 = Buffer.from(root).toString('base64');
    await Promise.all(
      this.#shares.map((s) =>
        s.worker.call(
          {
            kind: 'enroll',
            server,
            rootBase64,
            localAddress: s.localAddress,
            tokens: tokens.slice(s.first, s.first + s.count),
            firstIndex: s.first,
            concurrency: ENROLL_CONCURRENCY,
            httpSockets: HTTP_SOCKETS_PER_WORKER,
          },
          timeoutMs,
        ),
      ),
    );
  }

  /**
   * Connects every agent, or those of the workers `serverOf` gives a server for (bench cluster:
   * the node each worker's agents connect to); `serverOf` returning undefined skips that worker.
   */
  async connect(timeoutMs: number, serverOf?: (worker: number) => string | undefined) {
    const counts = await Promise.all(
      this.#shares.map(async (s, i) => {
        const server = serverOf?.(i);
        if (serverOf !== undefined && server === undefined) return 0;
        const request = { kind: 'connect' as const, concurrency: CONNECT_CONCURRENCY, server };
        return (await s.worker.call(request, timeoutMs)).count;
      }),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** Agents per worker, in worker order (collect's samples come in this order). */
  get shareSizes(): number[] {
    return this.#shares.map((s) => s.count);
  }

  /** Lets every agent that has its notice start installing. */
  async install(): Promise<void> {
    await this.#all({ kind: 'install' }, 60_000);
  }

  async forgetNotices(): Promise<void> {
    await this.#all({ kind: 'forget-notices' }, 60_000);
  }

  async progress(): Promise<Progress> {
    const replies = await this.#all({ kind: 'progress' }, 30_000);
    const sum = (key: keyof Progress) => replies.reduce((total, r) => total + r[key], 0);
    return {
      enrolled: sum('enrolled'),
      connected: sum('connected'),
      noticed: sum('noticed'),
      installed: sum('installed'),
      failed: sum('failed'),
      baselineArrived: sum('baselineArrived'),
    };
  }

  async collect(): Promise<AgentSamples & { readonly workerRssKiB: number }> {
    const replies = await this.#all({ kind: 'collect' }, 60_000);
    const failures: Record<string, number> = {};
    for (const r of replies)
      for (const [code, n] of Object.entries(r.failures))
        failures[code] = (failures[code] ?? 0) + n;
    return {
      noticeAt: replies.flatMap((r) => r.noticeAt),
      installedAt: replies.flatMap((r) => r.installedAt),
      noticeBytes: replies.reduce((max, r) => Math.max(max, r.noticeBytes), 0),
      failures,
      rssKiB: replies.reduce((sum, r) => sum + r.rssKiB, 0),
      workerRssKiB: replies.reduce((sum, r) => sum + r.rssKiB, 0),
    };
  }

  /** Closes every agent's channel, or those of the workers `only` selects. */
  async disconnect(only?: (worker: number) => boolean): Promise<void> {
    const chosen = this.#shares.filter((_s, i) => only === undefined || only(i));
    await Promise.all(chosen.map((s) => s.worker.call({ kind: 'disconnect' }, 60_000)));
  }

  async baselineConnect(url: string, timeoutMs: number): Promise<void> {
    await this.#all({ kind: 'baseline-connect', url, concurrency: CONNECT_CONCURRENCY }, timeoutMs);
  }

  async baselineCollect(): Promise<BaselineSamples> {
    const replies = await this.#all({ kind: 'baseline-collect' }, 60_000);
    return {
      arrivedAt: replies.flatMap((r) => r.arrivedAt),
      bytes: replies.reduce((max, r) => Math.max(max, r.bytes), 0),
    };
  }

  async baselineDisconnect(): Promise<void> {
    await this.#all({ kind: 'baseline-disconnect' }, 60_000);
  }

  async stop(): Promise<void> {
    await Promise.all(this.#shares.map((s) => s.worker.stop()));
  }

  #all<K extends WorkerRequest['kind']>(
    request: Extract<WorkerRequest, { kind: K }>,
    timeoutMs: number,
  ): Promise<WorkerReplies[K][]> {
    return Promise.all(this.#shares.map((s) => s.worker.call<K>(request, timeoutMs)));
  }
}
