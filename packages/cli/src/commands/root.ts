/** `patchcast root init | sign | publish`: the root key ceremony (docs/protocol/repository.md). */
import { PatchcastError } from '@patchcast/core';
import type { Command } from '../command.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION } from '../context.js';
import { rootInit } from './root-init.js';
import { rootPublish } from './root-publish.js';
import { rootSign } from './root-sign.js';

const ACTIONS = { init: rootInit, sign: rootSign, publish: rootPublish } as const;

export const rootCommand: Command = {
  name: 'root',
  summary: 'draft, sign offline and publish a new root (key rotation and revocation)',
  usage: 'patchcast root init|sign|publish ... (see --help)',
  help: `A new root (version N+1) replaces keys of any role. It must be signed by a threshold of the
current root's root keys AND of its own root keys (with their ML-DSA-65 halves); agents then walk
the root chain version by version.

  patchcast root init --out DRAFT [--threshold K --key A.pub ...] [--targets-key T.pub ...]
                      [--from ROOT.json | --server URL --token T] [--expires 365d]
  patchcast root sign DRAFT --key FILE          (each key holder, offline; once per key)
  patchcast root publish DRAFT [--targets-key NEW.key] [--server URL --token T]

init options (a role whose keys are not given keeps the current root's keys and threshold):
  --out FILE                  where to write the draft (never overwrites)
  --from FILE                 the current root.json (default: the server's newest root)
  --key FILE.pub              a new root key holder's public keys, repeatable
  --threshold K               how many root key holders must sign (default 1)
  --pq-threshold K            ML-DSA-65 signatures required of root (default: --threshold)
  --targets-key FILE.pub      new targets keys, repeatable (--targets-threshold K)
  --targets-threshold K       targets threshold
  --snapshot-key FILE.pub     new snapshot keys, repeatable (--snapshot-threshold K); the server
  --snapshot-threshold K      must hold the private key in <data>/keys/online/ before publish
  --timestamp-key FILE.pub    new timestamp keys, repeatable (--timestamp-threshold K), likewise
  --timestamp-threshold K     timestamp threshold
  --expires DURATION          validity of the new root, e.g. 365d (default 365d)

sign options:
  --key FILE                  the signer's private key file (a root key of the draft or of the
                              root it replaces); --passphrase-env VAR opens an encrypted one
  --passphrase-env VAR        environment variable holding the key file's passphrase

publish options (needs an admin token):
  --targets-key FILE          the NEW targets private key: re-sign the targets in force as the
                              next version, required when the draft replaces the targets keys
  --targets-expires DURATION  validity of those re-signed targets (default 90d)
${CLIENT_HELP}
  --json                      print the draft's roles and signature status (init, sign) or the
                              repository versions (publish) as JSON`,
  options: {
    out: { type: 'string' },
    from: { type: 'string' },
    key: { type: 'string', multiple: true },
    threshold: { type: 'string' },
    'pq-threshold': { type: 'string' },
    'targets-key': { type: 'string', multiple: true },
    'targets-threshold': { type: 'string' },
    'snapshot-key': { type: 'string', multiple: true },
    'snapshot-threshold': { type: 'string' },
    'timestamp-key': { type: 'string', multiple: true },
    'timestamp-threshold': { type: 'string' },
    expires: { type: 'string' },
    'passphrase-env': { type: 'string' },
    'targets-expires': { type: 'string' },
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 2 },
  async run(invocation) {
    const action = invocation.positionals[0] ?? '';
    if (!Object.hasOwn(ACTIONS, action)) {
      throw new PatchcastError('USAGE', `unknown root action "${action}"`, {
        hint: 'use: patchcast root init | sign | publish (see patchcast root --help)',
      });
    }
    return ACTIONS[action as keyof typeof ACTIONS](invocation);
  },
};
