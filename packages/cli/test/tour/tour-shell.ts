/**
 * One bash session, as a user's terminal: commands run one after another in the same shell, so
 * `cd`, `export`, variables and background jobs (`&`, `$!`, `jobs`) carry over. Each command's
 * stdout and stderr go to a file; the shell reports its exit status on its own stdout.
 *
 * The session is its own process group, so `close()` ends it and every process it started.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CommandResult {
  readonly code: number;
  readonly output: string;
}

const MARK = '__patchcast_tour_rc__';

export class TourShell {
  readonly #bash: ChildProcess;
  readonly #outputs: string;
  #stdout = '';
  #count = 0;
  #exited = false;

  constructor(cwd: string, env: NodeJS.ProcessEnv, outputs: string) {
    this.#outputs = outputs;
    this.#bash = spawn('bash', ['--noprofile', '--norc'], {
      cwd,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#bash.stdout?.on('data', (d: Buffer) => (this.#stdout += d.toString()));
    this.#bash.on('exit', () => (this.#exited = true));
    // A failure anywhere in a pipeline fails the command (`X=$(patchcast ... | awk ...)`).
    this.#bash.stdin?.write('set -o pipefail\n');
  }

  /** Runs one command to completion; rejects if the shell ends or `limitMs` passes first. */
  async run(command: string, limitMs: number): Promise<CommandResult> {
    const n = ++this.#count;
    const file = join(this.#outputs, `${n}.out`);
    this.#bash.stdin?.write(
      `{ ${command}\n} < /dev/null > '${file}' 2>&1; echo "${MARK} ${n} $?"\n`,
    );
    const code = await this.#statusOf(n, limitMs);
    return { code, output: await readFile(file, 'utf8').catch(() => '') };
  }

  async #statusOf(n: number, limitMs: number): Promise<number> {
    const pattern = new RegExp(`^${MARK} ${n} (\\d+)$`, 'm');
    const deadline = Date.now() + limitMs;
    for (;;) {
      const match = pattern.exec(this.#stdout);
      if (match !== null) return Number(match[1]);
      if (this.#exited) throw new Error('the shell ended');
      if (Date.now() > deadline) throw new Error(`no exit status after ${limitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Ends the shell and every process it started (its process group). */
  async close(): Promise<void> {
    const pid = this.#bash.pid;
    if (pid === undefined) return;
    const exited = new Promise((resolve) => {
      if (this.#exited) resolve(undefined);
      else this.#bash.once('exit', resolve);
    });
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
    await exited;
  }
}
