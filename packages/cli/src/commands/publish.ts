import { PatchcastError, checkDelegatedRoleName } from '@patchcast/core';
import { formatPatchRef, parsePatchRef } from '@patchcast/protocol';
import type { PatchRef } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { PATCH_REF_OPTIONS, bundleFromSource, patchRefFlags } from '../patch-ref-flags.js';
import { publishBundle } from '../publishing.js';
import type { PublishResult } from '../publishing.js';
import { zstdPatchFrom } from '../delta/zstd-cli.js';
import { signersOfKeyFlags } from './targets-key.js';

export const publishCommand: Command = {
  name: 'publish',
  summary: 'build a patch bundle from a folder, sign it with the targets key, and upload it',
  usage:
    'patchcast publish PATH --name NAME --version VERSION [--key FILE] [--role ROLE] [--delta-from NAME@VERSION | --no-delta] [--json]',
  help: `PATH is a folder whose files/ subfolder mirrors what lands in the endpoint's managed root.
An optional PATH/patchcast.json adds hooks and a health check, e.g.
  { "health": { "command": "test -f etc/app/config", "timeoutSeconds": 30 } }
The bundle is content-addressed; the targets metadata is signed here with the targets key and the
server never receives that key. Publishing an existing NAME@VERSION with different bytes is refused.

Options:
  --name NAME        patch name (lowercase letters, digits, . _ + -)
  --version VERSION  patch version
  --key FILE         targets private key (default: $PATCHCAST_KEY, or ./patchcast-data/keys/targets.key);
                     repeat it to sign with several keys at once, e.g. the old and the new key
                     of a delegated role during a key handover
  --role ROLE        publish in the delegated targets role ROLE (\`patchcast delegate add\`), signing
                     its metadata with ROLE's key (--key); the patch path must be under its patterns
  --delta-from NAME@VERSION  make the binary delta from this published version of the same patch
                     (default: the highest published version below VERSION). Agents that hold
                     that version download the delta instead of the bundle; it needs the \`zstd\`
                     program (1.4.5 or later) here, never on endpoints (docs/protocol/delta.md)
  --no-delta         publish the bundle only
  --passphrase-env VAR  environment variable holding the key file's passphrase
                       (default: $PATCHCAST_KEY_PASSPHRASE)
${CLIENT_HELP}
  --json             print the result as JSON`,
  options: {
    ...PATCH_REF_OPTIONS,
    key: { type: 'string', multiple: true },
    role: { type: 'string' },
    'delta-from': { type: 'string' },
    'no-delta': { type: 'boolean' },
    'passphrase-env': { type: 'string' },
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    const ref = patchRefFlags(invocation);
    const client = clientFor(invocation);
    const signers = await signersOfKeyFlags(invocation);
    const bundle = await bundleFromSource(invocation, ref);
    const role = stringFlag(invocation, 'role');
    if (role !== undefined) checkDelegatedRoleName(role);
    const result = await publishBundle({
      client,
      signers,
      ref,
      bundle,
      ...(role === undefined ? {} : { role }),
      ...deltaOption(invocation, ref),
    });
    if (boolFlag(invocation, 'json')) printJson(invocation, result);
    else if (result.alreadyPublished)
      invocation.io.out(`${formatPatchRef(ref)} is already published (sha256 ${result.sha256})\n`);
    else {
      invocation.io.out(
        `published ${formatPatchRef(ref)}: ${result.length} bytes, sha256 ${result.sha256}\n`,
      );
      if (role === undefined)
        invocation.io.out(`targets metadata version ${result.repository?.targets ?? '?'}\n`);
      else invocation.io.out(`in delegated role ${role}\n`);
      invocation.io.out(`${deltaLine(result.delta)}\n`);
    }
    return 0;
  },
};

function deltaOption(invocation: Invocation, ref: PatchRef) {
  if (boolFlag(invocation, 'no-delta')) return {};
  const fromText = stringFlag(invocation, 'delta-from');
  const from = fromText === undefined ? undefined : parsePatchRef(fromText);
  if (from !== undefined && from.name !== ref.name)
    throw new PatchcastError(
      'USAGE',
      `--delta-from ${fromText} is another patch than ${ref.name}`,
      {
        hint: `name an earlier version of the same patch, e.g. --delta-from ${ref.name}@1.0.0`,
      },
    );
  return { delta: { from, make: zstdPatchFrom } };
}

function deltaLine(delta: PublishResult['delta']): string {
  if (delta === undefined) return 'no delta (--no-delta)';
  if (!('path' in delta)) return `no delta: ${delta.skipped}`;
  return `delta from ${delta.base.version}: ${delta.length} bytes (${delta.path})`;
}
