/**
 * Test harness: real `patchcast` processes (server, agents, CLI commands) on loopback, in a
 * temporary folder that is removed afterwards. Nothing of ours is mocked. Setup a test does not
 * examine (publishing, enrollment tokens, waiting for a rollout) runs the same CLI commands inside
 * the test process (`here`): a CLI process costs about a second of CPU to start.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/patchcast.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Proc {
  readonly child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export class Harness {
  readonly dir: string;
  readonly #procs: Proc[] = [];
  server = '';
  token = '';

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async create(): Promise<Harness> {
    return new Harness(await mkdtemp(join(tmpdir(), 'patchcast-test-')));
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, PATCHCAST_SERVER: this.server, PATCHCAST_TOKEN: this.token, ...extra };
  }

  /** Runs one CLI command to completion. */
  cli(
    args: readonly string[],
    options: { env?: Record<string, string>; cwd?: string } = {},
  ): Promise<CliResult> {
    return runToEnd(process.execPath, [BIN, ...args], {
      env: this.env(options.env),
      cwd: options.cwd ?? this.dir,
    });
  }

  async cliJson<T>(args: readonly string[]): Promise<T> {
    return jsonOf<T>(args, await this.cli([...args, '--json']));
  }

  /**
   * Runs one CLI command inside this process: the same code as `cli` without starting a process,
   * for setup a test does not examine. Paths in `args` must be absolute.
   */
  async here(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
    const { main } = await import('../src/main.js');
    let stdout = '';
    let stderr = '';
    const io = {
      out: (text: string) => void (stdout += text),
      err: (text: string) => void (stderr += text),
      env: this.env(env),
      isTty: false,
    };
    const code = await main(args, io);
    return { code, stdout, stderr };
  }

  async hereJson<T>(args: readonly string[]): Promise<T> {
    return jsonOf<T>(args, await this.here([...args, '--json']));
  }

  /** Starts a long-running `patchcast ...` process; `ready` is matched against its stderr. */
  start(
    args: readonly string[],
    ready: RegExp,
    timeoutMs = 20_000,
    env: Record<string, string> = {},
  ): Promise<{ proc: Proc; match: RegExpMatchArray }> {
    return this.startProgram(process.execPath, [BIN, ...args], ready, this.env(env), timeoutMs);
  }

  /** Starts any long-running program (e.g. a packaged agent) with exactly `env`; as `start`. */
  startProgram(
    file: string,
    args: readonly string[],
    ready: RegExp,
    env: NodeJS.ProcessEnv,
    timeoutMs = 20_000,
  ): Promise<{ proc: Proc; match: RegExpMatchArray }> {
    const child = spawn(file, args, { env, cwd: this.dir });
    let output = '';
    const proc: Proc = {
      child,
      output: () => output,
      stop: (signal = 'SIGTERM') => stopChild(child, signal),
    };
    this.#procs.push(proc);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${String(ready)}; output:\n${output}`)),
        timeoutMs,
      );
      const onData = (d: Buffer) => {
        output += d.toString();
        const match = output.match(ready);
        if (match !== null) {
          clearTimeout(timer);
          resolve({ proc, match });
        }
      };
      child.stderr?.on('data', onData);
      child.stdout?.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`process exited (${code}) before ready; output:\n${output}`));
      });
    });
  }

  async startServer(
    dataDir = join(this.dir, 'server'),
    extra: readonly string[] = [],
  ): Promise<Proc> {
    const { proc, match } = await this.start(
      ['server', '--data', dataDir, '--listen', '127.0.0.1:0', ...extra],
      /listening on (http:\/\/[^\s]+)/,
    );
    this.server = match[1] ?? '';
    this.token = (await readFile(join(dataDir, 'initial-admin-token'), 'utf8')).trim();
    return proc;
  }

  /** A new enrollment token (`enroll-token create`, run in this process: setup). */
  async enrollToken(): Promise<string> {
    return (await this.hereJson<{ token: string }>(['enroll-token', 'create'])).token;
  }

  agentDirs(name: string): { data: string; root: string } {
    return {
      data: join(this.dir, 'agents', name, 'data'),
      root: join(this.dir, 'agents', name, 'root'),
    };
  }

  /** Starts an agent process (enrolling it when it has no identity yet) and waits until it is connected. */
  async startAgent(
    name: string,
    labels: readonly string[] = [],
    extra: readonly string[] = [],
  ): Promise<Proc> {
    const dirs = this.agentDirs(name);
    const enroll = await readFile(join(dirs.data, 'identity.json')).then(
      () => [],
      async () => ['--enroll', await this.enrollToken()],
    );
    const labelArgs = labels.flatMap((l) => ['--label', l]);
    const args = [
      'agent',
      '--server',
      this.server,
      '--data',
      dirs.data,
      '--root',
      dirs.root,
      '--name',
      name,
      ...enroll,
      ...labelArgs,
      ...extra,
    ];
    return (await this.start(args, /connected to /)).proc;
  }

  /**
   * Publishes a patch source with the development server's targets key (`patchcast publish`, run
   * in this process: setup; a test of publishing itself runs `cli`).
   */
  publish<T = { sha256: string; alreadyPublished: boolean }>(
    source: string,
    name: string,
    version: string,
  ): Promise<T> {
    if (!isAbsolute(source)) throw new Error(`publish: ${source} is not an absolute path`);
    return this.hereJson<T>([
      'publish',
      source,
      '--name',
      name,
      '--version',
      version,
      '--key',
      join(this.dir, 'server/keys/targets.key'),
    ]);
  }

  /** Polls a rollout (`rollout status`, in this process) until it leaves in-progress. */
  async settled<T extends { state: string }>(id: string): Promise<T> {
    return eventually(async () => {
      const rollout = await this.hereJson<T>(['rollout', 'status', id]);
      return rollout.state === 'in-progress' ? undefined : rollout;
    }, `rollout ${id} to finish`);
  }

  async close(): Promise<void> {
    await Promise.all(this.#procs.map((p) => p.stop('SIGKILL')));
    await rm(this.dir, { recursive: true, force: true });
  }
}

function jsonOf<T>(args: readonly string[], result: CliResult): T {
  if (result.code !== 0)
    throw new Error(`patchcast ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

/** Runs a program to completion and collects its output. */
export function runToEnd(
  file: string,
  args: readonly string[],
  options: { readonly env: NodeJS.ProcessEnv; readonly cwd: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Polls `probe` until it returns a value other than undefined. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
