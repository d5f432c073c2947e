/** What the agent remembers between runs: installed patches, final results, unacknowledged reports. */
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { guards as g, installedPatchGuard, reportGuard } from '@patchcast/protocol/agent';
import type { Report } from '@patchcast/protocol';
import { readJsonOptional, writeFileAtomic } from './files.js';

export const stateGuard = g.strictObject({
  installed: g.array(installedPatchGuard),
  /** The final report of every rollout this agent finished, by rollout id. */
  results: g.record(g.string(), reportGuard),
  /** Final reports the server has not acknowledged yet. */
  outbox: g.array(reportGuard),
  lastTimestampVersion: g.int({ min: 0 }),
});
export type AgentStateData = g.Infer<typeof stateGuard>;

const EMPTY: AgentStateData = { installed: [], results: {}, outbox: [], lastTimestampVersion: 0 };

/** The state file, rewritten atomically after each change; changes are serialised. */
export class AgentState {
  readonly #path: string;
  #data: AgentStateData = EMPTY;
  #writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'state.json');
  }

  async load(): Promise<void> {
    const hint = {
      hint: 'restore it from a backup of the --data folder; it records what this agent installed',
    };
    const json = await readJsonOptional(this.#path).catch(() => {
      throw new PatchcastError('CONFIG_INVALID', `${this.#path} is not valid JSON`, hint);
    });
    if (json === undefined) return;
    const parsed = stateGuard.safeParse(json);
    if (!parsed.success)
      throw new PatchcastError('CONFIG_INVALID', `${this.#path} is malformed`, hint);
    this.#data = parsed.data;
  }

  get data(): Readonly<AgentStateData> {
    return this.#data;
  }

  async update(change: (data: AgentStateData) => AgentStateData): Promise<void> {
    this.#data = change(this.#data);
    const snapshot = `${JSON.stringify(this.#data, null, 1)}\n`;
    this.#writing = this.#writing.then(() => writeFileAtomic(this.#path, snapshot));
    await this.#writing;
  }

  /** Records `ref` as the installed version of its patch. */
  recordInstalled(ref: { readonly name: string; readonly version: string }): Promise<void> {
    const entry = { name: ref.name, version: ref.version, installedAt: new Date().toISOString() };
    return this.update((d) => ({
      ...d,
      installed: [...d.installed.filter((p) => p.name !== ref.name), entry],
    }));
  }

  /** Records a final result and queues its report until the server acknowledges it. */
  recordResult(report: Report): Promise<void> {
    return this.update((d) => ({
      ...d,
      results: { ...d.results, [report.rolloutId]: report },
      outbox: [...d.outbox.filter((r) => r.reportId !== report.reportId), report],
    }));
  }

  acknowledge(reportId: string): Promise<void> {
    if (!this.#data.outbox.some((r) => r.reportId === reportId)) return Promise.resolve();
    return this.update((d) => ({ ...d, outbox: d.outbox.filter((r) => r.reportId !== reportId) }));
  }
}
