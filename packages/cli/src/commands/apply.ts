import { PatchcastError } from '@patchcast/core';
import type { Command, Invocation } from '../command.js';
import { boolFlag, requiredFlag } from '../args.js';
import { JSON_OPTION, printJson } from '../context.js';

export const applyCommand: Command = {
  name: 'apply',
  summary: 'install a bundle file offline, transactionally (or finish an interrupted install)',
  usage:
    'patchcast apply BUNDLE --root DIR --state DIR [--allow-special-modes] [--json]\n       patchcast apply --recover --root DIR --state DIR [--json]',
  help: `Installs BUNDLE (a file made by \`patchcast bundle\`) into the managed root DIR with the agent's
install engine: every hash is checked before the root is touched, a journal is written, replaced
files are backed up, new files are renamed into place, hooks and the health check run, then the
install commits or rolls back exactly (docs/protocol/bundle.md section 5). No server is needed:
this is the air-gapped path. Exit status 0 means installed; a rolled-back install exits 1 with
the error code (HOOK_FAILED, HEALTH_CHECK_FAILED, INSTALL_FAILED, DISK_FULL). When the bundle
says so, it prints "reboot required" ("rebootRequired": true with --json); it never reboots.

Options:
  --root DIR   the managed root: bundle paths land under it (must exist)
  --state DIR  where transactions keep journal, stage, backups and lock; keep it
               for --recover. Only one install per state folder runs at a time
               (INSTALL_BUSY otherwise).
  --recover    instead of installing, finish or undo whatever install a crash left
               in --state: the root ends exactly as before or exactly as after
  --allow-special-modes
               accept files with setuid, setgid or sticky bits (refused by default,
               BUNDLE_PATH_UNSAFE)
  --json       print the result as JSON

Examples:
  patchcast apply patch.tar --root / --state /var/lib/patchcast/install
  patchcast apply --recover --root / --state /var/lib/patchcast/install`,
  options: {
    root: { type: 'string' },
    state: { type: 'string' },
    recover: { type: 'boolean' },
    'allow-special-modes': { type: 'boolean' },
    ...JSON_OPTION,
  },
  positionals: { min: 0, max: 1 },
  async run(invocation) {
    const root = requiredFlag(invocation, 'root', 'e.g. --root / (the folder the bundle manages)');
    const state = requiredFlag(invocation, 'state', 'e.g. --state /var/lib/patchcast/install');
    const bundlePath = invocation.positionals[0];
    if (boolFlag(invocation, 'recover')) {
      if (bundlePath !== undefined) throw usage('--recover takes no BUNDLE');
      return recover(invocation, root, state);
    }
    if (bundlePath === undefined) throw usage('BUNDLE is required (or --recover)');
    return install(invocation, bundlePath, root, state);
  },
};

async function install(invocation: Invocation, bundlePath: string, root: string, state: string) {
  const { applyBundleFile } = await import('@patchcast/agent');
  const { patch, outcome, rebootRequired } = await applyBundleFile({
    bundlePath,
    root,
    stateDir: state,
    allowSpecialModes: boolFlag(invocation, 'allow-special-modes'),
  });
  const ref = `${patch.name}@${patch.version}`;
  if (outcome.error !== undefined) {
    throw new PatchcastError(outcome.error.code, `${ref} rolled back: ${outcome.error.message}`, {
      hint: `${root} is exactly as before; fix the patch and build a new version`,
    });
  }
  const timings = outcome.timings;
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, { status: outcome.status, patch, root, timings, rebootRequired });
    return 0;
  }
  const ms = (value: number) => `${Math.round(value)} ms`;
  invocation.io.out(
    `installed ${ref} into ${root} (stage ${ms(timings.stageMs)}, apply ${ms(timings.applyMs)}, health ${ms(timings.healthMs)})\n`,
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
