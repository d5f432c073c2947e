import { checkDelegatedRoleName } from '@patchcast/core';
import { formatPatchRef, parsePatchRef } from '@patchcast/protocol';
import type { Command } from '../command.js';
import { boolFlag, requiredFlag, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { withdrawPatch } from '../withdrawing.js';
import { signersOfKeyFlags } from './targets-key.js';

export const withdrawCommand: Command = {
  name: 'withdraw',
  summary: 'withdraw a published version in signed metadata: agents refuse it, rollouts of it too',
  usage: 'patchcast withdraw NAME@VERSION --reason TEXT [--key FILE] [--role ROLE] [--json]',
  help: `Marks NAME@VERSION withdrawn in the targets metadata, signed here with the targets key (or a
delegated role's key): the server holds no such key, so it can neither withdraw a version nor undo
a withdrawal. The server admits only this change to a published target, logs a patch-withdrawn
entry, and from then on refuses rollouts of the version (PATCH_WITHDRAWN, with the reason);
agents refuse to install it, also for rollouts started before. A withdrawal is final: publish a
newer version. Withdrawing a withdrawn version again changes nothing.

Options:
  --reason TEXT      why (shown to operators and in the log; at most 1024 characters)
  --key FILE         targets private key (default: $PATCHCAST_KEY, or ./patchcast-data/keys/targets.key)
  --role ROLE        the delegated targets role that published it (patchcast patches shows it)
  --passphrase-env VAR  environment variable holding the key file's passphrase
${CLIENT_HELP}
  --json             print {"name","version","targetPath","role","withdrawn":{"reason","at"},
                     "alreadyWithdrawn","repository"}

Example:
  patchcast withdraw app-tls@1.5.0 --reason "breaks TLS 1.2 clients" --key keys/targets.key`,
  options: {
    reason: { type: 'string' },
    key: { type: 'string', multiple: true },
    role: { type: 'string' },
    'passphrase-env': { type: 'string' },
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    const ref = parsePatchRef(invocation.positionals[0] ?? '');
    const reason = requiredFlag(invocation, 'reason', 'say why, e.g. --reason "breaks TLS 1.2"');
    const role = stringFlag(invocation, 'role');
    if (role !== undefined) checkDelegatedRoleName(role);
    const result = await withdrawPatch({
      client: clientFor(invocation),
      signers: await signersOfKeyFlags(invocation),
      ref,
      reason,
      ...(role === undefined ? {} : { role }),
    });
    if (boolFlag(invocation, 'json')) printJson(invocation, result);
    else if (result.alreadyWithdrawn)
      invocation.io.out(
        `${formatPatchRef(ref)} was already withdrawn at ${result.withdrawn.at}: ${result.withdrawn.reason}\n`,
      );
    else
      invocation.io.out(
        `withdrew ${formatPatchRef(ref)}: ${reason}\nagents refuse it; rollouts of it are refused\n`,
      );
    return 0;
  },
};
