/**
 * The tracker's messages on the agent channel (docs/protocol/peers.md §3). They ride in one
 * envelope of the agent channel, `{type: "peer", body}`, whose body this module parses: an agent
 * with peer-to-peer off never loads it, and the channel's own schemas stay as they were.
 */
import { z } from 'zod';
import { MAX_PIECES } from './pieces.js';

const SHA256 = z.string().regex(/^[0-9a-f]{64}$/);
const DEVICE_ID = z.string().min(1).max(64);
const REQUEST_ID = z.string().min(1).max(64);
/** A set of piece indexes: bit i (most significant bit first) of the base64 bytes is piece i. */
const BITFIELD = z
  .string()
  .max(Math.ceil(MAX_PIECES / 6) + 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/);
/** Where a peer serves pieces: `http://host:port` (docs/protocol/peers.md §4). */
const PEER_ADDRESS = z
  .string()
  .max(300)
  .regex(/^https?:\/\/[^/?#\s]+$/);

/** Device ids one `check` may ask about. */
export const MAX_CHECKS = 64;

export const PEER_FAULTS = [
  'wrong-bytes',
  'truncated',
  'stalled',
  'refused',
  'unreachable',
] as const;
export type PeerFault = (typeof PEER_FAULTS)[number];

/** Agent -> server bodies. */
export const peerRequestSchema = z.discriminatedUnion('kind', [
  /** I hold these verified pieces of target `sha256` and serve them at `address`. */
  z.strictObject({
    kind: z.literal('have'),
    sha256: SHA256,
    pieces: z.number().int().nonnegative().max(MAX_PIECES),
    have: BITFIELD,
    address: PEER_ADDRESS,
  }),
  /** I no longer serve target `sha256`. */
  z.strictObject({ kind: z.literal('drop'), sha256: SHA256 }),
  /** Who of my site holds pieces of target `sha256`? */
  z.strictObject({ kind: z.literal('want'), requestId: REQUEST_ID, sha256: SHA256 }),
  /** These devices ask me for pieces: may I serve them, and what are their keys? */
  z.strictObject({
    kind: z.literal('check'),
    requestId: REQUEST_ID,
    deviceIds: z.array(DEVICE_ID).min(1).max(MAX_CHECKS),
  }),
  /** Device `deviceId` served piece `piece` of target `sha256` badly, or not at all. */
  z.strictObject({
    kind: z.literal('report'),
    sha256: SHA256,
    deviceId: DEVICE_ID,
    piece: z.number().int().nonnegative().max(MAX_PIECES),
    fault: z.enum(PEER_FAULTS),
  }),
]);
export type PeerRequest = z.infer<typeof peerRequestSchema>;

export const peerInfoSchema = z.strictObject({
  deviceId: DEVICE_ID,
  address: PEER_ADDRESS,
  have: BITFIELD,
});
export type PeerInfo = z.infer<typeof peerInfoSchema>;

/** Server -> agent bodies (must-ignore like the channel: unknown fields are dropped). */
export const peerAnswerSchema = z.discriminatedUnion('kind', [
  /** Same-site, enrolled, connected devices that hold pieces of `sha256` (at most MAX_PEERS). */
  z.object({
    kind: z.literal('peers'),
    requestId: REQUEST_ID,
    sha256: SHA256,
    peers: z.array(peerInfoSchema).max(64),
  }),
  /** The Ed25519 key (hex) of each asked device that is an enrolled, not revoked one of my site. */
  z.object({
    kind: z.literal('checked'),
    requestId: REQUEST_ID,
    keys: z.record(DEVICE_ID, z.string().regex(/^[0-9a-f]{64}$/)),
  }),
]);
export type PeerAnswer = z.infer<typeof peerAnswerSchema>;

export const MAX_PEERS = 64;

export function parsePeerRequest(body: unknown): PeerRequest | undefined {
  const parsed = peerRequestSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

export function parsePeerAnswer(body: unknown): PeerAnswer | undefined {
  const parsed = peerAnswerSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/** The bitfield of `held` piece indexes out of `count`. */
export function encodeBitfield(held: Iterable<number>, count: number): string {
  const bytes = new Uint8Array(Math.ceil(count / 8));
  for (const index of held) if (index < count) bytes[index >> 3]! |= 0x80 >> (index & 7);
  return Buffer.from(bytes).toString('base64');
}

/** The piece indexes a bitfield holds, below `count`. */
export function decodeBitfield(bitfield: string, count: number): Set<number> {
  const bytes = Buffer.from(bitfield, 'base64');
  const held = new Set<number>();
  for (let index = 0; index < count && index >> 3 < bytes.length; index++)
    if ((bytes[index >> 3]! & (0x80 >> (index & 7))) !== 0) held.add(index);
  return held;
}
