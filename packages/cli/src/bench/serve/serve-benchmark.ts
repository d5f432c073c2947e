/**
 * `patchcast bench serve`: 50 concurrent clients download a 10 MiB patch from the server's
 * /tuf/targets/ URL, and, in the same run, the same bytes at the same path from a throwaway nginx.
 */
import { copyFile, chmod, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BenchContext, BenchReport, Benchmark, Figure, TargetCheck } from '../benchmark.js';
import { publishPatch, sizedBundle } from '../patch-fixture.js';
import { startServerProcess } from '../server-process.js';
import type { ServerProcess } from '../server-process.js';
import { figure, ratio, round } from '../stats.js';
import { runLoad } from './http-load.js';
import type { LoadResult } from './http-load.js';
import { findNginx, startNginx } from './nginx.js';
import { PhaseProfiler } from '../profile/phase-profiler.js';
import { profileSections } from '../profile/profile-report.js';

const CLIENTS = 50;
const ARTIFACT_BYTES = 10 * 1024 * 1024;
const DEFAULT_SECONDS = 10;
const MAX_REQUESTS = 1_000_000;
const WARM_UP_MS = 2000;
const MIN_NGINX_RATIO = 0.9;
const PATCH = { name: 'bench-serve', version: '1.0.0' };

export const serveBenchmark: Benchmark = {
  name: 'serve',
  summary: `${CLIENTS} clients downloading a 10 MiB artifact from /tuf/targets/, vs nginx`,
  run: runServe,
};

interface Published {
  readonly path: string;
  readonly sha256: string;
  readonly length: number;
}

async function runServe(context: BenchContext): Promise<BenchReport> {
  const { profile, durationSeconds } = context.options;
  const server = await startServerProcess({
    dataDir: join(context.tmpDir, 'server'),
    inspect: profile,
  });
  const profiler = await PhaseProfiler.attach(server.inspectorUrl).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  try {
    const published = await publishArtifact(server);
    const durationMs = (durationSeconds ?? DEFAULT_SECONDS) * 1000;
    const load: Load = (base, p) => warmThenMeasure(`${base}${published.path}`, durationMs, p);
    const ours = await load(server.url, profiler);
    context.progress(`server: ${ours.mibPerSecond.toFixed(0)} MiB/s`);
    const nginx = await againstNginx(context, server, published, load);
    const report = serveReport(ours, nginx, published.length, durationMs);
    return { ...report, sections: await profileSections(context, 'serve', profiler.profiles) };
  } finally {
    profiler.close();
    await server.stop();
  }
}

type Load = (base: string, profiler?: PhaseProfiler) => Promise<LoadResult>;

/** A warm-up round (for measurements of 5 s or more), then the measured round, profiled if asked. */
async function warmThenMeasure(
  url: string,
  durationMs: number,
  profiler?: PhaseProfiler,
): Promise<LoadResult> {
  const base = { url, clients: CLIENTS, maxRequests: MAX_REQUESTS };
  if (durationMs >= 5000) await runLoad({ ...base, durationMs: WARM_UP_MS });
  await profiler?.begin();
  const result = await runLoad({ ...base, durationMs });
  await profiler?.end('serve');
  return result;
}

async function publishArtifact(server: ServerProcess): Promise<Published> {
  const result = await publishPatch(server, PATCH, sizedBundle(PATCH, ARTIFACT_BYTES));
  const path = `/tuf/targets/${PATCH.name}/${PATCH.version}/${result.sha256}.bundle.tar`;
  return { path, sha256: result.sha256, length: result.length };
}

async function againstNginx(
  context: BenchContext,
  server: ServerProcess,
  published: Published,
  load: Load,
): Promise<LoadResult | string> {
  const binary = await findNginx();
  if (binary === undefined) return 'nginx is not installed: the comparison was skipped';
  const prefix = join(context.tmpDir, 'nginx');
  await chmod(context.tmpDir, 0o711);
  const root = join(prefix, 'www');
  await placeArtifact(
    join(server.dataDir, 'artifacts', 'sha256', published.sha256),
    join(root, published.path),
  );
  const nginx = await startNginx(binary, root, prefix);
  try {
    const result = await load(nginx.url);
    context.progress(`nginx: ${result.mibPerSecond.toFixed(0)} MiB/s`);
    return result;
  } finally {
    await nginx.stop();
  }
}

async function placeArtifact(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true, mode: 0o755 });
  await copyFile(from, to);
  await chmod(to, 0o644);
}

function serveReport(
  ours: LoadResult,
  nginx: LoadResult | string,
  length: number,
  durationMs: number,
): BenchReport {
  const nginxMiBs = typeof nginx === 'string' ? null : round(nginx.mibPerSecond, 1);
  return {
    figures: {
      throughputMiBs: round(ours.mibPerSecond, 1),
      nginxMiBs,
      vsNginx: nginxMiBs === null ? null : ratio(ours.mibPerSecond, nginxMiBs),
      clients: CLIENTS,
      artifactBytes: length,
      durationSeconds: durationMs / 1000,
      ...loadFigures('', ours),
      ...loadFigures('nginx', typeof nginx === 'string' ? undefined : nginx),
    },
    targets: [serveTarget(ours, nginxMiBs)],
    notes: serveNotes(nginx),
    sections: [],
    complete: ours.bytes > 0 && ours.errors === 0,
  };
}

function loadFigures(prefix: string, load: LoadResult | undefined): Record<string, Figure> {
  const key = (name: string) =>
    prefix === '' ? name : `${prefix}${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;
  return {
    [key('requests')]: load?.requests ?? null,
    [key('errors')]: load?.errors ?? null,
    [key('requestP50Ms')]: load === undefined ? null : figure(load.latency.p50),
    [key('requestP99Ms')]: load === undefined ? null : figure(load.latency.p99),
  };
}

function serveTarget(ours: LoadResult, nginxMiBs: number | null): TargetCheck {
  const r = nginxMiBs === null ? null : ratio(ours.mibPerSecond, nginxMiBs);
  return {
    target: `serving at least ${MIN_NGINX_RATIO}x of nginx`,
    measured:
      r === null ? 'nginx absent' : `${r}x (${round(ours.mibPerSecond, 0)} vs ${nginxMiBs} MiB/s)`,
    met: r === null ? undefined : r >= MIN_NGINX_RATIO,
  };
}

function serveNotes(nginx: LoadResult | string): string[] {
  const notes = [
    'Throughput counts bytes received within the window (downloads in flight at its end are cut off); a 2 s warm-up precedes each measured round of 5 s or more; clients check status and content-length and discard the bytes (no hashing).',
    'nginx: one worker process (the Patchcast server is one process), sendfile on, access log off, same file at the same path.',
  ];
  return typeof nginx === 'string' ? [...notes, nginx] : notes;
}
