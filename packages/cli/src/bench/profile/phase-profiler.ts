/** CPU profiles of a server process per benchmark phase; does nothing when the server has no inspector. */
import { CpuProfiler } from './cpu-profiler.js';
import type { CpuProfile } from './cpu-profile.js';

export class PhaseProfiler {
  readonly profiles = new Map<string, CpuProfile>();
  readonly #profiler: CpuProfiler | undefined;

  private constructor(profiler: CpuProfiler | undefined) {
    this.#profiler = profiler;
  }

  static async attach(inspectorUrl: string | undefined): Promise<PhaseProfiler> {
    return new PhaseProfiler(
      inspectorUrl === undefined ? undefined : await CpuProfiler.attach(inspectorUrl),
    );
  }

  async begin(): Promise<void> {
    await this.#profiler?.start();
  }

  async end(phase: string): Promise<void> {
    if (this.#profiler !== undefined) this.profiles.set(phase, await this.#profiler.stop());
  }

  close(): void {
    this.#profiler?.close();
  }
}
