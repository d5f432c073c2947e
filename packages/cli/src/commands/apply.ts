import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import type { ApplyTrust } from '@patchcast/agent';
import type { Command, Invocation } from '../command.js';
import { boolFlag, requirePqFlag, requiredFlag, stringFlag } from '../args.js';
import { JSON_OPTION, printJson } from '../context.js';

export const applyCommand: Command = {
  name: 'apply',
  summary:
    'verify and install an offline bundle, transactionally (or finish an interrupted install)',
  usage: `patchcast apply FILE --root DIR --state DIR --trusted-root FILE --log-key KEY [--require-pq on|off] [--json]
       patchcast apply FILE --root DIR --agent-state DIR [--state DIR] [--log-key KEY] [--require-pq on|off] [--json]
       patchcast apply FILE --root DIR --state DIR --unsigned [--json]
       patchcast apply --recover --root DIR --state DIR [--json]`,
  help: `The air-gapped path. FILE is an offline bundle from \`patchcast export\` (or \`patchcast bundle
--server\`): a published patch with its TUF metadata chain and the transparency log's proof of
its publication (docs/protocol/offline-bundle.md). Before anything on disk changes, apply runs
the checks an online agent runs, with the same code: the root chain, timestamp, snapshot,
targets and delegated roles (spec §5.3 to §5.6, with the ML-DSA rule), the bundle's signed length
and SHA-256, and the log's signed checkpoint and inclusion proof of exactly this publication. A
bare bundle from \`patchcast bundle\` is refused (SECURITY_BUNDLE_UNSIGNED), and so is anything
tampered with (its SECURITY_* code). Then the agent's install engine installs it: hashes checked
before the root is touched, journal, backups, hooks and health check, commit or exact rollback
(docs/protocol/bundle.md section 5). Exit status 0 means installed; a rolled-back install exits 1
with its code (HOOK_FAILED, HEALTH_CHECK_FAILED, INSTALL_FAILED, DISK_FULL). When the bundle says
so, it prints "reboot required" ("rebootRequired": true with --json); it never reboots.

Trust (one of):
  --trusted-root FILE  a root.json you trust (e.g. the server's 1.root.json, checked out of
                       band); needs --log-key. Verifies like a freshly enrolled agent: nothing is
                       remembered, so an older bundle than one applied before is not detected
  --log-key KEY|FILE   the log's verifier key (\`patchcast status --json\` on the server: log.key),
                       or a file holding it (the server's <data>/keys/log.pub); with
                       --agent-state only if the agent has none pinned
  --agent-state DIR    an enrolled agent's --data folder: its trusted metadata, pinned log key
                       and last checkpoint. Metadata older than what the agent holds is refused
                       (SECURITY_ROLLBACK), the log must extend its checkpoint, and both advance
                       as after an online install; the patch is recorded as installed. Stop the
                       agent first
  --unsigned           install a bare bundle nobody signed. Loud: a WARNING line on stderr,
                       "unsigned": true with --json, and a line in --state's apply.log

Options:
  --root DIR   the managed root: bundle paths land under it (must exist)
  --state DIR  where transactions keep journal, stage, backups, lock and apply.log (one JSON
               line per install: time, patch, file, how it was verified); keep it for
               --recover. Default with --agent-state: DIR/install, the agent's own. Only one
               install per state folder runs at a time (INSTALL_BUSY otherwise).
  --require-pq on|off
               refuse metadata of any role without ML-DSA-65 keys and signatures (default: on
               when the trusted root gives every role ML-DSA-65 keys)
  --recover    instead of installing, finish or undo whatever install a crash left
               in --state: the root ends exactly as before or exactly as after
  --allow-special-modes
               accept files with setuid, setgid or sticky bits (refused by default,
               BUNDLE_PATH_UNSAFE)
  --json       print the result as JSON

Examples:
  patchcast apply app-tls-1.6.0.offline.tar --root / --state /var/lib/patchcast/install \\
    --trusted-root 1.root.json --log-key log.pub
  patchcast apply app-tls-1.6.0.offline.tar --root / --agent-state /var/lib/patchcast/agent
  patchcast apply --recover --root / --state /var/lib/patchcast/install`,
  options: {
    root: { type: 'string' },
    state: { type: 'string' },
    'trusted-root': { type: 'string' },
    'log-key': { type: 'string' },
    'agent-state': { type: 'string' },
    'require-pq': { type: 'string' },
    unsigned: { type: 'boolean' },
    recover: { type: 'boolean' },
    'allow-special-modes': { type: 'boolean' },
    ...JSON_OPTION,
  },
  positionals: { min: 0, max: 1 },
  async run(invocation) {
    const root = requiredFlag(invocation, 'root', 'e.g. --root / (the folder the bundle manages)');
    const bundlePath = invocation.positionals[0];
    if (boolFlag(invocation, 'recover')) {
      if (bundlePath !== undefined) throw usage('--recover takes no FILE');
      return recover(invocation, root, stateFlag(invocation));
    }
    if (bundlePath === undefined) throw usage('FILE is required (or --recover)');
    return install(invocation, bundlePath, root);
  },
};

