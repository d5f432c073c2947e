import type { ErrorCode } from '@patchcast/core/base';
import type { ParsedBundle } from '@patchcast/protocol';

export interface InstallRequest {
  readonly bundle: ParsedBundle;
  /** The managed root: every bundle path lands under it. */
  readonly root: string;
  /** Where transactions keep stage, backups, journal and lock; bundles may never write into it. */
  readonly stateDir: string;
  /** Extra environment for hooks and the health check. */
  readonly env?: Readonly<Record<string, string>>;
  /** Told each phase as it starts; an exception it throws is ignored. */
  readonly onPhase?: (phase: InstallPhase) => void;
}

export const INSTALL_PHASES = [
  'staging',
  'backing-up',
  'applying',
  'post-install',
  'health-check',
  'committing',
  'rolling-back',
] as const;
export type InstallPhase = (typeof INSTALL_PHASES)[number];

export interface InstallTimings {
  readonly stageMs: number;
  readonly applyMs: number;
  readonly healthMs: number;
  readonly totalMs: number;
}

export interface InstallOutcome {
  readonly status: 'installed' | 'rolled-back';
  readonly error?: { readonly code: ErrorCode; readonly message: string };
  readonly timings: InstallTimings;
  readonly healthOutput?: string;
}

export interface RecoveryResult {
  readonly recovered: number;
  readonly action: 'none' | 'rolled-back' | 'committed';
}
