/**
 * Entry of a `bench swarm` host process: runs real agents (`startAgent`, the whole install path:
 * TUF, the log proof, piece downloads, peers, the files installer) in this process, each with its
 * own data folder, device key and, with peer-to-peer on, its own peer server on a loopback address.
 */
import { join } from 'node:path';
import { peerConfig, startAgent } from '@patchcast/agent/start';
import type { RunningAgent } from '@patchcast/agent/start';
import { serveRequests } from '../rpc.js';
import { forEachLimited } from '../concurrency.js';
import { SWARM_REQUEST_KINDS } from './swarm-messages.js';
import type { SwarmRequest } from './swarm-messages.js';

const running: RunningAgent[] = [];

serveRequests<SwarmRequest>(SWARM_REQUEST_KINDS, async (request) => {
  if (request.kind === 'stop') {
    const stopped = running.splice(0);
    await Promise.all(stopped.map((agent) => agent.stop()));
    return { stopped: stopped.length };
  }
  await forEachLimited(request.agents, 8, async (spec) => {
    const agent = await startAgent({
      dataDir: join(spec.dir, 'data'),
      rootDir: join(spec.dir, 'root'),
      server: request.server,
      enrollToken: spec.token,
      name: spec.name,
      labels: request.labels,
      peer: peerConfig({ enabled: request.peer, listen: { host: spec.ip, port: 0 }, rate: 'off' }),
      log: (line) => {
        if (/REFUSED|failed|dropped|not started/i.test(line))
          process.stderr.write(`${spec.name}: ${line}\n`);
      },
    });
    running.push(agent);
  });
  return { started: request.agents.length };
});
