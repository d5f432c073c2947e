import { parsePatchRef } from '@patchcast/protocol';
import type { Command } from '../command.js';
import { requiredFlag } from '../args.js';
import { CLIENT_OPTIONS, JSON_OPTION } from '../context.js';
import { EXPORT_HELP, exportTo } from '../offline-export.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a published patch as a signed offline bundle for `patchcast apply`',
  usage: 'patchcast export NAME@VERSION --out FILE [--server URL] [--trusted-root FILE] [--json]',
  help: `Writes FILE, an offline bundle (docs/protocol/offline-bundle.md): the published bundle of
NAME@VERSION with everything an air-gapped endpoint needs to verify it exactly as an online agent
would: every root version from 1 to the current one (a device pinned to an older root walks the
chain), timestamp, snapshot, targets and the delegated role that signs the patch, and the
transparency log's proof of its publication (checkpoint, inclusion proof and the log's leaf
hashes for consistency with a checkpoint the device already holds). Before writing, export runs
the same TUF verification an agent runs, so it never writes a chain it could not verify.
FILE is written atomically. Install it with \`patchcast apply FILE --trusted-root ... --log-key
...\` or \`--agent-state DIR\`.

Options:
  --out FILE           where to write the offline bundle
${EXPORT_HELP}
  --json               print {file, patch, length, sha256, target, rootVersion, logSize}

Examples:
  patchcast export app-tls@1.6.0 --server https://patchcast.example --out app-tls-1.6.0.offline.tar`,
  options: {
    ...CLIENT_OPTIONS,
    out: { type: 'string' },
    'trusted-root': { type: 'string' },
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    const ref = parsePatchRef(invocation.positionals[0] ?? '');
    const out = requiredFlag(invocation, 'out', 'e.g. --out patch.offline.tar');
    return exportTo(invocation, ref, out);
  },
};
