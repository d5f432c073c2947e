/** Chooses the Bus adapter from `--bus`: `memory` (the default) or `nats://HOST:PORT[,...]`. */
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import type { Bus } from './bus.js';
import { MemoryBus } from './memory/memory-bus.js';
import { NatsBus } from './nats/nats-bus.js';

export interface BusConfig {
  /** `memory` or a NATS URL list. */
  readonly bus: string;
  /**
   * This node's name; absent: on a NATS bus the one kept in `<dataDir>/node-id` (made on first
   * start: `<hostname>-<8 random hex>`, so nodes on one host or on port 0 never share it, and a
   * restarted node keeps it); on the memory bus `<hostname>-<port>`.
   */
  readonly nodeId?: string | undefined;
  readonly dataDir: string;
  /** JetStream stream name; its lower case is the subject prefix (default PATCHCAST). */
  readonly busStream?: string | undefined;
  readonly port: number;
}

const NODE_ID_FILE = 'node-id';

function hostPart(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 50);
  return host || 'node';
}

/**
 * The node id kept in `<dataDir>/node-id`, made on first use as `<hostname>-<8 random hex>`. The
 * file appears whole or not at all (written aside, then linked into place; when two processes
 * race on one data dir the first link wins and both use its id).
 */
export async function persistedNodeId(dataDir: string): Promise<string> {
  const file = join(dataDir, NODE_ID_FILE);
  const kept = await readNodeIdFile(file);
  if (kept !== undefined) return kept;
  const fresh = `${hostPart()}-${randomBytes(4).toString('hex')}`;
  const aside = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(aside, `${fresh}\n`, { mode: 0o644 });
  try {
    await link(aside, file);
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readNodeIdFile(file)) ?? fresh;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

async function readNodeIdFile(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const id = text.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id))
    throw new PatchcastError('CONFIG_INVALID', `${file} does not hold a node id`, {
      hint: 'write 1-64 letters, digits, "-" or "_" into it, or remove it to get a new one',
    });
  return id;
}

export async function openBus(config: BusConfig, onError: (error: unknown) => void): Promise<Bus> {
  if (config.bus === 'memory')
    return new MemoryBus(onError, { nodeId: config.nodeId ?? `${hostPart()}-${config.port}` });
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
    nodeId: config.nodeId ?? (await persistedNodeId(config.dataDir)),
    stream,
    subjectPrefix: stream.toLowerCase(),
    onError,
  });
}
