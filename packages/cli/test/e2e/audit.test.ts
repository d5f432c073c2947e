import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { cliInProcess, editDatabase, publishFile, publishSource, rollOut } from './log-helpers.js';

interface AuditJson {
  ok: boolean;
  checked: { entries: number; tiles: number; checkpoints: number; records: number | null };
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
    await h.startAgent('alpha');
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

  /** Audits a copy of the stopped server's data folder after `tamper` changed its database. */
  async function audit(tamper: (db: Database.Database) => void) {
    copies += 1;
    const copy = join(h.dir, `copy-${copies}`);
    await cp(dataDir, copy, { recursive: true });
    editDatabase(copy, tamper);
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
});
