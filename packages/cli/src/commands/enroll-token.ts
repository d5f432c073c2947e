import { PatchcastError } from '@patchcast/core';
import type { Command } from '../command.js';
import { boolFlag, parseDuration, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';

export const enrollTokenCommand: Command = {
  name: 'enroll-token',
  summary: 'create a single-use enrollment token for a new agent',
  usage: 'patchcast enroll-token create [--expires DURATION] [--replace DEVICE] [--json]',
  help: `Prints a token that one agent can use once (\`patchcast agent --enroll TOKEN\`), alone on stdout
(its expiry goes to stderr), so \`--enroll $(patchcast enroll-token create)\` works. It expires after
DURATION (default 24h): e.g. 30m, 12h, 7d. An agent that is enrolled already and runs again with
its --data folder and a new token stays the same device.

With --replace DEVICE the token is a replacement token: it enrolls only a host started with
\`patchcast agent --enroll TOKEN --replace DEVICE\`, which takes over DEVICE (same id and history,
its own new key; the old key no longer authenticates). Use it for a lost or rebuilt machine.
Both kinds need the operator role and are recorded in the transparency log.

Options:
  --expires DURATION  validity (default: 24h)
  --replace DEVICE    make a replacement token for DEVICE (an id from \`patchcast devices\`)
${CLIENT_HELP}
  --json              print {"token", "expiresAt"} (and "replaces")`,
  options: {
    expires: { type: 'string' },
    replace: { type: 'string' },
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    if (invocation.positionals[0] !== 'create') {
      throw new PatchcastError(
        'USAGE',
        `unknown enroll-token action "${invocation.positionals[0] ?? ''}"`,
        { hint: 'use: patchcast enroll-token create' },
      );
    }
    const expires = stringFlag(invocation, 'expires');
    const replaces = stringFlag(invocation, 'replace');
    const result = await clientFor(invocation).createEnrollToken(
      expires === undefined ? undefined : parseDuration(expires),
      replaces,
    );
    const use =
      replaces === undefined ? 'single use' : `single use, only with --replace ${replaces}`;
    if (boolFlag(invocation, 'json')) printJson(invocation, result);
    else {
      // The token alone on stdout, so that `--enroll $(patchcast enroll-token create)` works.
      invocation.io.out(`${result.token}\n`);
      invocation.io.err(`(${use}, expires ${result.expiresAt})\n`);
    }
    return 0;
  },
};
