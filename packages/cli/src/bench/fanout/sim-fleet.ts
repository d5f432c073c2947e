/** The simulated agents one worker process hosts, and the bare baseline clients it opens later. */
import { Agent } from 'node:http';
import { forEachLimited } from '../concurrency.js';
import { procMemory } from '../proc-status.js';
import { BaselineClient } from './baseline-client.js';
import { SimAgent } from './sim-agent.js';
import type {
  AgentSamples,
  BaselineSamples,
  EnrollRequest,
  Progress,
  WorkerRequest,
} from './worker-messages.js';

export class SimFleet {
  #agents: SimAgent[] = [];
  #baseline: BaselineClient[] = [];
  #localAddress = '127.0.0.1';

  handle(request: WorkerRequest): Promise<unknown> {
    switch (request.kind) {
      case 'enroll':
        return this.#enroll(request);
      case 'connect':
        return this.#connect(request.concurrency, request.server);
      case 'install':
        return Promise.resolve({ count: installAll(this.#agents) });
      case 'forget-notices':
        return Promise.resolve({ count: forgetAll(this.#agents) });
      case 'progress':
        return Promise.resolve(this.#progress());
      case 'collect':
        return this.#collect();
      case 'disconnect':
        return Promise.resolve({ count: closeAll(this.#agents) });
      case 'baseline-connect':
        return this.#baselineConnect(request.url, request.concurrency);
      case 'baseline-collect':
        return Promise.resolve(this.#baselineCollect());
      case 'baseline-disconnect':
        return Promise.resolve({ count: closeAll(this.#baseline) });
    }
  }

  async #enroll(request: EnrollRequest): Promise<{ count: number }> {
    this.#localAddress = request.localAddress;
    const pool = {
      agent: new Agent({ keepAlive: true, maxSockets: request.httpSockets }),
      localAddress: request.localAddress,
    };
    const root = new Uint8Array(Buffer.from(request.rootBase64, 'base64'));
    this.#agents = request.tokens.map(
      (_token, i) =>
        new SimAgent({ server: request.server, root, pool, name: `sim-${request.firstIndex + i}` }),
    );
    await forEachLimited(this.#agents, request.concurrency, (agent, i) =>
      agent.enroll(request.tokens[i] ?? ''),
    );
    return { count: this.#agents.length };
  }

  async #connect(concurrency: number, server: string | undefined): Promise<{ count: number }> {
    // Only those not connected: a second call reconnects agents the server dropped (a heartbeat
    // answered late on a loaded machine), as a real agent reconnects.
    const idle = this.#agents.filter((agent) => !agent.connected);
    await forEachLimited(idle, concurrency, (agent) => connectRetrying(agent, server));
    return { count: this.#agents.filter((a) => a.connected).length };
  }

  #progress(): Progress {
    const agents = this.#agents;
    return {
      enrolled: agents.filter((a) => a.enrolled).length,
      connected: agents.filter((a) => a.connected).length,
      noticed: agents.filter((a) => a.noticeAt !== null).length,
      installed: agents.filter((a) => a.installedAt !== null).length,
      failed: agents.filter((a) => a.failure !== undefined).length,
      baselineArrived: this.#baseline.filter((c) => c.arrivedAt !== null).length,
    };
  }

  async #collect(): Promise<AgentSamples> {
    const failures: Record<string, number> = {};
    for (const { failure } of this.#agents)
      if (failure !== undefined) failures[failure] = (failures[failure] ?? 0) + 1;
    return {
      noticeAt: this.#agents.map((a) => a.noticeAt),
      installedAt: this.#agents.map((a) => a.installedAt),
      noticeBytes: largest(this.#agents.map((a) => a.noticeBytes)),
      failures,
      rssKiB: (await procMemory(process.pid)).rssKiB,
    };
  }

  async #baselineConnect(url: string, concurrency: number): Promise<{ count: number }> {
    this.#baseline = this.#agents.map(() => new BaselineClient());
    await forEachLimited(this.#baseline, concurrency, (client) =>
      client.connect(url, this.#localAddress),
    );
    return { count: this.#baseline.length };
  }

  #baselineCollect(): BaselineSamples {
    return {
      bytes: largest(this.#baseline.map((c) => c.bytes)),
      arrivedAt: this.#baseline.map((c) => c.takeArrival()),
    };
  }
}

/**
 * A loaded machine (other work, thousands of handshakes at once) can time a handshake out; a
 * real agent dials again, and so does a simulated one, twice at most.
 */
async function connectRetrying(agent: SimAgent, server: string | undefined): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await agent.connect(server);
    } catch (error) {
      agent.close();
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
}

function installAll(agents: readonly SimAgent[]): number {
  for (const agent of agents) agent.install();
  return agents.filter((a) => a.noticeAt !== null).length;
}

function forgetAll(agents: readonly SimAgent[]): number {
  for (const agent of agents) agent.forgetNotice();
  return agents.length;
}

function closeAll(sockets: readonly { close(): void }[]): number {
  for (const socket of sockets) socket.close();
  return sockets.length;
}

function largest(values: readonly number[]): number {
  return values.reduce((a, b) => Math.max(a, b), 0);
}
