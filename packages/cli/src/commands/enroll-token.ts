import { PatchcastError } from '@patchcast/core';
import type { Command, Invocation } from '../command.js';
import { boolFlag, listFlag, parseDuration, parseLabels, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { formatLabels, table } from '../table.js';

export const enrollTokenCommand: Command = {
  name: 'enroll-token',
  summary: 'create, list and revoke single-use enrollment tokens for new agents',
  usage:
    'patchcast enroll-token create [--expires DURATION] [--label KEY=VALUE]... [--replace DEVICE] [--json] | enroll-token list [--json] | enroll-token revoke ID [--json]',
  help: `  create   prints a token that one agent can use once (\`patchcast agent --enroll TOKEN\`),
           alone on stdout (its id and expiry go to stderr), so
           \`--enroll $(patchcast enroll-token create)\` works. It expires after DURATION
           (default 24h): e.g. 30m, 12h, 7d. An agent that is enrolled already and runs again
           with its --data folder and a new token stays the same device.
           --label KEY=VALUE (repeatable) presets labels: every device enrolled with the token
           gets them, over the agent's own --label flags of the same name.
           With --replace DEVICE the token is a replacement token: it enrolls only a host
           started with \`patchcast agent --enroll TOKEN --replace DEVICE\`, which takes over
           DEVICE (same id and history, its own new key; the old key no longer authenticates).
           Use it for a lost or rebuilt machine, or to give a revoked device a new key.
  list     every enrollment token: id, creator, expiry, preset labels and state (active, used,
           expired, revoked); never the token itself.
  revoke ID
           the token can no longer enroll anything (ENROLL_TOKEN_INVALID, "revoked").
All three need the operator role and are recorded in the transparency log.

Options:
  --expires DURATION  validity (default: 24h)
  --label KEY=VALUE   a preset label (repeatable)
  --replace DEVICE    make a replacement token for DEVICE (an id from \`patchcast devices\`)
${CLIENT_HELP}
  --json              create: {"id","token","expiresAt"} (and "replaces", "labels");
                      list: {"tokens":[...]}; revoke: the token as listed`,
  options: {
    expires: { type: 'string' },
    replace: { type: 'string' },
    label: { type: 'string', multiple: true },
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 2 },
  async run(invocation) {
    const [action, id] = invocation.positionals;
    if (action === 'create' && id === undefined) return create(invocation);
    if (action === 'list' && id === undefined) return list(invocation);
    if (action === 'revoke' && id !== undefined) return revoke(invocation, id);
    throw new PatchcastError(
      'USAGE',
      `"enroll-token ${invocation.positionals.join(' ')}" is not an enroll-token action`,
      { hint: 'use: patchcast enroll-token create | enroll-token list | enroll-token revoke ID' },
    );
  },
};

async function create(invocation: Invocation): Promise<number> {
  const expires = stringFlag(invocation, 'expires');
  const replaces = stringFlag(invocation, 'replace');
  const labels = parseLabels(listFlag(invocation, 'label'));
  const result = await clientFor(invocation).createEnrollToken({
    ...(expires === undefined ? {} : { expiresInSeconds: parseDuration(expires) }),
    ...(replaces === undefined ? {} : { replaces }),
    ...(Object.keys(labels).length === 0 ? {} : { labels }),
  });
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, result);
    return 0;
  }
  const use = replaces === undefined ? 'single use' : `single use, only with --replace ${replaces}`;
  const preset = formatLabels(result.labels ?? {});
  // The token alone on stdout, so that `--enroll $(patchcast enroll-token create)` works.
  invocation.io.out(`${result.token}\n`);
  invocation.io.err(
    `(${result.id === undefined ? '' : `${result.id}, `}${use}${preset === '' ? '' : `, labels ${preset}`}, expires ${result.expiresAt})\n`,
  );
  return 0;
}

async function list(invocation: Invocation): Promise<number> {
  const { tokens } = await clientFor(invocation).enrollTokens();
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, { tokens });
    return 0;
  }
  const rows = tokens.map((t) => [
    t.id,
    t.state,
    t.expiresAt,
    formatLabels(t.labels),
    t.replaces ?? '',
    t.createdBy,
  ]);
  const headers = ['ID', 'STATE', 'EXPIRES', 'LABELS', 'REPLACES', 'CREATED BY'];
  invocation.io.out(table(headers, rows));
  return 0;
}

async function revoke(invocation: Invocation, id: string): Promise<number> {
  const info = await clientFor(invocation).revokeEnrollToken(id);
  if (boolFlag(invocation, 'json')) printJson(invocation, info);
  else invocation.io.out(`revoked enrollment token ${info.id} at ${info.revokedAt ?? ''}\n`);
  return 0;
}
