/**
 * `patchcast audit verify` on a repository with a delegated targets role, with real processes: a
 * team publishes under its role, the patches are rolled out to a real agent, and the audit finds
 * the team's publications in the role's metadata, over HTTP (`--server`, as a client finds them
 * through the snapshot) and in the database (`--data`). A delegated publication that the role's
 * metadata in force no longer lists (served or stored rolled back) is still reported.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { editDatabase } from '../e2e/log-helpers.js';
import { TrustFleet } from './fleet.js';
import { keyHolder, ok, serverKey } from './trust-helpers.js';

interface AuditJson {
  ok: boolean;
  checked: { records: number | null };
  problems: { where: string; what: string }[];
}

describe('audit verify with a delegated targets role', () => {
  let fleet: TrustFleet;
  let dataDir: string;

  before(async () => {
    fleet = await TrustFleet.start();
    const { h } = fleet;
    dataDir = join(h.dir, 'server');
    const team = await keyHolder(h, 'team-a');
    await ok(h, [
      'delegate',
      'add',
      'team-a',
      '--key',
      `${team}.pub`,
      '--path',
      'team-a-*/*/bundle.tar',
      '--targets-key',
      serverKey(h, 'targets'),
    ]);
    await fleet.expectInstalled(await fleet.publish('plain-app'));
    await fleet.expectInstalled(await fleet.publish('team-a-first', team, 'team-a'));
    await fleet.expectInstalled(await fleet.publish('team-a-second', team, 'team-a'));
  });
  after(() => fleet.close());

  async function audit(args: readonly string[]): Promise<{ code: number; report: AuditJson }> {
    const result = await fleet.h.cli(['audit', 'verify', ...args, '--json']);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    return { code: result.code, report: JSON.parse(result.stdout) as AuditJson };
  }
  const problems = (report: AuditJson) => report.problems.map((p) => `${p.where}: ${p.what}`);
  const missingSecond =
    /^entry \d+: publishes team-a-second\/1\.0\.0\/bundle\.tar, which targets metadata lacks$/;

  test('--server: the delegated publications are found through the snapshot; the audit passes', async () => {
    const { code, report } = await audit(['--server', fleet.h.server]);
    assert.equal(code, 0, problems(report).join('\n'));
    assert.equal(report.ok, true);
    // 3 targets, 3 rollouts with 1 device each, 1 device
    assert.equal(report.checked.records, 10);
  });

  test('--server: a mirror serving the role metadata rolled back is caught at the publication', async () => {
    const { mirror } = fleet;
    const first = await mirror.fetchReal('/tuf/metadata/1.team-a.json');
    assert.ok(first !== undefined && (await mirror.fetchReal('/tuf/metadata/2.team-a.json')));
    mirror.tamper('/tuf/metadata/2.team-a.json', () => first);
    try {
      const { code, report } = await audit(['--server', mirror.url]);
      assert.equal(code, 1);
      assert.ok(mirror.served.includes('/tuf/metadata/2.team-a.json'), 'the audit read it');
      const found = problems(report);
      assert.equal(found.length, 1, found.join('\n'));
      assert.match(found[0] ?? '', missingSecond);
    } finally {
      mirror.heal();
    }
  });

  test('--data: the delegated role records in the database are read; the audit passes', async () => {
    await fleet.server?.stop('SIGTERM');
    const { code, report } = await audit(['--data', dataDir]);
    assert.equal(code, 0, problems(report).join('\n'));
    const db = new Database(join(dataDir, 'patchcast.db'), { readonly: true });
    const stored = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM metadata').get();
    db.close();
    assert.equal(report.checked.records, 10 + (stored?.n ?? 0), 'and every metadata version');
  });

  test('--data: the role metadata rolled back in the database is caught at the publication', async () => {
    const copy = join(fleet.h.dir, 'server-copy');
    await cp(dataDir, copy, { recursive: true });
    editDatabase(copy, (db) =>
      db.exec(
        "DELETE FROM metadata WHERE role = 'delegated:team-a' AND version = (SELECT MAX(version) FROM metadata WHERE role = 'delegated:team-a')",
      ),
    );
    const { code, report } = await audit(['--data', copy]);
    assert.equal(code, 1);
    const found = problems(report);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0] ?? '', missingSecond);
    assert.match(
      found[1] ?? '',
      /^entry \d+: records metadata delegated:team-a@\d+, which table metadata lacks$/,
    );
  });
});
