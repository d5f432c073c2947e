import { sha256Hex } from '@patchcast/core';
import type { Command } from '../command.js';
import { boolFlag, requiredFlag } from '../args.js';
import { JSON_OPTION, printJson } from '../context.js';
import { writeFileAtomic } from '../bundle/index.js';
import { PATCH_REF_OPTIONS, bundleFromSource, patchRefFlags } from '../patch-ref-flags.js';

export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'build a patch bundle file without uploading it',
  usage: 'patchcast bundle PATH --name NAME --version VERSION --out FILE [--json]',
  help: `Builds the same content-addressed bundle that \`patchcast publish\` uploads, and writes it to FILE
(atomically: FILE is never left half-written). The same inputs always give the same bytes.

Options:
  --name NAME        patch name
  --version VERSION  patch version
  --out FILE         where to write the bundle
  --json             print {file, sha256, length} as JSON`,
  options: {
    ...PATCH_REF_OPTIONS,
    out: { type: 'string' },
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    const ref = patchRefFlags(invocation);
    const out = requiredFlag(invocation, 'out', 'e.g. --out patch.tar');
    const bundle = await bundleFromSource(invocation, ref);
    await writeFileAtomic(out, bundle, 0o644);
    const result = { file: out, sha256: sha256Hex(bundle), length: bundle.length };
    if (boolFlag(invocation, 'json')) printJson(invocation, result);
    else invocation.io.out(`wrote ${out}: ${result.length} bytes, sha256 ${result.sha256}\n`);
    return 0;
  },
};
