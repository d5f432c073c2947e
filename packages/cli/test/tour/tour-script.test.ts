import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tourCommands } from './tour-script.js';

const SAMPLE = [
  'Some text.',
  '```sh',
  'npx patchcast not-in-the-tour',
  '```',
  '```sh tour',
  '# 1. A comment line',
  '',
  'npx patchcast status                 # → root v1',
  'npx patchcast agent --data host1 \\',
  '    --name host1 &',
  'npx patchcast rollout start x@1 --devices all   # exits 1 → error[PATCH_WITHDRAWN]',
  "echo '#not a comment' > f",
  '```',
].join('\n');

test('tour commands: only `sh tour` blocks, continuations joined, expectations from comments', () => {
  assert.deepEqual(tourCommands(SAMPLE), [
    {
      line: 8,
      text: 'npx patchcast status                 # → root v1',
      exit: 0,
      expect: 'root v1',
    },
    {
      line: 9,
      text: 'npx patchcast agent --data host1 \\\n    --name host1 &',
      exit: 0,
      expect: undefined,
    },
    {
      line: 11,
      text: 'npx patchcast rollout start x@1 --devices all   # exits 1 → error[PATCH_WITHDRAWN]',
      exit: 1,
      expect: 'error[PATCH_WITHDRAWN]',
    },
    { line: 12, text: "echo '#not a comment' > f", exit: 0, expect: undefined },
  ]);
});

test('an unclosed tour block or an unfinished continuation is an error', () => {
  assert.throws(() => tourCommands('```sh tour\nls\n'), /not closed/);
  assert.throws(() => tourCommands('```sh tour\nls \\\n```\n'), /unfinished command/);
});
