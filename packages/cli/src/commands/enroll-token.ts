import { PatchcastError } from '@patchcast/core';
import type { Command } from '../command.js';
import { boolFlag, parseDuration, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';

export const enrollTokenCommand: Command = {
  name: 'enroll-token',
  summary: 'create a single-use enrollment token for a new agent',
  usage: 'patchcast enroll-token create [--expires DURATION] [--json]',
  help: `Prints a token that one agent can use once (\`patchcast agent --enroll TOKEN\`). It expires after
DURATION (default 24h): e.g. 30m, 12h, 7d.

Options:
  --expires DURATION  validity (default: 24h)
${CLIENT_HELP}
  --json              print {"token", "expiresAt"}`,
  options: { expires: { type: 'string' }, ...CLIENT_OPTIONS, ...JSON_OPTION },
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
    const result = await clientFor(invocation).createEnrollToken(
      expires === undefined ? undefined : parseDuration(expires),
    );
    if (boolFlag(invocation, 'json')) printJson(invocation, result);
    else invocation.io.out(`${result.token}\n(single use, expires ${result.expiresAt})\n`);
    return 0;
  },
};
