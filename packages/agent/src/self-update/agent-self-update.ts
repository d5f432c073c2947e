/** The agent's side of self-updates at start: crash recovery, and the trial mode of a new version. */
import { randomUUID } from 'node:crypto';
import type { Report } from '@patchcast/protocol';
import { writeFileAtomic } from '../files.js';
import type { AgentState } from '../state.js';
import { AGENT_VERSION } from '../inventory.js';
import { recoverSelf } from './self-installer.js';
import type { SelfUpdateConfig } from './self-installer.js';

/**
 * Undoes a self-update a crash left on trial: the previous executable is back in place and the
 * rollout's result (rolled back) is queued for the server. True when the agent must restart to
 * run the executable now on disk.
 */
export async function recoverSelfUpdate(
  config: SelfUpdateConfig | undefined,
  dataDir: string,
  state: AgentState,
  log: (line: string) => void,
): Promise<boolean> {
  if (config === undefined) return false;
  const journal = await recoverSelf(config.exePath, dataDir);
  if (journal === undefined) return false;
  const message = `the agent stopped while ${journal.patch.version} was on trial; the previous agent was restored`;
  log(`self-update: ${message}`);
  const report: Report = {
    type: 'report',
    reportId: randomUUID(),
    rolloutId: journal.rolloutId,
    patch: journal.patch,
    state: 'rolled-back',
    error: { code: 'SELF_UPDATE_UNHEALTHY', message },
    timings: {},
  };
  await state.recordResult(report);
  return true;
}

/** In trial mode: tells the agent that started this version that it connected (and as what). */
export async function reportTrialHealthy(okFile: string, deviceId: string): Promise<void> {
  await writeFileAtomic(okFile, `${JSON.stringify({ version: AGENT_VERSION, deviceId })}\n`);
}
