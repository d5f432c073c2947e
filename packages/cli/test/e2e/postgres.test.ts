/**
 * End to end on PostgreSQL: a real `patchcast server --db postgres://...` process with its
 * artifacts in a separate folder, a real agent that installs a patch, and the start-up errors a
 * user sees for a database that cannot be used. The database comes from PATCHCAST_TEST_PG; the
 * PostgreSQL part is skipped visibly when that is unset or unreachable.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { freshDatabase } from '../pg-database.js';
import pg from 'pg';

test('patchcast server --db with an unreachable database exits with DB_UNAVAILABLE, password hidden', async () => {
  const h = await Harness.create();
  try {
    const url = 'postgres://patchcast:hunter2-secret@127.0.0.1:1/patchcast';
    const result = await h.cli(['server', '--data', join(h.dir, 'server'), '--db', url]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error\[DB_UNAVAILABLE\]/);
    assert.match(result.stderr, /patchcast:\*\*\*@127\.0\.0\.1:1/);
    assert.doesNotMatch(result.stderr + result.stdout, /hunter2-secret/);
  } finally {
    await h.close();
  }
});

test('patchcast server --db that is not a postgres:// URL is a usage error', async () => {
  const h = await Harness.create();
  try {
    const result = await h.cli(['server', '--db', 'mysql://root:pw@127.0.0.1/x']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /error\[USAGE\]: --db must be a postgres:\/\/ URL/);
    assert.doesNotMatch(result.stderr, /root:pw/);
  } finally {
    await h.close();
  }
});

const database = await freshDatabase();

describe(
  'a server on PostgreSQL',
  { skip: typeof database === 'string' ? database : false },
  () => {
    test('a real agent installs a patch published to a server that keeps its state in PostgreSQL', async () => {
      if (typeof database === 'string') return;
      const h = await Harness.create();
      try {
        const dataDir = join(h.dir, 'server');
        const artifacts = join(h.dir, 'shared-artifacts');
        const serverArgs = [
          'server',
          '--data',
          dataDir,
          '--db',
          database.url,
          '--artifacts',
          artifacts,
        ];
        const first = await h.start(
          [...serverArgs, '--listen', '127.0.0.1:0'],
          /listening on (http:\/\/\S+)/,
        );
        assert.match(first.proc.output(), /storage: postgres/);
        h.server = first.match[1] ?? '';
        h.token = (await readFile(join(dataDir, 'initial-admin-token'), 'utf8')).trim();

        await h.startAgent('pg-agent');
        const source = await writePatchSource(join(h.dir, 'src'), { 'etc/on-postgres': 'yes\n' });
        const published = await h.publish(source, 'on-postgres', '1');
        assert.deepEqual(await readdir(join(artifacts, 'sha256')), [published.sha256]);
        const started = await h.cliJson<{ id: string }>([
          'rollout',
          'start',
          'on-postgres@1',
          '--devices',
          'all',
        ]);
        const done = await h.cliJson<{ state: string }>([
          'rollout',
          'status',
          started.id,
          '--watch',
        ]);
        assert.equal(done.state, 'completed');
        assert.equal(
          await readFile(join(h.agentDirs('pg-agent').root, 'etc/on-postgres'), 'utf8'),
          'yes\n',
        );

        assert.equal(await first.proc.stop('SIGTERM'), 0);
        const port = new URL(h.server).port;
        const again = await h.start(
          [...serverArgs, '--listen', `127.0.0.1:${port}`],
          /listening on /,
        );
        assert.doesNotMatch(again.proc.output(), /Initial admin token/, 'made once per database');
        const status = await h.cliJson<{ state: string; devices: { state: string }[] }>([
          'rollout',
          'status',
          started.id,
        ]);
        assert.equal(status.state, 'completed', 'the rollout and its reports are in PostgreSQL');
        assert.deepEqual(
          status.devices.map((d) => d.state),
          ['installed'],
        );

        // the audit reads the stopped server's PostgreSQL database and artifacts, read-only
        assert.equal(await again.proc.stop('SIGTERM'), 0);
        const audit = (...more: string[]) =>
          h.cli(['audit', 'verify', '--data', dataDir, '--db', database.url, ...more, '--json']);
        const clean = await audit('--artifacts', artifacts);
        assert.equal(clean.code, 0, clean.stdout + clean.stderr);
        const report = JSON.parse(clean.stdout) as { checked: { records: number } };
        assert.ok(report.checked.records >= 8, 'metadata, target, rollout, result, device');
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        await client.query("UPDATE devices SET name = 'mallory'");
        await client.end();
        const tampered = await audit();
        assert.equal(tampered.code, 1);
        const found = (
          JSON.parse(tampered.stdout) as { problems: { where: string; what: string }[] }
        ).problems
          .map((p) => `${p.where}: ${p.what}`)
          .join('\n');
        assert.match(
          found,
          /^table devices, id dev_\w+: name is "mallory"; log entry \d+ says "pg-agent"$/m,
        );
        assert.match(found, /its artifact sha256\/[0-9a-f]{64} is missing/, 'not in DIR/artifacts');
      } finally {
        await h.close();
        await database.drop();
      }
    });
  },
);
