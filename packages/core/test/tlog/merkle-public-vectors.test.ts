import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SecurityError } from '../../src/errors.js';
import { verifyConsistency, verifyInclusion } from '../../src/tlog/index.js';
import { SHARED_MERKLE, b64, jsonFilesUnder, readJson } from './vector-files.js';

/** transparency-dev/merkle testdata: honest ("wantErr": false) and mutated proofs. */
interface Probe {
  readonly desc: string;
  readonly wantErr: boolean;
  readonly proof: readonly string[] | null;
}

interface InclusionProbe extends Probe {
  readonly leafIdx: number;
  readonly treeSize: number;
  readonly root: string;
  readonly leafHash: string;
}

interface ConsistencyProbe extends Probe {
  readonly size1: number;
  readonly size2: number;
  readonly root1: string;
  readonly root2: string;
}

function outcome(check: () => void): 'verified' | 'rejected' {
  try {
    check();
    return 'verified';
  } catch (error) {
    assert.ok(error instanceof SecurityError, `not a SecurityError: ${String(error)}`);
    return 'rejected';
  }
}

function runProbes<T extends Probe>(
  folder: string,
  check: (probe: T) => void,
): { honest: number; mutated: number } {
  const wrong: string[] = [];
  const counts = { honest: 0, mutated: 0 };
  for (const file of jsonFilesUnder(join(SHARED_MERKLE, folder))) {
    const probe = readJson(file) as T;
    const got = outcome(() => check(probe));
    counts[probe.wantErr ? 'mutated' : 'honest'] += 1;
    if (got !== (probe.wantErr ? 'rejected' : 'verified')) {
      wrong.push(`${relative(SHARED_MERKLE, file)}: ${got}`);
    }
  }
  assert.deepEqual(wrong, []);
  return counts;
}

test('transparency-dev inclusion vectors: honest verify, mutated fail', (t) => {
  if (!existsSync(SHARED_MERKLE)) return t.skip(`shared vectors absent at ${SHARED_MERKLE}`);
  const { honest, mutated } = runProbes<InclusionProbe>('inclusion', (p) =>
    verifyInclusion({
      leafHash: b64(p.leafHash),
      index: p.leafIdx,
      treeSize: p.treeSize,
      proof: (p.proof ?? []).map(b64),
      rootHash: b64(p.root),
    }),
  );
  assert.ok(honest >= 6 && mutated >= 60, `only ${honest} honest and ${mutated} mutated`);
});

test('transparency-dev consistency vectors: honest verify, mutated fail', (t) => {
  if (!existsSync(SHARED_MERKLE)) return t.skip(`shared vectors absent at ${SHARED_MERKLE}`);
  const { honest, mutated } = runProbes<ConsistencyProbe>('consistency', (p) =>
    verifyConsistency({
      size1: p.size1,
      size2: p.size2,
      root1: b64(p.root1),
      root2: b64(p.root2),
      proof: (p.proof ?? []).map(b64),
    }),
  );
  assert.ok(honest >= 6 && mutated >= 60, `only ${honest} honest and ${mutated} mutated`);
});
