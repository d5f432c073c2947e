/**
 * Offline bundles end to end (issue 21, "Signed offline bundles"): a real server publishes and
 * `patchcast export` writes offline bundles; the server is then stopped and `patchcast apply`
 * must install a good one and refuse every forgery with its security code, leaving the root
 * and the agent's trust exactly as they were. Publishing and exporting are setup here: they run the
 * CLI's commands inside the test process; every `patchcast apply` is a real process.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import type { CliResult } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { envelopeOf, isMlDsaSignature, resign, signersOf, strip } from '../trust/forge.js';
import { canonical, rawTar, sha256 } from './raw-tar.js';
import { forgeBundle, openParts } from './offline-parts.js';
import { snapshot, writeTree } from './tree.js';

const OLD = { 'etc/app.conf': 'old\n' };

describe('patchcast export and apply: only verified patches install offline', () => {
  let h: Harness;
  let n = 0;
  let rootFile = '';
  let otherRoot = '';
  let logKey = '';
  const files: Record<string, string> = {};

  before(async () => {
    h = await Harness.create();
    otherRoot = await serverRoot(await h.startServer(join(h.dir, 'other')), 'other-root.json');
    const server = await h.startServer();
    rootFile = await serverRoot(undefined, 'root.json');
    logKey = (await h.hereJson<{ log: { key: string } }>(['status'])).log.key;
    await (await h.startAgent('offline-device')).stop();
    for (const version of ['1.0.0', '2.0.0', '3.0.0']) {
      await h.publish(await source(version), 'app', version);
      files[version] = join(h.dir, `app-${version}.offline.tar`);
      const out = await h.hereJson<{ logSize: number }>([
        'export',
        `app@${version}`,
        '--out',
        files[version],
      ]);
      assert.ok(out.logSize > 0);
    }
    files.team = await delegatedExport();
    files.withdrawn = await withdrawnExport();
    const unknown = await h.cli(['export', 'app@9.9.9', '--out', join(h.dir, 'unknown.tar')]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error\[NOT_FOUND\]: app@9\.9\.9 is not published/);
    files.viaBundle = join(h.dir, 'via-bundle.offline.tar');
    const built = await h.cli([
      'bundle',
      await source('3.0.0'),
      ...ref('3.0.0'),
      '--server',
      h.server,
      '--out',
      files.viaBundle,
    ]);
    assert.equal(built.code, 0, built.stderr);
    files.conflict = join(h.dir, 'conflict.tar');
    const other = await writePatchSource(join(h.dir, 'src-other'), { 'etc/app.conf': 'other\n' });
    files.conflictResult = JSON.stringify(
      await h.cli([
        'bundle',
        other,
        ...ref('3.0.0'),
        '--server',
        h.server,
        '--out',
        files.conflict,
      ]),
    );
    await server.stop();
  });
  after(() => h.close());

  /** team-app@1.0.0, published by a team key under a delegated role, exported. */
  async function delegatedExport(): Promise<string> {
    const team = join(h.dir, 'team.key');
    await ok(['keys', 'generate', '--out', team]);
    await ok([
      'delegate',
      'add',
      'team-a',
      '--key',
      `${team}.pub`,
      '--path',
      'team-*/*/bundle.tar',
      '--targets-key',
      targetsKey(),
    ]);
    const src = await writePatchSource(join(h.dir, 'src-team'), { 'etc/team.conf': 'team\n' });
    await ok([
      'publish',
      src,
      '--name',
      'team-app',
      '--version',
      '1.0.0',
      '--key',
      team,
      '--role',
      'team-a',
    ]);
    const out = join(h.dir, 'team.offline.tar');
    await ok(['export', 'team-app@1.0.0', '--out', out]);
    return out;
  }

  /** bad@1.0.0, published, withdrawn by its publisher, then exported. */
  async function withdrawnExport(): Promise<string> {
    await h.publish(await source('1.0.0'), 'bad', '1.0.0');
    await ok(['withdraw', 'bad@1.0.0', '--reason', 'breaks the app', '--key', targetsKey()]);
    const out = join(h.dir, 'bad.offline.tar');
    await ok(['export', 'bad@1.0.0', '--out', out]);
    return out;
  }

  /** Runs a setup command inside this process. */
  async function ok(args: readonly string[]): Promise<void> {
    const result = await h.here(args);
    assert.equal(result.code, 0, `patchcast ${args.join(' ')}: ${result.stderr}`);
  }

  const targetsKey = () => join(h.dir, 'server', 'keys', 'targets.key');

  async function serverRoot(proc: { stop(): Promise<unknown> } | undefined, name: string) {
    const response = await fetch(`${h.server}/tuf/metadata/1.root.json`);
    assert.equal(response.status, 200);
    const file = join(h.dir, name);
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    await proc?.stop();
    return file;
  }

  function source(version: string): Promise<string> {
    const content = { 'etc/app.conf': `new ${version}\n`, 'opt/app/run': `run ${version}\n` };
    return writePatchSource(join(h.dir, `src-${version}`), content);
  }

  const ref = (version: string) => ['--name', 'app', '--version', version];

  async function box(): Promise<{ root: string; state: string; dir: string }> {
    const dir = join(h.dir, `case-${++n}`);
    await mkdir(join(dir, 'root'), { recursive: true });
    await writeTree(join(dir, 'root'), OLD);
    return { dir, root: join(dir, 'root'), state: join(dir, 'state') };
  }

  const trusted = () => ['--trusted-root', rootFile, '--log-key', logKey];

  function apply(file: string, b: { root: string; state: string }, trust = trusted()) {
    return h.cli(['apply', file, '--root', b.root, '--state', b.state, ...trust]);
  }

  function expectCode(result: CliResult, code: string, exit = 1): void {
    assert.equal(result.code, exit, `${result.stdout}${result.stderr}`);
    assert.match(result.stderr, new RegExp(`^error\\[${code}\\]: `, 'm'), result.stderr);
  }

  /** Applies a forgery of `from`; it must be refused with `code` and leave the root untouched. */
  async function refuses(
    from: string,
    code: string,
    change: Parameters<typeof forgeBundle>[2],
    trust = trusted(),
  ): Promise<CliResult> {
    const b = await box();
    const before = await snapshot(b.root);
    const forged = await forgeBundle(from, join(b.dir, 'forged.tar'), change);
    const result = await apply(forged, b, trust);
    expectCode(result, code);
    assert.deepEqual(await snapshot(b.root), before);
    return result;
  }

  test('a good export installs with the trusted root and log key; files match', async () => {
    const b = await box();
    const result = await h.cli([
      'apply',
      files['1.0.0'] ?? '',
      '--root',
      b.root,
      '--state',
      b.state,
      ...trusted(),
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { status: string; verified: string };
    assert.deepEqual([report.status, report.verified], ['installed', 'trusted-root']);
    assert.equal(await readFile(join(b.root, 'etc/app.conf'), 'utf8'), 'new 1.0.0\n');
    assert.equal(await readFile(join(b.root, 'opt/app/run'), 'utf8'), 'run 1.0.0\n');
    const log = (await readFile(join(b.state, 'apply.log'), 'utf8')).trim().split('\n');
    assert.deepEqual(
      log.map((line) => (JSON.parse(line) as { patch: string; verified: string }).verified),
      ['trusted-root'],
    );
  });

  test('a patch signed by a delegated role carries that role and installs', async () => {
    const parts = await openParts(files.team ?? '');
    assert.deepEqual([...parts.delegated.keys()], ['team-a']);
    const b = await box();
    const installed = await apply(files.team ?? '', b);
    assert.equal(installed.code, 0, installed.stderr);
    assert.equal(await readFile(join(b.root, 'etc/team.conf'), 'utf8'), 'team\n');
    await refuses(files.team ?? '', 'SECURITY_MIX_AND_MATCH', (forged) => {
      forged.delegated.clear(); // the snapshot names team-a's metadata; the bundle lacks it
    });
  });

  test('`patchcast bundle --server` writes the same verifiable bundle; another folder is a CONFLICT', async () => {
    const b = await box();
    const logPub = join(h.dir, 'server', 'keys', 'log.pub'); // --log-key also takes the key's file
    const installed = await apply(files.viaBundle ?? '', b, [
      '--trusted-root',
      rootFile,
      '--log-key',
      logPub,
    ]);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(
      installed.stdout,
      /^installed app@3\.0\.0 into .* \(verified against trusted-root;/,
    );
    assert.equal(await readFile(join(b.root, 'etc/app.conf'), 'utf8'), 'new 3.0.0\n');
    const conflict = JSON.parse(files.conflictResult ?? '') as CliResult;
    expectCode(conflict, 'CONFLICT');
    assert.match(conflict.stderr, /app@3\.0\.0 on .* is not the bundle this folder builds/);
    await assert.rejects(readFile(files.conflict ?? ''), { code: 'ENOENT' });
  });

  test('the hand-made unsigned tar of the issue is refused, with or without a trusted root', async () => {
    const b = await box();
    const before = await snapshot(b.root);
    const evil = new TextEncoder().encode('owned\n');
    const manifest = {
      format: 'patchcast-bundle/v1',
      name: 'evil',
      version: '1.0.0',
      files: [{ path: 'etc/app.conf', mode: 0o644, sha256: sha256(evil), size: evil.length }],
    };
    const file = join(b.dir, 'evil.tar');
    await writeFile(
      file,
      rawTar([
        { name: 'manifest.json', data: canonical(manifest) },
        { name: `blobs/${sha256(evil)}`, data: evil },
      ]),
    );
    const bare = await h.cli(['apply', file, '--root', b.root, '--state', b.state]);
    expectCode(bare, 'USAGE', 2);
    assert.match(
      bare.stderr,
      /say what to trust: --trusted-root FILE --log-key KEY, or --agent-state DIR/,
    );
    const refused = await apply(file, b);
    expectCode(refused, 'SECURITY_BUNDLE_UNSIGNED');
    assert.match(refused.stderr, /hint: .*patchcast export NAME@VERSION/);
    assert.doesNotMatch(refused.stdout + refused.stderr, /installed/);
    assert.deepEqual(await snapshot(b.root), before);
  });

  test('--unsigned installs a bare bundle loudly and records it in the state folder', async () => {
    const b = await box();
    const bare = join(b.dir, 'bare.tar');
    await ok(['bundle', await source('9.0.0'), ...ref('9.0.0'), '--out', bare]);
    const result = await apply(bare, b, ['--unsigned', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^WARNING: installing app@9\.0\.0 from .* UNSIGNED: /);
    const report = JSON.parse(result.stdout) as {
      unsigned: boolean;
      verified: string;
      warning: string;
    };
    assert.deepEqual([report.unsigned, report.verified], [true, 'unsigned']);
    assert.match(report.warning, /no signature or log proves who made it/);
    const log = JSON.parse(await readFile(join(b.state, 'apply.log'), 'utf8')) as Record<
      string,
      string
    >;
    assert.deepEqual([log.patch, log.verified], ['app@9.0.0', 'UNSIGNED']);
    const mixed = await apply(bare, b, ['--unsigned', ...trusted()]);
    expectCode(mixed, 'USAGE', 2);
  });

  test('a version its publisher withdrew is PATCH_WITHDRAWN offline too', async () => {
    const b = await box();
    const before = await snapshot(b.root);
    const result = await apply(files.withdrawn ?? '', b);
    expectCode(result, 'PATCH_WITHDRAWN');
    assert.match(result.stderr, /breaks the app/);
    assert.deepEqual(await snapshot(b.root), before);
  });

  test('tampered bundle bytes are SECURITY_TARGET_MISMATCH', async () => {
    await refuses(files['1.0.0'] ?? '', 'SECURITY_TARGET_MISMATCH', (parts) => {
      const target = new Uint8Array(parts.target);
      const at = target.length - 1100;
      target[at] = (target[at] ?? 0) ^ 1;
      parts.target = target;
    });
  });

  test('tampered metadata is SECURITY_SIGNATURE_INVALID', async () => {
    await refuses(files['1.0.0'] ?? '', 'SECURITY_SIGNATURE_INVALID', (parts) => {
      const envelope = envelopeOf(Buffer.from(parts.timestamp));
      envelope.signed.expires = '2099-01-01T00:00:00Z'; // a freeze attack needs a later expiry
      parts.timestamp = Buffer.from(JSON.stringify(envelope));
    });
  });

  test('stripped ML-DSA signatures are SECURITY_PQ_SIGNATURE_MISSING', async () => {
    await refuses(files['1.0.0'] ?? '', 'SECURITY_PQ_SIGNATURE_MISSING', (parts) => {
      parts.timestamp = strip(Buffer.from(parts.timestamp), (sig) => !isMlDsaSignature(sig));
    });
  });

  test('a root that does not chain to the trusted root is SECURITY_SIGNATURE_INVALID', async () => {
    const b = await box();
    const before = await snapshot(b.root);
    const result = await apply(files['1.0.0'] ?? '', b, [
      '--trusted-root',
      otherRoot,
      '--log-key',
      logKey,
    ]);
    expectCode(result, 'SECURITY_SIGNATURE_INVALID');
    assert.deepEqual(await snapshot(b.root), before);
  });

  test('an expired timestamp, even validly signed, is SECURITY_EXPIRED', async () => {
    const keys = await signersOf(join(h.dir, 'server', 'keys', 'timestamp.key'));
    await refuses(files['1.0.0'] ?? '', 'SECURITY_EXPIRED', (parts) => {
      parts.timestamp = resign(Buffer.from(parts.timestamp), keys, (signed) => ({
        ...signed,
        expires: '2020-01-01T00:00:00Z',
      }));
    });
  });

  test('a log proof for another patch, or none, is refused', async () => {
    const other = await openParts(files['2.0.0'] ?? '');
    const wrong = await refuses(files['1.0.0'] ?? '', 'SECURITY_PROOF_INVALID', (parts) => {
      parts.publication = other.publication;
    });
    assert.match(wrong.stderr, /app@1\.0\.0 with version 2\.0\.0/);
    const b = await box();
    const parts = await openParts(files['1.0.0'] ?? '');
    const entries = [
      {
        name: 'offline.json',
        data: canonical({ format: 'patchcast-offline/v1', name: 'app', version: '1.0.0' }),
      },
      ...parts.roots.map((data, i) => ({ name: `metadata/${i + 1}.root.json`, data })),
      { name: 'metadata/timestamp.json', data: parts.timestamp },
      { name: `metadata/${parts.snapshot.version}.snapshot.json`, data: parts.snapshot.bytes },
      { name: `metadata/${parts.targets.version}.targets.json`, data: parts.targets.bytes },
      { name: 'target/bundle.tar', data: parts.target },
    ];
    const missing = join(b.dir, 'no-proof.tar');
    await writeFile(missing, rawTar(entries));
    const result = await apply(missing, b);
    expectCode(result, 'SECURITY_OFFLINE_MALFORMED');
    assert.match(result.stderr, /expected member log\/publication\.json, found the end/);
  });

  test('container: path traversal, an oversized member and trailing bytes are refused', async () => {
    const b = await box();
    const before = await snapshot(b.root);
    const index = canonical({ format: 'patchcast-offline/v1', name: 'app', version: '1.0.0' });
    const cases: [string, Uint8Array, RegExp][] = [
      [
        'traversal',
        rawTar([
          { name: 'offline.json', data: index },
          { name: '../etc/passwd', data: index },
        ]),
        /"\.\." segment/,
      ],
      [
        'oversized',
        rawTar([{ name: 'offline.json', data: new Uint8Array(5000).fill(32) }]),
        /offline\.json has 5000 bytes; the limit is 4096/,
      ],
      [
        'trailing',
        Buffer.concat([await readFile(files['1.0.0'] ?? ''), Buffer.alloc(512, 1)]),
        /after its end marker/,
      ],
      [
        'garbage',
        Buffer.from('not a tar archive at all'.repeat(40)),
        /header at byte 0 has a bad checksum/,
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const file = join(b.dir, `${name}.tar`);
      await writeFile(file, bytes);
      const result = await apply(file, b);
      expectCode(result, 'SECURITY_OFFLINE_MALFORMED');
      assert.match(result.stderr, message, name);
    }
    assert.deepEqual(await snapshot(b.root), before);
    assert.deepEqual((await readdir(h.dir)).includes('passwd'), false);
  });

  test("with --agent-state: the agent's trust advances, and an older bundle is SECURITY_ROLLBACK", async () => {
    const agent = h.agentDirs('offline-device');
    const b = await box();
    const withAgent = ['--agent-state', agent.data];
    const tuf = join(agent.data, 'tuf');
    const checkpointFile = join(agent.data, 'log', 'checkpoint');
    const first = await apply(files['1.0.0'] ?? '', b, withAgent);
    assert.equal(first.code, 0, first.stderr);
    const older = await readFile(checkpointFile, 'utf8');
    const lying = await forgeBundle(files['3.0.0'] ?? '', join(b.dir, 'lying.tar'), (parts) => {
      parts.leafHashes = new Uint8Array(parts.leafHashes.length); // a split view of the log
    });
    expectCode(await apply(lying, b, withAgent), 'SECURITY_PROOF_INVALID');
    assert.equal(await readFile(checkpointFile, 'utf8'), older);
    assert.equal(await readFile(join(b.root, 'etc/app.conf'), 'utf8'), 'new 1.0.0\n');
    const second = await apply(files['3.0.0'] ?? '', b, withAgent);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(await readFile(join(b.root, 'etc/app.conf'), 'utf8'), 'new 3.0.0\n');
    assert.notEqual(await readFile(checkpointFile, 'utf8'), older, 'the checkpoint advanced');
    const state = JSON.parse(await readFile(join(agent.data, 'state.json'), 'utf8')) as {
      installed: { name: string; version: string }[];
    };
    assert.deepEqual(
      state.installed.map((p) => `${p.name}@${p.version}`),
      ['app@3.0.0'],
    );
    const checkpoint = await readFile(checkpointFile, 'utf8');
    const trust = await Promise.all(
      ['timestamp', 'snapshot', 'targets'].map((r) => readFile(join(tuf, `${r}.json`))),
    );
    const before = await snapshot(b.root);
    const rollback = await apply(files['2.0.0'] ?? '', b, withAgent);
    expectCode(rollback, 'SECURITY_ROLLBACK');
    assert.deepEqual(await snapshot(b.root), before);
    assert.equal(await readFile(checkpointFile, 'utf8'), checkpoint);
    const after = await Promise.all(
      ['timestamp', 'snapshot', 'targets'].map((r) => readFile(join(tuf, `${r}.json`))),
    );
    assert.deepEqual(after, trust);
  });
});
