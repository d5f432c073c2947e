/**
 * installBundle and recoverTransactions serve every installer kind (files, dpkg, npm): they are
 * installPatch and recoverInstalls of ../installers/, under the names the agent has always used.
 */
export {
  installPatch as installBundle,
  recoverInstalls as recoverTransactions,
} from '../installers/install-patch.js';
export { INSTALL_PHASES } from './types.js';
export type {
  InstallOutcome,
  InstallPhase,
  InstallRequest,
  InstallTimings,
  RecoveryResult,
} from './types.js';
export { runCommand } from './run-command.js';
export type { RunOptions, RunResult } from './run-command.js';
export { applyBundleFile, readBundleFile } from './apply-file.js';
export type { ApplyFileRequest, ApplyFileResult, ApplyTrust } from './apply-file.js';
