import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchcastError, utf8 } from '@patchcast/core';
import { buildBundle, readBundle } from '../../src/bundle/index.js';
import type { BundleInput } from '../../src/bundle/index.js';

const exe = { path: 'patchcast-agent', mode: 0o755, content: utf8('#!/bin/sh\n') };
const update: BundleInput = {
  name: 'patchcast-agent',
  version: '0.2.0',
  files: [exe],
  installer: { kind: 'agent' },
};

const refused = (pattern: RegExp) => (error: unknown) =>
  error instanceof PatchcastError &&
  error.code === 'BUNDLE_MALFORMED' &&
  pattern.test(error.message);

/** Built without the builder's checks being the only line: the reader refuses it too. */
function read(input: BundleInput) {
  return readBundle(buildBundle(input));
}

test('an agent update: the reserved name, installer kind agent, one executable', () => {
  const parsed = read(update);
  assert.deepEqual(parsed.manifest.installer, { kind: 'agent' });
  assert.equal(parsed.manifest.files[0]?.path, 'patchcast-agent');
});

test('the name patchcast-agent is reserved for agent updates, and kind agent for that name', () => {
  assert.throws(() => read({ ...update, installer: undefined }), refused(/is reserved/));
  assert.throws(() => read({ ...update, installer: { kind: 'files' } }), refused(/is reserved/));
  assert.throws(() => read({ ...update, name: 'my-agent' }), refused(/only for the patch named/));
});

test('an agent update holds exactly one executable file and no health command or probes', () => {
  const other = { path: 'other', mode: 0o644, content: utf8('x') };
  assert.throws(() => read({ ...update, files: [exe, other] }), refused(/exactly one file/));
  assert.throws(
    () => read({ ...update, files: [{ ...exe, path: 'bin/patchcast-agent' }] }),
    refused(/exactly one file/),
  );
  assert.throws(() => read({ ...update, files: [{ ...exe, mode: 0o644 }] }), refused(/executable/));
  const health = { command: ['true'], timeoutMs: 5000 };
  assert.throws(() => read({ ...update, health }), refused(/no health or probes/));
});
