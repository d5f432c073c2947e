/** The Installer port: one per bundle `installer.kind`, each transactional and crash-safe. */
import type { InstallerKind, ParsedBundle } from '@patchcast/protocol';
import type { InstallOutcome, InstallPhase, RecoveryResult } from '../install/types.js';

/** Resolved real paths; the caller holds the state folder's install lock. */
export interface InstallContext {
  readonly root: string;
  readonly stateDir: string;
  /** The state folder as a root-relative path, when it lies inside the root. */
  readonly stateInRoot?: string | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly onPhase?: ((phase: InstallPhase) => void) | undefined;
}

export interface Installer {
  readonly kind: InstallerKind;
  /**
   * Installs the bundle and runs its health checks. Returns `installed`, or `rolled-back` with
   * the system exactly as before; throws only when it refused before changing anything, or when
   * a rollback could not finish (its journal is then kept for `recover`).
   */
  install(bundle: ParsedBundle, context: InstallContext): Promise<InstallOutcome>;
  /** Finishes (committed) or undoes (anything else) what a crash left behind. Idempotent. */
  recover(context: InstallContext): Promise<RecoveryResult>;
}
