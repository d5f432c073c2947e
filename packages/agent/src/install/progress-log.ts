import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/**
 * Informational record of which actions ran ("backup 3", "apply 3"). Rollback does not depend
 * on it: it decides from the journal and what is on disk, so a lost line costs nothing.
 */
export class ProgressLog {
  readonly #handle: FileHandle;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  static async open(path: string): Promise<ProgressLog> {
    return new ProgressLog(await open(path, 'a', 0o600));
  }

  async mark(step: 'backup' | 'apply', index: number): Promise<void> {
    await this.#handle.appendFile(`${step} ${index}\n`);
  }

  async flush(): Promise<void> {
    await this.#handle.sync();
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}
