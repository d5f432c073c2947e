/**
 * `patchcast delegate add | list`: the targets key holder delegates path patterns to a product
 * team's own keys (a delegated targets role, TUF §4.5), so the team publishes with
 * `patchcast publish --role NAME --key TEAM.key` and only under its patterns.
 */
import {
  PatchcastError,
  checkDelegatedRoleName,
  checkDelegations,
  formatExpires,
  parseEnvelope,
  signEnvelope,
  withDelegatedRole,
} from '@patchcast/core';
import type { TufKey } from '@patchcast/core';
import { readPublicKeyFile } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, listFlag, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { assertSignedByPublisher } from '../publishing.js';
import { targetsSigners } from './targets-key.js';

export const delegateCommand: Command = {
  name: 'delegate',
  summary: 'delegate target path patterns to a team key (delegated targets roles)',
  usage:
    'patchcast delegate add NAME --key TEAM.pub --path PATTERN [--path ...] [--threshold K] [--terminating] --targets-key FILE | list [--json]',
  help: `add signs, with the top-level targets key, a new targets version that delegates the path
patterns to role NAME and its keys. Patterns match per /-separated segment; * and ? never cross
a /. Patch paths are <name>/<version>/bundle.tar, so --path 'team-a-*/*/bundle.tar' lets the
team publish patches whose names start with team-a-. Two roles whose patterns can match the
same path are refused (DELEGATION_OVERLAP). The team then publishes with
  patchcast publish DIR --name team-a-app --version 1 --role NAME --key TEAM.key
list prints the delegations in force.

Options:
  --key FILE.pub        a key holder of the role (public key file), repeatable
  --threshold K         how many of the role's key holders must sign (default 1)
  --path PATTERN        a path pattern the role may publish under, repeatable
  --terminating         a client that matches this role's patterns looks no further
  --targets-key FILE    the top-level targets private key (default: $PATCHCAST_KEY)
  --passphrase-env VAR  environment variable holding that key file's passphrase
${CLIENT_HELP}
  --json                print the delegations (list) or the repository versions (add) as JSON`,
  options: {
    key: { type: 'string', multiple: true },
    threshold: { type: 'string' },
    path: { type: 'string', multiple: true },
    terminating: { type: 'boolean' },
    'targets-key': { type: 'string' },
    'passphrase-env': { type: 'string' },
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 2 },
  async run(invocation) {
    const action = invocation.positionals[0];
    if (action === 'add') return add(invocation);
    if (action === 'list') return list(invocation);
    throw new PatchcastError('USAGE', `unknown delegate action "${action ?? ''}"`, {
      hint: 'use: patchcast delegate add NAME ... | list',
    });
  },
};

async function currentTargets(invocation: Invocation) {
  const bytes = await clientFor(invocation).currentTargets();
  const raw = (JSON.parse(new TextDecoder().decode(bytes)) as { signed: Record<string, unknown> })
    .signed;
  return { envelope: parseEnvelope('targets', bytes), raw };
}

async function add(invocation: Invocation): Promise<number> {
  const name = invocation.positionals[1] ?? '';
  checkDelegatedRoleName(name);
  const paths = listFlag(invocation, 'path');
  const keyFiles = listFlag(invocation, 'key');
  if (paths.length === 0 || keyFiles.length === 0)
    throw new PatchcastError('USAGE', 'delegate add needs --key FILE.pub and --path PATTERN');
  const keys: TufKey[] = [];
  for (const file of keyFiles) keys.push(...(await readPublicKeyFile(file)));
  const threshold = Number(stringFlag(invocation, 'threshold') ?? '1');
  if (!Number.isSafeInteger(threshold) || threshold < 1)
    throw new PatchcastError('USAGE', '--threshold must be a whole number >= 1');
  const signers = await targetsSigners(
    stringFlag(invocation, 'targets-key'),
    invocation.io.env,
    stringFlag(invocation, 'passphrase-env'),
  );
  const { envelope, raw } = await currentTargets(invocation);
  assertSignedByPublisher(envelope, { signers });
  const delegations = withDelegatedRole(
    envelope.signed.delegations,
    { name, paths, terminating: boolFlag(invocation, 'terminating') },
    { keys, threshold },
  );
  checkDelegations(delegations); // the server checks again
  const expires = formatExpires(new Date(Date.now() + 90 * 86400 * 1000));
  const next = { ...raw, version: envelope.signed.version + 1, expires, delegations };
  const versions = await clientFor(invocation).submitTargets(signEnvelope(next, signers));
  if (boolFlag(invocation, 'json')) printJson(invocation, { role: name, paths, ...versions });
  else
    invocation.io.out(
      `delegated ${paths.join(', ')} to role ${name} (targets v${versions.targets})\n`,
    );
  return 0;
}

async function list(invocation: Invocation): Promise<number> {
  const { envelope } = await currentTargets(invocation);
  const roles = envelope.signed.delegations?.roles ?? [];
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, { roles });
    return 0;
  }
  if (roles.length === 0) invocation.io.out('no delegated roles\n');
  for (const role of roles) {
    const flags = role.terminating ? ' (terminating)' : '';
    invocation.io.out(
      `${role.name}: ${(role.paths ?? []).join(', ')}; threshold ${role.threshold} of ${role.keyids.length}${flags}\n`,
    );
  }
  return 0;
}
