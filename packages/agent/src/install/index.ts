export { installBundle } from './transaction.js';
export { recoverTransactions } from './recover.js';
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
export type { ApplyFileRequest, ApplyFileResult } from './apply-file.js';
