import type { PatchListing } from '@patchcast/protocol';
import type { Command } from '../command.js';
import { boolFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { table } from '../table.js';

export const patchesCommand: Command = {
  name: 'patches',
  summary: 'list published patches: versions, state (published or withdrawn), fixes',
  usage: 'patchcast patches [--json]',
  help: `Lists every patch in the repository, top-level and delegated roles, highest version first
(SemVer order when both versions are semantic versions, else dpkg's order; ADR 0017). STATE is
published, or withdrawn with the publisher's reason (patchcast withdraw). FIXES are the advisories
the bundle's manifest says it fixes; PUBLISHED is when the transparency log recorded it.

Options:
${CLIENT_HELP}
  --json         print {"patches":[{"name","versions":[{"version","state","withdrawn",
                 "role","sha256","length","publishedAt","fixes"}]}]}`,
  options: { ...CLIENT_OPTIONS, ...JSON_OPTION },
  positionals: { min: 0, max: 0 },
  async run(invocation) {
    const { patches } = await clientFor(invocation).patches();
    if (boolFlag(invocation, 'json')) printJson(invocation, { patches });
    else if (patches.length === 0)
      invocation.io.out('no patches published yet (patchcast publish --help)\n');
    else invocation.io.out(render(patches));
    return 0;
  },
};

function render(patches: readonly PatchListing[]): string {
  const rows = patches.flatMap((p) =>
    p.versions.map((v) => [
      p.name,
      v.version,
      v.withdrawn === null ? v.state : `withdrawn: ${v.withdrawn.reason}`,
      v.publishedAt ?? '-',
      v.fixes.flatMap((f) => f.advisories).join(',') || '-',
      v.role ?? '-',
    ]),
  );
  return table(['NAME', 'VERSION', 'STATE', 'PUBLISHED', 'FIXES', 'ROLE'], rows);
}
