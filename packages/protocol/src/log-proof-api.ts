/** The log's proof answers an agent reads before it installs a patch (docs/protocol/log.md). */
import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/** A publication entry (base64 leaf bytes) and its C2SP tlog-proof against the latest checkpoint. */
export const publicationProofResponse = z.strictObject({
  entry: base64.max(90_000),
  proof: z.string().max(300_000),
});
export type PublicationProofResponse = z.infer<typeof publicationProofResponse>;

/** RFC 9162 §2.1.4.1 consistency proof hashes, base64, in proof order. */
export const consistencyProofResponse = z.strictObject({
  hashes: z.array(base64.length(44)).max(128),
});
export type ConsistencyProofResponse = z.infer<typeof consistencyProofResponse>;

/** The log's key transition checkpoints (signed notes), smallest first (ADR 0028). */
export const keyTransitionsResponse = z.strictObject({
  transitions: z.array(z.string().max(16_384)).max(1024),
});
export type KeyTransitionsResponse = z.infer<typeof keyTransitionsResponse>;
