/** os-release(5) parsing: quoting, defaults, release identification. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseOsRelease, unquote } from '../../src/inventory/os-release.js';
import { readOsRelease } from '../../src/inventory/readers.js';
import { fixture } from './paths.js';

const read = (name: string) => parseOsRelease(readFileSync(fixture(name), 'utf8'));

test('Debian 12: ID, VERSION_ID, codename and pretty name', () => {
  assert.deepEqual(read('os-release-debian12'), {
    id: 'debian',
    versionId: '12',
    versionCodename: 'bookworm',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
  });
});

test('Debian testing has no VERSION_ID; single quotes are literal', () => {
  const os = read('os-release-sid');
  assert.equal(os.versionId, undefined);
  assert.equal(os.prettyName, 'Debian GNU/Linux trixie/sid');
});

test('Ubuntu: ID_LIKE is a list; escaped quotes are unescaped', () => {
  const os = read('os-release-ubuntu');
  assert.deepEqual(os.idLike, ['debian']);
  assert.equal(os.prettyName, 'Ubuntu 22.04.4 LTS "Jammy"');
});

test('ID defaults to linux; unquote handles every form', () => {
  assert.equal(parseOsRelease('NAME=Thing\n').id, 'linux');
  assert.equal(unquote('"a\\$b\\\\c"'), 'a$b\\c');
  assert.equal(unquote("'a\\b'"), 'a\\b');
  assert.equal(unquote('plain'), 'plain');
});

test('the reader takes the first existing file, and null when none exists', async () => {
  assert.equal(
    (await readOsRelease(['/nonexistent/os-release', fixture('os-release-ubuntu')]))?.id,
    'ubuntu',
  );
  assert.equal(await readOsRelease(['/nonexistent/a', '/nonexistent/b']), null);
});
