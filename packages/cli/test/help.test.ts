import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, main } from '../src/main.js';
import type { Io } from '../src/command.js';

function capture(): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { out: (t) => (out += t), err: (t) => (err += t), env: {}, isTty: false },
    out: () => out,
    err: () => err,
  };
}

test('patchcast --help lists every command', async () => {
  const c = capture();
  assert.equal(await main(['--help'], c.io), 0);
  for (const command of COMMANDS) assert.match(c.out(), new RegExp(`\\n  ${command.name} +\\S`));
});

test('no arguments prints the overview and exits 2', async () => {
  const c = capture();
  assert.equal(await main([], c.io), 2);
  assert.match(c.out(), /usage: patchcast <command>/);
});

for (const command of COMMANDS) {
  test(`patchcast ${command.name} --help explains usage and every flag`, async () => {
    const c = capture();
    assert.equal(await main([command.name, '--help'], c.io), 0);
    assert.match(c.out(), new RegExp(`^usage: patchcast ${command.name}`));
    for (const flag of Object.keys(command.options))
      assert.match(c.out(), new RegExp(`--${flag}\\b`), `--${flag} is documented`);
  });
}

test('--version', async () => {
  const c = capture();
  assert.equal(await main(['--version'], c.io), 0);
  assert.match(c.out(), /^patchcast \d+\.\d+\.\d+\n$/);
});
