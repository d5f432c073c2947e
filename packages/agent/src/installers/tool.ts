/** Runs a package manager's command line with a small environment; failures are INSTALL_FAILED. */
import { PatchcastError } from '@patchcast/core/base';
import { runCommand } from '../install/run-command.js';

const TOOL_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const TOOL_TIMEOUT_MS = 10 * 60 * 1000;

export interface ToolRun {
  readonly exitCode: number | null;
  readonly output: string;
}

export async function runTool(
  argv: readonly string[],
  options: { readonly cwd: string; readonly env?: Readonly<Record<string, string>> },
): Promise<ToolRun> {
  const result = await runCommand(argv, {
    cwd: options.cwd,
    env: { PATH: `${process.env.PATH ?? ''}:${TOOL_PATH}`, LC_ALL: 'C', ...options.env },
    timeoutMs: TOOL_TIMEOUT_MS,
  });
  if (result.spawnError !== undefined) {
    throw new PatchcastError(
      'INSTALL_FAILED',
      `cannot run ${argv[0] ?? ''}: ${result.spawnError}`,
      {
        hint: `install ${argv[0] ?? 'the package manager'} or use a bundle for another installer`,
      },
    );
  }
  if (result.timedOut) {
    throw new PatchcastError('INSTALL_FAILED', `${argv.join(' ')} timed out`);
  }
  return { exitCode: result.exitCode, output: result.output };
}

/** As runTool, and exit status 0 is required. */
export async function runToolOk(
  argv: readonly string[],
  options: { readonly cwd: string; readonly env?: Readonly<Record<string, string>> },
): Promise<string> {
  const result = await runTool(argv, options);
  if (result.exitCode !== 0) {
    const last = result.output.trimEnd().split('\n').slice(-3).join(' | ');
    throw new PatchcastError(
      'INSTALL_FAILED',
      `${argv.slice(0, 2).join(' ')} exited with status ${result.exitCode ?? 'unknown'}: ${last}`,
    );
  }
  return result.output;
}
