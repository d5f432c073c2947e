export { startAgent } from './agent.js';
export type { AgentConfig, RunningAgent } from './agent.js';
export { AGENT_VERSION } from './inventory.js';
export { collectPackageInventory } from './inventory/index.js';
export type { CollectOptions, CollectedInventory } from './inventory/index.js';
export { applyBundleFile, recoverTransactions } from './install/index.js';
export type { ApplyFileResult, InstallOutcome, RecoveryResult } from './install/index.js';
export { downloadToFile } from './download.js';
export type { DownloadOptions, DownloadResult } from './download.js';
