import { PatchcastError, SELECTOR_GRAMMAR, describeSelector, parseSelector } from '@patchcast/core';
import { ROLES } from '@patchcast/protocol';
import type { Role, TokenInfo } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, parseDuration, requiredFlag, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { table } from '../table.js';

export const tokenCommand: Command = {
  name: 'token',
  summary: 'create, list and revoke API tokens (scoped by role, expiry and devices)',
  usage:
    'patchcast token create --name NAME --role viewer|operator|publisher|admin [--expires DURATION] [--devices SELECTOR] [--json] | token list [--json] | token revoke ID [--json]',
  help: `API tokens authenticate people and pipelines (--token or PATCHCAST_TOKEN). Each has a role;
each role may do what the roles before it may (docs/security.md has the route-by-route table):
  viewer     read status, devices, rollouts, patches, findings and reports
  operator   also enroll devices, change labels, start and steer rollouts, import advisories
  publisher  also upload artifacts and submit signed targets metadata (publish, withdraw)
  admin      also rotate the root and manage tokens
These commands need an admin token.

  patchcast token create --name NAME --role ROLE [--expires DURATION] [--devices SELECTOR]
      prints the new token once (only its hash is stored). NAME is unique among tokens that are
      not revoked; the transparency log names the token behind every change. --expires makes
      it stop working after DURATION (30m, 12h, 30d); --devices limits it to devices matching
      SELECTOR: it may start and steer rollouts, change labels and replace hosts only where
      every device concerned matches (FORBIDDEN otherwise).
  patchcast token list
      every token with its role, scope, expiry and state (active, expired, revoked); never a
      secret.
  patchcast token revoke ID
      the token is refused from its next request on (UNAUTHENTICATED, "revoked").

SELECTOR:
  ${SELECTOR_GRAMMAR.join('\n  ')}

Options:
  --name NAME          token name: letters, digits, . _ @ - (e.g. ci-deploy)
  --role ROLE          viewer, operator, publisher or admin
  --expires DURATION   validity (default: never expires)
  --devices SELECTOR   the devices the token may act on (default: all)
${CLIENT_HELP}
  --json               create: {"id","token","info"}; list: {"tokens":[...]}; revoke: the token's info`,
  options: {
    name: { type: 'string' },
    role: { type: 'string' },
    expires: { type: 'string' },
    devices: { type: 'string' },
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
      `"token ${invocation.positionals.join(' ')}" is not a token action`,
      {
        hint: 'use: patchcast token create --name NAME --role ROLE | token list | token revoke ID',
      },
    );
  },
};

async function create(invocation: Invocation): Promise<number> {
  const name = requiredFlag(invocation, 'name', 'e.g. --name ci-deploy');
  const roleText = requiredFlag(invocation, 'role', `one of ${ROLES.join(', ')}`);
  const role = ROLES.find((r) => r === roleText);
  if (role === undefined)
    throw new PatchcastError('USAGE', `--role "${roleText}" is not a role`, {
      hint: `use one of ${ROLES.join(', ')}`,
    });
  const expires = stringFlag(invocation, 'expires');
  const devices = stringFlag(invocation, 'devices');
  const result = await clientFor(invocation).createToken({
    name,
    role: role satisfies Role,
    ...(expires === undefined ? {} : { expiresInSeconds: parseDuration(expires) }),
    ...(devices === undefined ? {} : { devices: parseSelector(devices) }),
  });
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, result);
    return 0;
  }
  invocation.io.out(
    `${result.token}\n(token ${result.id} "${name}", ${describe(result.info)}; shown once: store it now)\n`,
  );
  return 0;
}

async function list(invocation: Invocation): Promise<number> {
  const { tokens } = await clientFor(invocation).tokens();
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, { tokens });
    return 0;
  }
  const rows = tokens.map((t) => [
    t.id,
    t.name,
    t.role,
    t.devices === undefined ? 'all devices' : describeSelector(t.devices),
    t.expiresAt ?? 'never',
    t.state,
    t.createdBy ?? '',
  ]);
  invocation.io.out(
    table(['ID', 'NAME', 'ROLE', 'DEVICES', 'EXPIRES', 'STATE', 'CREATED BY'], rows),
  );
  return 0;
}

async function revoke(invocation: Invocation, id: string): Promise<number> {
  const info = await clientFor(invocation).revokeToken(id);
  if (boolFlag(invocation, 'json')) printJson(invocation, info);
  else invocation.io.out(`revoked token ${info.id} "${info.name}" at ${info.revokedAt ?? ''}\n`);
  return 0;
}

function describe(info: TokenInfo): string {
  const scope = info.devices === undefined ? 'all devices' : describeSelector(info.devices);
  return `${info.role} on ${scope}, ${info.expiresAt === undefined ? 'never expires' : `expires ${info.expiresAt}`}`;
}
