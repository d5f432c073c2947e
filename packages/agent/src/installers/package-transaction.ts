/**
 * The transaction shared by package-manager installers (dpkg, npm): prepare (refuse before any
 * change), journal, apply, health check, commit; any failure rolls back from the journal, and
 * `recover` does the same after a crash. The steps themselves must be idempotent.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import type { InstallerKind, ParsedBundle } from '@patchcast/protocol';
import { writeFileAtomic } from '../files.js';
import { runHealthChecks } from '../health/health-check.js';
import { crashPoint } from '../install/crash-point.js';
import { errnoOf, fsyncPath } from '../install/fs-util.js';
import { outcomeError } from '../install/transaction.js';
import type { InstallOutcome, InstallPhase, RecoveryResult } from '../install/types.js';
import type { InstallContext, Installer } from './installer.js';

export interface PackageSteps<P> {
  readonly kind: Exclude<InstallerKind, 'files'>;
  /** Stages and inspects in `work`; throws, with nothing changed, to refuse. */
  prepare(bundle: ParsedBundle, context: InstallContext, work: string): Promise<P>;
  apply(payload: P, context: InstallContext, work: string): Promise<void>;
  /** Puts back what `apply` changed; safe to run again, and on a partly applied payload. */
  rollBack(payload: P, context: InstallContext, work: string): Promise<void>;
  /** Runs after a successful health check, before the commit point. */
  commit(payload: P, context: InstallContext, work: string): Promise<void>;
  isPayload(value: unknown): value is P;
}

const FORMAT = 'patchcast-package-journal/v1';
type State = 'applying' | 'committed' | 'rolling-back';

interface PackageJournal<P> {
  readonly format: typeof FORMAT;
  readonly root: string;
  readonly patch: { readonly name: string; readonly version: string };
  readonly state: State;
  readonly payload: P;
}

export function packageInstaller<P>(steps: PackageSteps<P>): Installer {
  return {
    kind: steps.kind,
    install: (bundle, context) => install(steps, bundle, context),
    recover: (context) => recover(steps, context),
  };
}

function workDir(steps: PackageSteps<unknown>, context: InstallContext): string {
  return join(context.stateDir, steps.kind);
}

async function install<P>(
  steps: PackageSteps<P>,
  bundle: ParsedBundle,
  context: InstallContext,
): Promise<InstallOutcome> {
  const started = performance.now();
  const work = workDir(steps, context);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true, mode: 0o700 });
  phase(context, 'staging');
  const payload = await steps.prepare(bundle, context, work).catch(async (error: unknown) => {
    await rm(work, { recursive: true, force: true });
    throw error;
  });
  const { name, version } = bundle.manifest;
  const journal = {
    format: FORMAT,
    root: context.root,
    patch: { name, version },
    payload,
  } as const;
  const timings = { stageMs: performance.now() - started, applyMs: 0, healthMs: 0 };
  let healthOutput: string | undefined;
  try {
    await writeJournal(work, { ...journal, state: 'applying' });
    crashPoint(`${steps.kind}-journal`);
    phase(context, 'applying');
    const applyStart = performance.now();
    await steps.apply(payload, context, work);
    timings.applyMs = performance.now() - applyStart;
    crashPoint(`${steps.kind}-applied`);
    phase(context, 'health-check');
    const healthStart = performance.now();
    await runHealthChecks({
      onOutput: (output) => (healthOutput = output),
      root: context.root,
      manifest: bundle.manifest,
      ...env(context),
    });
    timings.healthMs = performance.now() - healthStart;
    phase(context, 'committing');
    await steps.commit(payload, context, work);
    await writeJournal(work, { ...journal, state: 'committed' });
    crashPoint(`${steps.kind}-committed`);
  } catch (error) {
    phase(context, 'rolling-back');
    await rollBack(steps, { ...journal, state: 'rolling-back' }, context, work);
    return outcome('rolled-back', started, timings, healthOutput, error);
  }
  await rm(work, { recursive: true, force: true }).catch(() => undefined);
  return outcome('installed', started, timings, healthOutput);
}

async function rollBack<P>(
  steps: PackageSteps<P>,
  journal: PackageJournal<P>,
  context: InstallContext,
  work: string,
): Promise<void> {
  await writeJournal(work, journal);
  crashPoint(`${steps.kind}-rolling-back`);
  await steps.rollBack(journal.payload, context, work);
  await rm(work, { recursive: true, force: true });
}

async function recover<P>(
  steps: PackageSteps<P>,
  context: InstallContext,
): Promise<RecoveryResult> {
  const work = workDir(steps, context);
  const journal = await readJournal(steps, work);
  if (journal === undefined) {
    await rm(work, { recursive: true, force: true });
    return { recovered: 0, action: 'none' };
  }
  if (journal.root !== context.root) return { recovered: 0, action: 'none' };
  if (journal.state === 'committed') {
    await rm(work, { recursive: true, force: true });
    return { recovered: 1, action: 'committed' };
  }
  await rollBack(steps, { ...journal, state: 'rolling-back' }, context, work);
  return { recovered: 1, action: 'rolled-back' };
}

async function writeJournal(work: string, journal: PackageJournal<unknown>): Promise<void> {
  await writeFileAtomic(join(work, 'journal.json'), `${JSON.stringify(journal, null, 1)}\n`);
  await fsyncPath(work);
}

async function readJournal<P>(
  steps: PackageSteps<P>,
  work: string,
): Promise<PackageJournal<P> | undefined> {
  const path = join(work, 'journal.json');
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    value = undefined;
  }
  if (isJournal(value, steps)) return value;
  throw new PatchcastError('INSTALL_FAILED', `${steps.kind} install journal ${path} is corrupt`, {
    hint: `inspect ${work} by hand; the ${steps.kind} installer cannot tell what to undo`,
  });
}

function isJournal<P>(value: unknown, steps: PackageSteps<P>): value is PackageJournal<P> {
  if (typeof value !== 'object' || value === null) return false;
  const journal = value as Partial<Record<keyof PackageJournal<P>, unknown>>;
  return (
    journal.format === FORMAT &&
    typeof journal.root === 'string' &&
    ['applying', 'committed', 'rolling-back'].includes(journal.state as string) &&
    steps.isPayload(journal.payload)
  );
}

function outcome(
  status: InstallOutcome['status'],
  started: number,
  timings: { stageMs: number; applyMs: number; healthMs: number },
  healthOutput: string | undefined,
  error?: unknown,
): InstallOutcome {
  return {
    status,
    ...(error === undefined ? {} : { error: outcomeError(error) }),
    timings: { ...timings, totalMs: performance.now() - started },
    ...(healthOutput === undefined ? {} : { healthOutput }),
  };
}

function env(context: InstallContext) {
  return context.env === undefined ? {} : { env: context.env };
}

function phase(context: InstallContext, name: InstallPhase): void {
  try {
    context.onPhase?.(name);
  } catch {
    return;
  }
}
