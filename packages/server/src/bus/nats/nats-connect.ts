/** Connecting to NATS and making sure the JetStream stream exists; failures are BUS_UNAVAILABLE. */
import { connect, DiscardPolicy, RetentionPolicy, StorageType, nanos } from 'nats';
import type { JetStreamManager, NatsConnection, StreamConfig } from 'nats';
import { PatchcastError } from '@patchcast/core';

export interface StreamLimits {
  readonly maxAgeSeconds: number;
  readonly maxBytes: number;
  /** The window in which a repeated event id is dropped by JetStream itself. */
  readonly duplicateWindowSeconds: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxAgeSeconds: 7 * 24 * 3600,
  maxBytes: 1024 ** 3,
  duplicateWindowSeconds: 120,
};

const CONNECT_TIMEOUT_MS = 3000;

export async function connectNats(url: string, nodeId: string): Promise<NatsConnection> {
  try {
    return await connect({
      servers: url.split(',').map((s) => s.trim()),
      name: `patchcast-${nodeId}`,
      timeout: CONNECT_TIMEOUT_MS,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      pingInterval: 5000,
      maxPingOut: 2,
    });
  } catch (error) {
    throw unavailable(url, `cannot connect: ${describe(error)}`, error);
  }
}

export async function ensureStream(
  nc: NatsConnection,
  url: string,
  stream: string,
  subjectPrefix: string,
  limits: StreamLimits,
): Promise<JetStreamManager> {
  let jsm: JetStreamManager;
  try {
    jsm = await nc.jetstreamManager({ timeout: CONNECT_TIMEOUT_MS });
  } catch (error) {
    throw unavailable(url, `JetStream is not available: ${describe(error)}`, error);
  }
  const config: Partial<StreamConfig> & { name: string } = {
    name: stream,
    subjects: [`${subjectPrefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(limits.maxAgeSeconds * 1000),
    max_bytes: limits.maxBytes,
    duplicate_window: nanos(limits.duplicateWindowSeconds * 1000),
  };
  const existing = await jsm.streams.info(stream).catch(() => undefined);
  if (existing !== undefined) {
    // an existing stream is used as it is: operators may have raised its limits or replicas
    if (existing.config.subjects.includes(`${subjectPrefix}.>`)) return jsm;
    throw unavailable(url, `stream ${stream} exists without the subjects ${subjectPrefix}.>`);
  }
  try {
    await jsm.streams.add(config);
  } catch (error) {
    throw unavailable(url, `cannot create stream ${stream}: ${describe(error)}`, error);
  }
  return jsm;
}

export function unavailable(url: string, why: string, cause?: unknown): PatchcastError {
  return new PatchcastError('BUS_UNAVAILABLE', `NATS at ${url}: ${why}`, {
    hint: 'start nats-server with JetStream (-js) and check --bus nats://HOST:PORT',
    cause,
  });
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${code} ${error.message}`
      : error.message;
  }
  return String(error);
}
