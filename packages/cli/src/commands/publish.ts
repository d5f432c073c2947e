import { checkDelegatedRoleName } from '@patchcast/core';
import { formatPatchRef } from '@patchcast/protocol';
import type { Command } from '../command.js';
import { boolFlag, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { PATCH_REF_OPTIONS, bundleFromSource, patchRefFlags } from '../patch-ref-flags.js';
import { publishBundle } from '../publishing.js';
import { signersOfKeyFlags } from './targets-key.js';

export const publishCommand: Command = {
  name: 'publish',
  summary: 'build a patch bundle from a folder, sign it with the targets key, and upload it',
  usage: 'patchcast publish PATH --name NAME --version VERSION [--key FILE] [--role ROLE] [--json]',
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
  --passphrase-env VAR  environment variable holding the key file's passphrase
                       (default: $PATCHCAST_KEY_PASSPHRASE)
${CLIENT_HELP}
  --json             print the result as JSON`,
  options: {
    ...PATCH_REF_OPTIONS,
    key: { type: 'string', multiple: true },
    role: { type: 'string' },
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
    }
    return 0;
  },
};
