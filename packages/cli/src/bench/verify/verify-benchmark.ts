/**
 * `patchcast bench verify`: signature verifications per second for Ed25519, ML-DSA-65 and hybrid
 * (both), and the time for a TUF client to refresh a repository holding 1,000 targets.
 */
import {
  Updater,
  buildRoot,
  buildSnapshot,
  buildTargets,
  buildTimestamp,
  canonicalBytes,
  generateKeyPairSet,
  publicKeysOf,
  serializeEnvelope,
  signEnvelope,
  signersOf,
  verifySignature,
} from '@patchcast/core';
import type { Signer, TargetFile } from '@patchcast/core';
import type { BenchContext, BenchReport, Benchmark } from '../benchmark.js';

const SECONDS = 2;
const TARGETS = 1_000;

function perSecond(work: () => void, seconds = SECONDS): number {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    work();
    count++;
  }
  return Math.round(count / seconds);
}

function verifyRate(signers: readonly Signer[]): number {
  const data = canonicalBytes({ _type: 'targets', version: 1, note: 'x'.repeat(200) });
  const signatures = signers.map((s) => ({ key: s.key, sig: s.sign(data) }));
  return perSecond(() => {
    for (const { key, sig } of signatures)
      if (!verifySignature(key, sig, data)) throw new Error('signature did not verify');
  });
}

async function refreshMs(): Promise<number> {
  const set = generateKeyPairSet('hybrid');
  const signers = signersOf(set);
  const role = { keys: publicKeysOf(set), threshold: 1 };
  const expires = new Date(Date.now() + 86_400_000);
  const targets: Record<string, TargetFile> = {};
  for (let i = 0; i < TARGETS; i++)
    targets[`patch-${i}/1.0.0/bundle.tar`] = {
      length: 1000 + i,
      hashes: { sha256: i.toString(16).padStart(64, '0') },
    };
  const files = new Map<string, Uint8Array>();
  const root = serializeEnvelope(
    signEnvelope(
      buildRoot(1, expires, { root: role, targets: role, snapshot: role, timestamp: role }),
      signers,
    ),
  );
  files.set(
    '1.targets.json',
    serializeEnvelope(signEnvelope(buildTargets(1, expires, targets), signers)),
  );
  const snapshot = serializeEnvelope(signEnvelope(buildSnapshot(1, expires, 1), signers));
  files.set('1.snapshot.json', snapshot);
  files.set(
    'timestamp.json',
    serializeEnvelope(signEnvelope(buildTimestamp(1, expires, 1, snapshot), signers)),
  );
  const trusted = new Map<string, Uint8Array>([['root', root]]);
  const updater = new Updater({
    now: () => new Date(),
    repository: {
      fetchMetadata: (file) => Promise.resolve(files.get(file) ?? null),
      fetchTarget: () => Promise.reject(new Error('unused')),
    },
    store: {
      load: (r) => Promise.resolve(trusted.get(r) ?? null),
      save: (r, b) => Promise.resolve(void trusted.set(r, b)),
      remove: (r) => Promise.resolve(void trusted.delete(r)),
    },
  });
  const start = performance.now();
  await updater.refresh();
  return performance.now() - start;
}

export const verifyBenchmark: Benchmark = {
  name: 'verify',
  summary:
    'signature verifications per second (Ed25519, ML-DSA-65, hybrid) and a 1,000-target refresh',
  async run(context: BenchContext): Promise<BenchReport> {
    const set = generateKeyPairSet('hybrid');
    const [ed, pq] = [
      signersOf(set).filter((s) => s.key.keytype === 'ed25519'),
      signersOf(set).filter((s) => s.key.keytype !== 'ed25519'),
    ];
    context.progress('verify: Ed25519, ML-DSA-65 and hybrid, 2 s each');
    const ed25519PerSecond = verifyRate(ed);
    const mlDsaPerSecond = verifyRate(pq);
    const hybridPerSecond = verifyRate([...ed, ...pq]);
    context.progress(`verify: refreshing a repository of ${TARGETS} targets`);
    const refresh = await refreshMs();
    return {
      figures: {
        ed25519PerSecond,
        mlDsa65PerSecond: mlDsaPerSecond,
        hybridPerSecond,
        hybridVsEd25519Ratio: Number((ed25519PerSecond / hybridPerSecond).toFixed(2)),
        refresh1000TargetsMs: Math.round(refresh),
      },
      targets: [],
      notes: [
        'Hybrid = one Ed25519 and one ML-DSA-65 verification, as a Patchcast agent does per role.',
        'Refresh = root, timestamp, snapshot and targets verified from memory (no network).',
      ],
      sections: [],
      complete: true,
    };
  },
};
