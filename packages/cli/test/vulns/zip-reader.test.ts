/** The strict ZIP reader: a zip written by Python's zipfile, ZIP64, and hostile archives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PatchcastError } from '@patchcast/core';
import { DEFAULT_ZIP_LIMITS, zipEntries } from '../../src/vulns/zip-reader.js';
import { writeZip } from './zip-writer.js';
import { fixture } from './paths.js';

function refuses(bytes: Buffer, message: RegExp, limits = DEFAULT_ZIP_LIMITS): void {
  assert.throws(
    () => zipEntries(bytes, 'a.zip', limits).forEach((e) => e.read()),
    (e: unknown) =>
      e instanceof PatchcastError && e.code === 'ARCHIVE_INVALID' && message.test(e.message),
    String(message),
  );
}

test("an archive written by Python's zipfile (stored, deflated, folders) reads back", () => {
  const entries = zipEntries(readFileSync(fixture('python-zipfile.zip')), 'python-zipfile.zip');
  assert.deepEqual(
    entries.map((e) => e.name),
    [
      'GHSA-aaaa-bbbb-cccc.json',
      'nested/GHSA-dddd-eeee-ffff.json',
      'nested/bad.json',
      'README.txt',
      'dir/',
    ],
  );
  const first: unknown = JSON.parse(entries[0]?.read().toString('utf8') ?? '');
  assert.equal((first as { id: string }).id, 'GHSA-aaaa-bbbb-cccc');
  assert.equal(entries[3]?.read().toString('utf8'), 'not an advisory');
});

test('stored and deflated entries round-trip, with and without ZIP64 end records', () => {
  for (const zip64 of [false, true]) {
    const bytes = writeZip(
      [
        { name: 'a.json', data: '{"a":1}' },
        { name: 'b/c.json', data: 'x'.repeat(10_000), method: 0 },
      ],
      { zip64 },
    );
    const entries = zipEntries(bytes, 'a.zip');
    assert.deepEqual(
      entries.map((e) => [e.name, e.size]),
      [
        ['a.json', 7],
        ['b/c.json', 10_000],
      ],
    );
    assert.equal(entries[1]?.read().toString(), 'x'.repeat(10_000));
  }
});

test('hostile archives are refused with the reason', () => {
  const good = writeZip([{ name: 'a.json', data: '{}' }]);
  refuses(Buffer.from('PK nothing here'), /no end of central directory record/);
  refuses(good.subarray(0, good.length - 30), /no end of central directory record/);
  refuses(Buffer.concat([good, Buffer.from('trailing')]), /no end of central directory record/);
  refuses(writeZip([{ name: 'a.json', data: '{}', crc: 1234 }]), /entry a\.json: CRC-32 mismatch/);
  refuses(writeZip([{ name: 'a.json', data: '{}', flags: 1 }]), /entry a\.json is encrypted/);
  refuses(writeZip([{ name: 'a.json', data: '{}', method: 12 }]), /compression method 12/);
  const limits = { ...DEFAULT_ZIP_LIMITS, entries: 1, entryBytes: 100 };
  refuses(
    writeZip([
      { name: 'a', data: '1' },
      { name: 'b', data: '2' },
    ]),
    /more than 1 entries/,
    limits,
  );
  refuses(writeZip([{ name: 'big', data: 'x'.repeat(101) }]), /larger than 100 bytes/, limits);
  refuses(
    writeZip([
      { name: 'a', data: '1' },
      { name: 'b', data: '2' },
    ]),
    /more than 1 bytes uncompressed/,
    { ...DEFAULT_ZIP_LIMITS, totalBytes: 1 },
  );
});

test('a corrupted directory or data is refused, not misread', () => {
  const bytes = writeZip([{ name: 'a.json', data: 'hello hello hello' }]);
  const badOffset = Buffer.from(bytes);
  badOffset.writeUInt32LE(0x7fffffff, badOffset.length - 6);
  refuses(badOffset, /runs past the end of the file/);
  const badData = Buffer.from(bytes);
  badData[31 + 'a.json'.length] = 0xff;
  refuses(
    badData,
    /a\.json: (deflate data is corrupt|CRC-32 mismatch|\d+ bytes, the directory says)/,
  );
  const badLocal = Buffer.from(bytes);
  badLocal.writeUInt32LE(0, 0);
  refuses(badLocal, /no local header of a\.json signature/);
});
