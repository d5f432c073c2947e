import { sha256Hex } from '@patchcast/core';
import type { Command } from '../command.js';
import { boolFlag, requiredFlag, stringFlag } from '../args.js';
import { CLIENT_OPTIONS, JSON_OPTION, printJson } from '../context.js';
import { writeFileAtomic } from '../bundle/index.js';
import { PATCH_REF_OPTIONS, bundleFromSource, patchRefFlags } from '../patch-ref-flags.js';
import { EXPORT_HELP, exportTo } from '../offline-export.js';

export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'build a patch bundle file; with --server, the signed offline bundle of its publication',
  usage:
    'patchcast bundle PATH --name NAME --version VERSION --out FILE [--server URL [--trusted-root FILE]] [--json]',
  help: `Without --server: builds the same content-addressed bundle that \`patchcast publish\` uploads,
and writes it to FILE. The same inputs always give the same bytes. This bare bundle is NOT signed:
nothing proves who made it, so \`patchcast apply\` refuses it (SECURITY_BUNDLE_UNSIGNED) unless
told --unsigned. It is for inspecting, reproducing and publishing a patch.

With --server: builds the bundle the same way, then writes the signed offline bundle of
NAME@VERSION as published on that server (what \`patchcast export NAME@VERSION\` writes), after
checking that the published, signed bundle is byte for byte the one this folder builds
(CONFLICT otherwise). A bundle nobody published cannot carry signed metadata or a log proof:
publish it first. FILE is written atomically either way.

Options:
  --name NAME          patch name
  --version VERSION    patch version
  --out FILE           where to write the bundle
${EXPORT_HELP}
  --json               print {file, sha256, length} as JSON (with --server: as \`patchcast export\`)`,
  options: {
    ...PATCH_REF_OPTIONS,
    ...CLIENT_OPTIONS,
    'trusted-root': { type: 'string' },
    out: { type: 'string' },
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    const ref = patchRefFlags(invocation);
    const out = requiredFlag(invocation, 'out', 'e.g. --out patch.tar');
    const bundle = await bundleFromSource(invocation, ref);
    if (stringFlag(invocation, 'server') !== undefined)
      return exportTo(invocation, ref, out, sha256Hex(bundle));
    await writeFileAtomic(out, bundle, 0o644);
    const result = { file: out, sha256: sha256Hex(bundle), length: bundle.length };
    if (boolFlag(invocation, 'json')) printJson(invocation, result);
    else invocation.io.out(`wrote ${out}: ${result.length} bytes, sha256 ${result.sha256}\n`);
    return 0;
  },
};
