/**
 * The public documents of the server besides the management API's JSON: the health answer, the
 * TUF metadata envelope (docs/protocol/repository.md; core's TUF parser is the verifier, this is
 * its outline for API descriptions) and the query of `GET /api/v1/repository/targets`.
 */
import { z } from 'zod';

export const healthResponse = z.object({ ok: z.literal(true) });

/** A TUF metadata file: the signed role and its signatures (TUF spec §4.2). */
export const tufMetadataSchema = z.looseObject({
  signed: z.looseObject({
    _type: z.string(),
    spec_version: z.string(),
    version: z.number().int(),
    expires: z.string(),
  }),
  signatures: z.array(z.looseObject({ keyid: z.string(), sig: z.string() })),
});

/** `role`: a delegated targets role's name; absent: the top-level targets role. */
export const targetsQuery = z.object({ role: z.string().max(64).optional() });
