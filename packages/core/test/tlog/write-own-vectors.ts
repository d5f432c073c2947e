/**
 * Regenerates test/data/tlog/*.json from the naive reference implementation:
 *   npx tsc -b && node packages/core/dist/test/tlog/write-own-vectors.js && npx prettier --write packages/core/test/data/tlog
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOwnVectors } from './own-vectors.js';
import { OWN_VECTORS } from './vector-files.js';

const vectors = buildOwnVectors();
for (const [name, value] of Object.entries(vectors)) {
  writeFileSync(join(OWN_VECTORS, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);
}
