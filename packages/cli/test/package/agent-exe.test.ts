/** The `patchcast-agent` dispatcher and its config file, in process (the SEA runs the same code). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { agentExeMain } from '../../src/agent-exe/agent-exe.js';
import { parseConfigText } from '../../src/agent-exe/config-file.js';

async function exe(argv: readonly string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const io = {
    out: (t: string) => void (out += t),
    err: (t: string) => void (err += t),
    env,
    isTty: false,
  };
  const code = await agentExeMain(argv, io);
  return { code, out, err };
}

test('the packaged config file: KEY=VALUE, comments, quotes; unknown keys are refused', () => {
  const text =
    '# comment\n\nPATCHCAST_SERVER="https://a.example"\nPATCHCAST_LABELS=env=prod,tier=web\nPATCHCAST_ENROLL_TOKEN=\n';
  assert.deepEqual(parseConfigText(text, 'agent.env'), {
    PATCHCAST_SERVER: 'https://a.example',
    PATCHCAST_LABELS: 'env=prod,tier=web',
    PATCHCAST_ENROLL_TOKEN: '',
  });
  assert.throws(
    () => parseConfigText('PATCHCAST_SERVR=x\n', 'agent.env'),
    (e) =>
      e instanceof PatchcastError && e.code === 'CONFIG_INVALID' && /agent\.env:1/.test(e.message),
  );
});

test('patchcast-agent: version, help, and usage errors with a code and exit 2', async () => {
  assert.match((await exe(['--version'])).out, /^patchcast-agent \d+\.\d+\.\d+/);
  const help = await exe(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /run +run the agent/);
  assert.match(help.out, /enroll +enroll this host/);
  assert.match((await exe(['run', '--help'])).out, /PATCHCAST_ENROLL_TOKEN/);
  const unknown = await exe(['serve']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /error\[USAGE\]: unknown command "serve"/);
});

test('enroll without a server or token says what to give; a named config file must exist', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-agent-exe-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'agent.env');
  await writeFile(config, `PATCHCAST_DATA=${join(dir, 'data')}\n`);
  const bare = await exe(['enroll', '--config', config, '--json']);
  assert.equal(bare.code, 2);
  assert.match(bare.out, /"code":"USAGE"/);
  assert.match(bare.err, /PATCHCAST_ENROLL_TOKEN/);
  const absent = await exe(['enroll', '--config', join(dir, 'nope.env')]);
  assert.equal(absent.code, 1);
  assert.match(absent.err, /error\[CONFIG_INVALID\]: cannot read .*nope\.env/);
});

test('run without an identity or a token refuses with a hint to enroll', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-agent-exe-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'agent.env');
  await writeFile(
    config,
    `PATCHCAST_DATA=${join(dir, 'data')}\nPATCHCAST_ROOT=${join(dir, 'root')}\n`,
  );
  const result = await exe(['run', '--config', config, '--supervisor', 'off']);
  assert.equal(result.code, 2);
  assert.match(result.err, /not enrolled yet/);
});