function stateFlag(invocation: Invocation): string {
  const agent = stringFlag(invocation, 'agent-state');
  return (
    stringFlag(invocation, 'state') ??
    (agent === undefined
      ? requiredFlag(invocation, 'state', 'e.g. --state /var/lib/patchcast/install')
      : join(agent, 'install'))
  );
}

/** Exactly one source of trust, or --unsigned. */
async function trustOf(invocation: Invocation): Promise<ApplyTrust> {
  const rootFile = stringFlag(invocation, 'trusted-root');
  const dataDir = stringFlag(invocation, 'agent-state');
  const logKey = await logKeyFlag(invocation);
  const unsigned = boolFlag(invocation, 'unsigned');
  const given = [rootFile, dataDir, unsigned ? true : undefined].filter((v) => v !== undefined);
  if (given.length !== 1)
    throw usage(
      given.length === 0
        ? 'say what to trust: --trusted-root FILE --log-key KEY, or --agent-state DIR'
        : 'give only one of --trusted-root, --agent-state and --unsigned',
    );
  if (dataDir !== undefined) return { kind: 'agent-state', dataDir, logKey };
  if (rootFile === undefined) return { kind: 'unsigned' };
  if (logKey === undefined)
    throw usage('--trusted-root needs --log-key KEY (`patchcast status --json`: log.key)');
  return { kind: 'trusted-root', rootFile, logKey };
}

/** --log-key: the verifier key itself, or a file holding it (the server's keys/log.pub). */
async function logKeyFlag(invocation: Invocation): Promise<string | undefined> {
  const value = stringFlag(invocation, 'log-key');
  if (value === undefined) return undefined;
  const isFile = await stat(value).then(
    (stats) => stats.isFile(),
    () => false,
  );
  return isFile ? (await readFile(value, 'utf8')).trim() : value;
}

async function install(invocation: Invocation, bundlePath: string, root: string) {
  const trust = await trustOf(invocation);
  const state = stateFlag(invocation);
  let warning: string | undefined;
  const { applyBundleFile } = await import('@patchcast/agent');
  const { patch, outcome, rebootRequired } = await applyBundleFile({
    bundlePath,
    root,
    stateDir: state,
    trust,
    requirePq: requirePqFlag(invocation),
    allowSpecialModes: boolFlag(invocation, 'allow-special-modes'),
    log: (line) => invocation.io.err(`${line}\n`),
    warn: (line) => {
      warning = line;
      invocation.io.err(`WARNING: ${line}\n`);
    },
  });
  const ref = `${patch.name}@${patch.version}`;
  if (outcome.error !== undefined) {
    throw new PatchcastError(outcome.error.code, `${ref} rolled back: ${outcome.error.message}`, {
      hint: `${root} is exactly as before; fix the patch and build a new version`,
    });
  }
  const timings = outcome.timings;
  const verified = trust.kind;
  if (boolFlag(invocation, 'json')) {
    const unsigned = warning === undefined ? {} : { unsigned: true, warning };
    printJson(invocation, {
      status: outcome.status,
      patch,
      root,
      verified,
      ...unsigned,
      timings,
      rebootRequired,
    });
    return 0;
  }
  const ms = (value: number) => `${Math.round(value)} ms`;
  invocation.io.out(
    `installed ${ref} into ${root} (${verified === 'unsigned' ? 'UNSIGNED' : `verified against ${verified}`}; stage ${ms(timings.stageMs)}, apply ${ms(timings.applyMs)}, health ${ms(timings.healthMs)})\n`,
  );
  if (rebootRequired)
    invocation.io.out(`reboot required: ${ref} takes effect after the machine is rebooted\n`);
  return 0;
}

async function recover(invocation: Invocation, root: string, state: string) {
  const { recoverTransactions } = await import('@patchcast/agent');
  const result = await recoverTransactions(root, state);
  if (boolFlag(invocation, 'json')) printJson(invocation, result);
  else if (result.recovered === 0) invocation.io.out('nothing to recover\n');
  else
    invocation.io.out(`recovered ${result.recovered} interrupted install(s): ${result.action}\n`);
  return 0;
}

function usage(message: string): PatchcastError {
  return new PatchcastError('USAGE', `apply: ${message}`, { hint: 'see: patchcast apply --help' });
}
