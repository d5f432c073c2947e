/** Chooses the Bus adapter from `--bus`: `memory` (the default) or `nats://HOST:PORT[,...]`. */
import { hostname } from 'node:os';
import { PatchcastError } from '@patchcast/core';
import type { Bus } from './bus.js';
import { MemoryBus } from './memory/memory-bus.js';
import { NatsBus } from './nats/nats-bus.js';

export interface BusConfig {
  /** `memory` or a NATS URL list. */
  readonly bus: string;
  /** This node's name; absent: `<hostname>-<port>` (stable across restarts of this node). */
  readonly nodeId?: string | undefined;
  /** JetStream stream name; its lower case is the subject prefix (default PATCHCAST). */
  readonly busStream?: string | undefined;
  readonly port: number;
}

export function defaultNodeId(port: number): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 50);
  return `${host || 'node'}-${port}`;
}

export async function openBus(config: BusConfig, onError: (error: unknown) => void): Promise<Bus> {
  const nodeId = config.nodeId ?? defaultNodeId(config.port);
  if (config.bus === 'memory') return new MemoryBus(onError, { nodeId });
  if (!/^(nats|tls):\/\//.test(config.bus))
    throw new PatchcastError('CONFIG_INVALID', `unknown bus "${config.bus}"`, {
      hint: 'use --bus memory or --bus nats://HOST:PORT',
    });
  const stream = config.busStream ?? 'PATCHCAST';
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(stream))
    throw new PatchcastError('CONFIG_INVALID', `stream name "${stream}" is not allowed`, {
      hint: 'use 1-32 letters, digits, "-" or "_" for --bus-stream',
    });
  return NatsBus.open({
    url: config.bus,
    nodeId,
    stream,
    subjectPrefix: stream.toLowerCase(),
    onError,
  });
}
