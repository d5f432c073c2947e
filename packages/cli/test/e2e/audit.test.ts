import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, cp, readdir, rm } from 'node:fs/promises';
import { encodeLogEntry } from '@patchcast/protocol';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { cliInProcess, editDatabase, publishFile, publishSource, rollOut } from './log-helpers.js';

interface AuditJson {
  ok: boolean;
  checked: {
    entries: number;
    tiles: number;
    checkpoints: number;
    records: number | null;
    pending: number;
  };
  problems: { where: string; what: string }[];
}

describe('patchcast audit verify', () => {
  let h: Harness;
  let dataDir: string;
  let copies = 0;

  before(async () => {
    h = await Harness.create();
    dataDir = join(h.dir, 'server');
    const server = await h.startServer(dataDir);
    await h.startAgent('alpha', ['ring=early']);
    await publishFile(h, 'good', '1');
    const bad = join(h.dir, 'sources', 'bad');
    await writePatchSource(bad, { 'etc/bad': 'x\n' }, { health: { command: 'false' } });
    await publishSource(h, bad, { name: 'bad', version: '1' });
    await rollOut(h, 'good@1');
    await rollOut(h, 'bad@1');
    const live = await cliInProcess(h, ['audit', 'verify', '--json']);
    assert.equal(live.code, 0, live.stdout + live.stderr);
    const report = JSON.parse(live.stdout) as AuditJson;
    assert.ok(report.checked.tiles > 0 && report.checked.records !== null, live.stdout);
    await server.stop('SIGTERM');
  });
  after(() => h.close());

  /**
   * Audits a copy of the stopped server's data folder after `tamper` changed its database (and
   * `files` its other files).
   */
  async function audit(
    tamper: (db: Database.Database) => void,
    files: (copy: string) => Promise<void> = () => Promise.resolve(),
  ) {
    copies += 1;
    const copy = join(h.dir, `copy-${copies}`);
    await cp(dataDir, copy, { recursive: true });
    editDatabase(copy, tamper);
    await files(copy);
    const result = await cliInProcess(h, ['audit', 'verify', '--data', copy, '--json']);
    return { code: result.code, report: JSON.parse(result.stdout) as AuditJson };
  }

  const problems = (report: AuditJson) => report.problems.map((p) => `${p.where}: ${p.what}`);

  test('an untouched data folder verifies, records included', async () => {
    const { code, report } = await audit(() => undefined);
    assert.equal(code, 0, problems(report).join('\n'));
    assert.ok(report.checked.entries > 10 && report.checked.checkpoints > 5);
    assert.ok((report.checked.records ?? 0) >= 6, 'targets, rollouts, results, devices');
  });

  test('an altered database row is caught: the table, the id, and the entry it contradicts', async () => {
    const { code, report } = await audit((db) =>
      db.exec(
        "UPDATE assignments SET state = 'installed', error_code = NULL WHERE state = 'rolled-back'",
      ),
    );
    assert.equal(code, 1);
    assert.match(
      problems(report).join('\n'),
      /^table assignments, id ro_\w+\/dev_\w+: state is installed; log entry \d+ says rolled-back$/m,
    );
  });

  test('a dropped entry is caught at its index', async () => {
    const { code, report } = await audit((db) => db.exec('DELETE FROM log_entries WHERE idx = 5'));
    assert.equal(code, 1);
    assert.equal(problems(report)[0], 'entry 5: missing');
  });

  test('two swapped entries are caught at both indices, and bounded by the checkpoints', async () => {
    const { code, report } = await audit((db) => {
      const row = db.prepare<[number], { leaf: Buffer; subject: string | null }>(
        'SELECT leaf, subject FROM log_entries WHERE idx = ?',
      );
      const [a, b] = [row.get(3), row.get(9)];
      const put = db.prepare('UPDATE log_entries SET leaf = ?, subject = ? WHERE idx = ?');
      put.run(b?.leaf, b?.subject, 3);
      put.run(a?.leaf, a?.subject, 9);
    });
    assert.equal(code, 1);
    const found = problems(report);
    for (const index of [3, 9]) {
      assert.ok(
        found.includes(`entry ${index}: its bytes do not hash to its stored leaf hash (altered)`),
      );
    }
    const bound = found.find((p) => p.startsWith('checkpoint of size')) ?? '';
    const [, from, to] = /one of entries (\d+) to (\d+) was changed/.exec(bound) ?? [];
    assert.ok(Number(from) <= 3 && 3 <= Number(to), bound);
  });

  test('an entry altered in place is caught at its index', async () => {
    const { code, report } = await audit((db) =>
      db.exec(
        "UPDATE log_entries SET leaf = CAST(REPLACE(CAST(leaf AS TEXT), 'good', 'evil') AS BLOB) WHERE subject = 'patch:good@1'",
      ),
    );
    assert.equal(code, 1);
    assert.match(
      problems(report).join('\n'),
      /^entry \d+: its bytes do not hash to its stored leaf hash/m,
    );
  });

  test('each stored record that differs from its entry is caught, naming the record and the entry', async () => {
    const cases: [string, (db: Database.Database) => void, RegExp][] = [
      [
        'timestamp metadata re-signed in place',
        (db) =>
          db.exec(
            "UPDATE metadata SET bytes = CAST(REPLACE(CAST(bytes AS TEXT), '\"_type\"', '\"_type\" ') AS BLOB) WHERE role = 'timestamp' AND version = (SELECT MAX(version) FROM metadata WHERE role = 'timestamp')",
          ),
        /^table metadata, timestamp version \d+: has sha256 [0-9a-f]{64}; log entry \d+ says [0-9a-f]{64}/m,
      ],
      [
        'a metadata version removed',
        (db) => db.exec("DELETE FROM metadata WHERE role = 'snapshot' AND version = 1"),
        /^entry \d+: records metadata snapshot@1, which table metadata lacks$/m,
      ],
      [
        'a device renamed',
        (db) => db.exec("UPDATE devices SET name = 'mallory'"),
        /^table devices, id dev_\w+: name is "mallory"; log entry \d+ says "alpha"$/m,
      ],
      [
        'labels changed',
        (db) => db.exec(`UPDATE devices SET labels = '{"ring":"canary"}'`),
        /^table devices, id dev_\w+: labels are \{"ring":"canary"\}; log entry \d+ says \{"ring":"early"\}$/m,
      ],
      [
        'a completion time moved',
        (db) => db.exec("UPDATE rollouts SET completed_at = '2000-01-01T00:00:00.000Z'"),
        /^table rollouts, id ro_\w+: completed_at is "2000-01-01T00:00:00.000Z"; log entry \d+ says "20\d\d-/m,
      ],
      [
        'an error message rewritten',
        (db) =>
          db.exec("UPDATE assignments SET error_message = 'all fine' WHERE error_code IS NOT NULL"),
        /^table assignments, id ro_\w+\/dev_\w+: error message is "all fine"; log entry \d+ says "/m,
      ],
    ];
    for (const [name, tamper, expected] of cases) {
      const { code, report } = await audit(tamper);
      assert.equal(code, 1, name);
      assert.match(problems(report).join('\n'), expected, name);
    }
  });

  test('an artifact changed or lost on disk is caught against the signed hash and length', async () => {
    const artifact = (copy: string) => join(copy, 'artifacts', 'sha256');
    const changed = await audit(
      () => undefined,
      async (copy) => {
        const [first] = await readdir(artifact(copy));
        await appendFile(join(artifact(copy), first ?? ''), 'more');
      },
    );
    assert.equal(changed.code, 1);
    assert.match(
      problems(changed.report).join('\n'),
      /^targets metadata, target \S+: its artifact on disk is \d+ bytes with sha256 [0-9a-f]{64}; signed metadata says \d+ bytes/m,
    );
    const lost = await audit(
      () => undefined,
      (copy) => rm(artifact(copy), { recursive: true }),
    );
    assert.match(problems(lost.report).join('\n'), /its artifact sha256\/[0-9a-f]{64} is missing/);
  });

  test('entries written with their records but not yet sequenced count as logged (a stopped server)', async () => {
    const key = 'ab'.repeat(32);
    const enrolled = encodeLogEntry({
      type: 'device-enrolled',
      at: '2026-12-07T00:00:00.000Z',
      deviceId: 'dev_pending',
      publicKey: key,
      name: 'alpha',
      labels: { ring: 'early' },
    });
    const addDevice = (db: Database.Database) =>
      db.exec(
        `CREATE TEMP TABLE one AS SELECT * FROM devices LIMIT 1;
         UPDATE one SET id = 'dev_pending', public_key = '${key}';
         INSERT INTO devices SELECT * FROM one;`,
      );
    const logged = await audit((db) => {
      addDevice(db);
      db.prepare('INSERT INTO log_pending (subject, entry) VALUES (NULL, ?)').run(enrolled);
    });
    assert.equal(logged.code, 0, problems(logged.report).join('\n'));
    assert.equal(logged.report.checked.pending, 1);
    const unlogged = await audit(addDevice);
    assert.deepEqual(problems(unlogged.report), [
      'table devices, id dev_pending: has no device-enrolled entry in the log',
    ]);
  });
});
