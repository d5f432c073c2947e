/**
 * `patchcast bench delta`: binary deltas on real consecutive releases (delta-corpus.ts). Each
 * release is unpacked and built into a Patchcast bundle, as a publisher would; the delta is made
 * as `patchcast publish` makes it (zstd --patch-from) and applied as agents apply it (zstd in
 * WebAssembly), and the rebuilt bundle is checked byte for byte. ratio = delta bytes / the new
 * bundle compressed with gzip -9 (what a compressed full download costs). Targets (issue 15):
 * median ratio <= 0.10, p90 <= 0.25.
 */
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { sha256Hex } from '@patchcast/core';
import { applyDelta, buildBundle } from '@patchcast/protocol';
import type { BenchContext, BenchReport, Benchmark } from '../benchmark.js';
import { percentile, round } from '../stats.js';
import { readPatchSource } from '../../bundle/index.js';
import { zstdPatchFrom } from '../../delta/zstd-cli.js';
import { benchDataDir, corpusPairs, fetchRelease, unpackRelease } from './delta-corpus.js';
import type { Pair, Release } from './delta-corpus.js';

interface Measured {
  readonly label: string;
  readonly bundleBytes: number;
  readonly gzipBytes: number;
  readonly deltaBytes: number;
  readonly ratio: number;
  readonly makeMs: number;
  readonly applyMs: number;
}

export const deltaBenchmark: Benchmark = {
  name: 'delta',
  summary:
    'binary deltas on 20+ real release pairs: delta / gzip -9 of the full bundle, apply time',
  async run(context: BenchContext): Promise<BenchReport> {
    const notes: string[] = [`downloads cached in ${benchDataDir()}`];
    const deadline = Date.now() + context.options.timeoutSeconds * 1000;
    const pairs = await corpusPairs(notes);
    const measured: Measured[] = [];
    let complete = true;
    for (const [i, pair] of pairs.entries()) {
      if (Date.now() > deadline) {
        complete = false;
        notes.push(`out of time after ${measured.length} pairs (--timeout)`);
        break;
      }
      context.progress(`delta: ${i + 1}/${pairs.length} ${pair.label}`);
      try {
        measured.push(await measurePair(context, pair, i));
      } catch (error) {
        notes.push(`${pair.label}: skipped: ${(error as Error).message.slice(0, 200)}`);
      }
    }
    return report(measured, notes, complete);
  },
};

async function measurePair(context: BenchContext, pair: Pair, index: number): Promise<Measured> {
  const base = await releaseBundle(context, pair.base, `${index}-base`);
  const next = await releaseBundle(context, pair.next, `${index}-next`);
  let start = performance.now();
  const delta = await zstdPatchFrom(base, next);
  const makeMs = performance.now() - start;
  if (delta === undefined) throw new Error('no zstd program (apt-get install zstd)');
  await applyDelta('zstd-patch-from/v1', base, delta, next.length); // loads the decoder once
  start = performance.now();
  const rebuilt = await applyDelta('zstd-patch-from/v1', base, delta, next.length);
  const applyMs = performance.now() - start;
  if (sha256Hex(rebuilt) !== sha256Hex(next))
    throw new Error('the delta did not rebuild the bundle');
  const gzipBytes = gzipSync(next, { level: 9 }).length;
  return {
    label: pair.label,
    bundleBytes: next.length,
    gzipBytes,
    deltaBytes: delta.length,
    ratio: delta.length / gzipBytes,
    makeMs,
    applyMs,
  };
}

async function releaseBundle(context: BenchContext, release: Release, tag: string) {
  const file = await fetchRelease(release);
  const dir = join(context.tmpDir, tag);
  await unpackRelease(release, file, join(dir, 'files'));
  const name = release.spec.replace(/^@/, '').replace('/', '-');
  return buildBundle(await readPatchSource(dir, name, release.version));
}

function report(measured: readonly Measured[], notes: string[], complete: boolean): BenchReport {
  const ratios = measured.map((m) => m.ratio).sort((a, b) => a - b);
  const applies = measured.map((m) => m.applyMs).sort((a, b) => a - b);
  const medianRatio = ratios.length === 0 ? null : round(percentile(ratios, 50), 4);
  const p90Ratio = ratios.length === 0 ? null : round(percentile(ratios, 90), 4);
  const figures = {
    pairs: measured.length,
    medianRatio,
    p90Ratio,
    applyMsP50: applies.length === 0 ? null : round(percentile(applies, 50), 1),
  };
  if (measured.length < 20) notes.push(`only ${measured.length} pairs measured (20 wanted)`);
  const check = (value: number | null, line: number) =>
    value === null ? undefined : value <= line && measured.length >= 20;
  return {
    figures,
    targets: [
      {
        target: 'median ratio <= 0.10',
        measured: String(medianRatio),
        met: check(medianRatio, 0.1),
      },
      { target: 'p90 ratio <= 0.25', measured: String(p90Ratio), met: check(p90Ratio, 0.25) },
    ],
    notes,
    sections: [{ title: 'Pairs', lines: pairLines(measured) }],
    complete,
  };
}

function pairLines(measured: readonly Measured[]): string[] {
  return [
    '| pair | bundle bytes | gzip -9 bytes | delta bytes | ratio | make ms | apply ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...measured.map(
      (m) =>
        `| ${m.label} | ${m.bundleBytes} | ${m.gzipBytes} | ${m.deltaBytes} | ${round(m.ratio, 4)} | ${Math.round(m.makeMs)} | ${round(m.applyMs, 1)} |`,
    ),
  ];
}
