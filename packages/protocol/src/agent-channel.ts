/**
 * The agent channel: JSON text frames over one WebSocket at /agent/v1/connect.
 * docs/protocol/agent-channel.md describes the exchange; agent-channel-schema.ts holds the zod
 * schemas (the contract, and the server's parser); the agent parses the server's messages with the
 * guards of agent-channel-guards.ts, so an idle agent loads no zod.
 */
import { canonicalBytes } from '@patchcast/core/base';
import { jsonDepthExceeds } from './json-depth.js';
import { serverMessageGuard } from './agent-channel-guards.js';
import type { ServerMessage } from './agent-channel-schema.js';

export type {
  AgentMessage,
  CertificateMessage,
  Health,
  HealthMessage,
  HealthRequest,
  Hello,
  Inventory,
  Notice,
  Report,
  RollbackCommand,
  ServerMessage,
} from './agent-channel-schema.js';

export const AGENT_CHANNEL_PATH = '/agent/v1/connect';
export const AUTH_PURPOSE = 'patchcast-agent-auth/v1';
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Deepest nesting of arrays and objects in one frame; deeper frames are malformed. */
export const MAX_FRAME_DEPTH = 64;

export { DEVICE_STATES, FINAL_DEVICE_STATES } from './device-state.js';
export type { DeviceState } from './device-state.js';

/**
 * The bytes an agent signs to answer a challenge. Binding the nonce prevents replay; binding the
 * audience (the server origin the agent dialled) prevents relaying the answer to another server.
 */
export function authStatement(deviceId: string, nonce: string, audience: string): Uint8Array {
  return canonicalBytes({ purpose: AUTH_PURPOSE, deviceId, nonce, audience });
}

/** A frame's JSON checked by `parser` (a guard or a zod schema): undefined if too big, too deep or invalid. */
export function parseFrame<T>(
  parser: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  text: string,
): T | undefined {
  if (text.length > MAX_FRAME_BYTES || jsonDepthExceeds(text, MAX_FRAME_DEPTH)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = parser.safeParse(json);
  return result.success ? result.data : undefined;
}

export function parseServerMessage(text: string): ServerMessage | undefined {
  return parseFrame(serverMessageGuard, text);
}

const SERVER_MESSAGE_TYPES: ReadonlySet<string> = new Set(serverMessageGuard.kinds);

/** The `type` of a well-formed frame whose type this agent does not know (a newer server's). */
export function unknownServerMessageType(text: string): string | undefined {
  if (text.length > MAX_FRAME_BYTES || jsonDepthExceeds(text, MAX_FRAME_DEPTH)) return undefined;
  try {
    const json = JSON.parse(text) as unknown;
    const type =
      typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
    return typeof type === 'string' && type.length <= 64 && !SERVER_MESSAGE_TYPES.has(type)
      ? type
      : undefined;
  } catch {
    return undefined;
  }
}

/** The text of a WebSocket frame as `ws` delivers it (a Buffer, an ArrayBuffer, or fragments). */
export function frameText(data: Buffer | ArrayBuffer | readonly Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data as readonly Buffer[]).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data as ArrayBuffer))).toString(
    'utf8',
  );
}
