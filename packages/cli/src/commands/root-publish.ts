/**
 * `patchcast root publish DRAFT`: uploads root N+1 once the draft meets both thresholds. With
 * `--targets-key NEW.key` it also re-signs the targets metadata in force as version N+1 with the
 * new targets key, so that the repository never serves targets its own root does not accept.
 * Those targets are re-signed only if the current root's targets keys signed them: a compromised
 * server cannot get its own targets signed by the new key.
 */
import {
  checkRootSuccessor,
  formatExpires,
  parseEnvelope,
  signEnvelope,
  verifyThreshold,
} from '@patchcast/core';
import type { Envelope, Root, Signer } from '@patchcast/core';
import { readKeyFile } from '@patchcast/protocol';
import type { PatchcastClient } from '@patchcast/protocol';
import type { Invocation } from '../command.js';
import { boolFlag, listFlag, parseDuration, stringFlag } from '../args.js';
import { clientFor, printJson } from '../context.js';
import { keyPassphrase } from './targets-key.js';
import { readRootDraft } from './root-draft.js';
import { draftArgument, oneFile } from './root-sign.js';

export async function rootPublish(invocation: Invocation): Promise<number> {
  const file = draftArgument(invocation);
  const draft = await readRootDraft(file);
  checkRootSuccessor(draft.previous.signed, draft.root, new Date()); // the server checks again
  const client = clientFor(invocation);
  const keyFile =
    listFlag(invocation, 'targets-key').length === 0
      ? undefined
      : oneFile(
          invocation,
          'targets-key',
          'the new targets private key, e.g. --targets-key targets-2.key',
        );
  const targets =
    keyFile === undefined
      ? undefined
      : await resignedTargets(client, draft.previous.signed, {
          signers: (
            await readKeyFile(keyFile, {
              passphrase: keyPassphrase(
                invocation.io.env,
                stringFlag(invocation, 'passphrase-env'),
              ),
            })
          ).signers,
          expiresSeconds: parseDuration(stringFlag(invocation, 'targets-expires') ?? '90d'),
        });
  const versions = await client.submitRoot(draft.raw.root, targets);
  if (boolFlag(invocation, 'json')) printJson(invocation, { file, ...versions });
  else
    invocation.io.out(
      `published root v${versions.root}${targets === undefined ? '' : ` and targets v${versions.targets} re-signed`}; snapshot v${versions.snapshot}, timestamp v${versions.timestamp}\n`,
    );
  return 0;
}

async function resignedTargets(
  client: PatchcastClient,
  previous: Root,
  options: { readonly signers: readonly Signer[]; readonly expiresSeconds: number },
): Promise<Envelope<unknown>> {
  const bytes = await client.currentTargets();
  const current = parseEnvelope('targets', bytes);
  verifyThreshold(current, previous, 'targets'); // only what the old targets keys signed
  const raw = (JSON.parse(new TextDecoder().decode(bytes)) as { signed: Record<string, unknown> })
    .signed;
  const expires = formatExpires(new Date(Date.now() + options.expiresSeconds * 1000));
  return signEnvelope({ ...raw, version: current.signed.version + 1, expires }, options.signers);
}
