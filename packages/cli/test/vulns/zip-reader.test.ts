/** The ZIP reader (yauzl): a zip written by Python's zipfile, ZIP64, and hostile archives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PatchcastError } from '@patchcast/core';
import { DEFAULT_ZIP_LIMITS, zipEntries } from '../../src/vulns/zip-reader.js';
import type { ZipLimits } from '../../src/vulns/zip-reader.js';
import { writeZip } from './zip-writer.js';
import { fixture } from './paths.js';

/** Every entry, read in turn. */
async function readAll(bytes: Buffer, file = 'a.zip', limits?: ZipLimits) {
  const out: { name: string; size: number; data: Buffer }[] = [];
  for await (const e of zipEntries(bytes, file, limits))
    out.push({ name: e.name, size: e.size, data: await e.read() });
  return out;
}

async function refuses(bytes: Buffer, message: RegExp, limits = DEFAULT_ZIP_LIMITS): Promise<void> {
  await assert.rejects(
    readAll(bytes, 'a.zip', limits),
    (e: unknown) =>
      e instanceof PatchcastError && e.code === 'ARCHIVE_INVALID' && message.test(e.message),
    String(message),
  );
}

test("an archive written by Python's zipfile (stored, deflated, folders) reads back", async () => {
  const entries = await readAll(readFileSync(fixture('python-zipfile.zip')), 'python-zipfile.zip');
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
  const first: unknown = JSON.parse(entries[0]?.data.toString('utf8') ?? '');
  assert.equal((first as { id: string }).id, 'GHSA-aaaa-bbbb-cccc');
  assert.equal(entries[3]?.data.toString('utf8'), 'not an advisory');
});

test('stored and deflated entries round-trip, with and without ZIP64 end records', async () => {
  for (const zip64 of [false, true]) {
    const bytes = writeZip(
      [
        { name: 'a.json', data: '{"a":1}' },
        { name: 'b/c.json', data: 'x'.repeat(10_000), method: 0 },
      ],
      { zip64 },
    );
    const entries = await readAll(bytes);
    assert.deepEqual(
      entries.map((e) => [e.name, e.size]),
      [
        ['a.json', 7],
        ['b/c.json', 10_000],
      ],
    );
    assert.equal(entries[1]?.data.toString(), 'x'.repeat(10_000));
  }
});

test('hostile archives are refused with the reason', async () => {
  const good = writeZip([{ name: 'a.json', data: '{}' }]);
  await refuses(
    Buffer.from('PK nothing here'),
    /end of central directory record signature not found/i,
  );
  await refuses(
    good.subarray(0, good.length - 30),
    /end of central directory record signature not found/i,
  );
  await refuses(
    Buffer.concat([good, Buffer.from('trailing')]),
    /extra bytes at the end of the file/,
  );
  await refuses(
    writeZip([{ name: 'a.json', data: '{}', crc: 1234 }]),
    /entry a\.json: CRC-32 mismatch/,
  );
  await refuses(writeZip([{ name: 'a.json', data: '{}', flags: 1 }]), /entry a\.json is encrypted/);
  await refuses(writeZip([{ name: 'a.json', data: '{}', method: 12 }]), /compression method 12/);
  const limits = { ...DEFAULT_ZIP_LIMITS, entries: 1, entryBytes: 100 };
  await refuses(
    writeZip([
      { name: 'a', data: '1' },
      { name: 'b', data: '2' },
    ]),
    /more than 1 entries/,
    limits,
  );
  await refuses(
    writeZip([{ name: 'big', data: 'x'.repeat(101) }]),
    /larger than 100 bytes/,
    limits,
  );
  await refuses(
    writeZip([
      { name: 'a', data: '1' },
      { name: 'b', data: '2' },
    ]),
    /more than 1 bytes uncompressed/,
    { ...DEFAULT_ZIP_LIMITS, totalBytes: 1 },
  );
});

test('a corrupted directory or data is refused, not misread', async () => {
  const bytes = writeZip([{ name: 'a.json', data: 'hello hello hello' }]);
  const badOffset = Buffer.from(bytes);
  badOffset.writeUInt32LE(0x7fffffff, badOffset.length - 6);
  await refuses(badOffset, /unexpected EOF/);
  const badData = Buffer.from(bytes);
  badData[31 + 'a.json'.length] = 0xff;
  await refuses(
    badData,
    /a\.json: (invalid stored block lengths|CRC-32 mismatch|too many bytes in the stream|not enough bytes)/,
  );
  const badLocal = Buffer.from(bytes);
  badLocal.writeUInt32LE(0, 0);
  await refuses(badLocal, /invalid local file header signature/);
});
