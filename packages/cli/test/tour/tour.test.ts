/**
 * The README's tour, run exactly as written (tour-script.ts says how it is read): in a temporary
 * folder laid out like a clone after `npm install` (examples/, node_modules/.bin/patchcast), in
 * one bash session, against real server, witness and agent processes on loopback. Only the listen
 * addresses differ from a user's terminal: free ports, which the tour reads from PATCHCAST_LISTEN
 * and WITNESS_LISTEN.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from '../harness.js';
import { tourCommands } from './tour-script.js';
import type { TourCommand } from './tour-script.js';
import { TourShell } from './tour-shell.js';
import type { CommandResult } from './tour-shell.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const README = await readFile(join(ROOT, 'README.md'), 'utf8');
const COMMAND_LIMIT_MS = 60_000;

let dir: string;
let shell: TourShell | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchcast-tour-'));
});
after(async () => {
  await shell?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

test('the README has a tour, and each of its commands is complete shell', () => {
  const commands = tourCommands(README);
  assert.ok(commands.length >= 30, `only ${commands.length} tour commands found`);
  for (const c of commands) {
    const check = spawnSync('bash', ['-n', '-c', c.text], { encoding: 'utf8' });
    assert.equal(check.status, 0, `README.md:${c.line}: ${c.text}\n${check.stderr}`);
  }
});

test('npm install links the patchcast command the tour puts on PATH', async () => {
  const linked = await realpath(join(ROOT, 'node_modules/.bin/patchcast'));
  assert.equal(linked, await realpath(join(ROOT, 'packages/cli/bin/patchcast.js')));
  assert.equal(await realpath(BIN), linked);
});

test('the README tour runs as written', { timeout: 400_000 }, async () => {
  const clone = join(dir, 'clone');
  await makeClone(clone);
  const outputs = join(dir, 'outputs');
  await mkdir(outputs);
  shell = new TourShell(clone, await tourEnv(), outputs);
  for (const command of tourCommands(README)) {
    let result: CommandResult;
    try {
      result = await shell.run(command.text, COMMAND_LIMIT_MS);
    } catch (error) {
      assert.fail(await report(command, (error as Error).message, '', clone));
    }
    if (result.code !== command.exit)
      assert.fail(await report(command, `exit status ${result.code}`, result.output, clone));
    if (
      /^error\[/m.test(result.output) &&
      !/^error\[[A-Z_]+\]: .+\n {2}hint: \S/m.test(result.output)
    )
      assert.fail(await report(command, 'an error line without a hint', result.output, clone));
    if (command.expect !== undefined && !result.output.includes(command.expect))
      assert.fail(
        await report(command, `no "${command.expect}" in its output`, result.output, clone),
      );
  }
});

/** The clone as the tour sees it: examples/, and the command `npm install` links (this build). */
async function makeClone(clone: string): Promise<void> {
  await mkdir(join(clone, 'node_modules/.bin'), { recursive: true });
  await symlink(join(ROOT, 'examples'), join(clone, 'examples'));
  const bin = join(clone, 'node_modules/.bin/patchcast');
  await writeFile(bin, `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  await chmod(bin, 0o755);
}

/** The environment of a fresh terminal: no Patchcast settings, free ports. */
async function tourEnv(): Promise<NodeJS.ProcessEnv> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('PATCHCAST_')),
  );
  return {
    ...env,
    PATCHCAST_LISTEN: `127.0.0.1:${await freePort()}`,
    WITNESS_LISTEN: `127.0.0.1:${await freePort()}`,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** What failed, with the command's output and the end of every log the tour wrote. */
async function report(
  command: TourCommand,
  what: string,
  output: string,
  clone: string,
): Promise<string> {
  const tour = join(clone, 'tour');
  const logs = (await readdir(tour).catch(() => [])).filter((f) => f.endsWith('.log'));
  const tails = await Promise.all(
    logs.map(async (f) => {
      const text = await readFile(join(tour, f), 'utf8');
      return `--- tour/${f} (end)\n${text.split('\n').slice(-15).join('\n')}`;
    }),
  );
  return [
    `README.md:${command.line}: ${what} (expected exit ${command.exit})`,
    `$ ${command.text}`,
    output,
    ...tails,
  ].join('\n');
}
