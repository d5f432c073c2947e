/**
 * `npm run package:agent`: the .deb and the .rpm are well-formed, and the agent unpacked from each
 * into a fresh root runs with no Node on its PATH against a real server through a real rollout.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Harness, runToEnd } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import {
  configure,
  packageAgent,
  packageToolsMissing,
  pathWithoutNode,
  unpack,
} from './agent-packages.js';
import type { BuiltPackages } from './agent-packages.js';

const run = promisify(execFile);
const missing = await packageToolsMissing();
if (missing !== undefined) console.log(`# agent packages: ${missing}`);

interface DevicesJson {
  devices: { id: string; name: string; inventory: { agentVersion: string } }[];
}

const PATHS = [
  '/usr/bin/patchcast-agent',
  '/usr/lib/systemd/system/patchcast-agent.service',
  '/etc/patchcast/agent.env',
  '/var/lib/patchcast-agent',
];

describe('agent packages', { skip: missing }, () => {
  let h: Harness;
  let built: BuiltPackages;
  let noNode: string;

  before(async () => {
    h = await Harness.create();
    built = await packageAgent(join(h.dir, 'packages'), '0.1.0');
    noNode = await pathWithoutNode(join(h.dir, 'no-node-bin'));
    await h.startServer();
  });
  after(() => h.close());

  test('the .deb and the .rpm name the agent and hold the executable, unit, config, state folder', async () => {
    const info = (await run('dpkg-deb', ['--info', built.deb])).stdout;
    assert.match(info, /Package: patchcast-agent\n/);
    assert.match(info, /Version: 0\.1\.0\n/);
    const contents = (await run('dpkg-deb', ['--contents', built.deb])).stdout;
    for (const path of PATHS) assert.match(contents, new RegExp(` \\.${path}/?\\n`), path);
    assert.match(contents, /^drwx------ .* \.\/var\/lib\/patchcast-agent\/$/m);
    const conffiles = (await run('dpkg-deb', ['--field', built.deb, 'Package'])).stdout;
    assert.equal(conffiles.trim(), 'patchcast-agent');
    const control = join(h.dir, 'deb-control');
    await run('dpkg-deb', ['-e', built.deb, control]);
    for (const script of ['postinst', 'prerm', 'postrm']) {
      assert.match(info, new RegExp(`\\* +${script} +#!/bin/sh`), script);
      await run('sh', ['-n', join(control, script)]); // parses as a shell script
    }
    const env = { ...process.env, HOME: h.dir, LC_ALL: 'C' };
    const rpmInfo = (await run('rpm', ['-qp', '--info', built.rpm], { env })).stdout;
    assert.match(rpmInfo, /Name\s+: patchcast-agent\n/);
    assert.match(rpmInfo, /Version\s+: 0\.1\.0\n/);
    const list = (await run('rpm', ['-qp', '--list', built.rpm], { env })).stdout.split('\n');
    for (const path of PATHS) assert.ok(list.includes(path), `${path} in ${list.join(' ')}`);
    const config = (await run('rpm', ['-qp', '--configfiles', built.rpm], { env })).stdout;
    assert.equal(config.trim(), '/etc/patchcast/agent.env');
    const scripts = (await run('rpm', ['-qp', '--scripts', built.rpm], { env })).stdout;
    for (const phase of ['postinstall', 'preuninstall', 'postuninstall'])
      assert.match(scripts, new RegExp(`${phase} scriptlet \\(using /bin/sh\\)`), phase);
  });

  test('systemd accepts the unit (systemd-analyze verify)', async (t) => {
    const analyze = await runToEnd('sh', ['-c', 'command -v systemd-analyze'], {
      env: process.env,
      cwd: h.dir,
    });
    if (analyze.code !== 0) return t.skip('systemd-analyze is not installed');
    const root = join(h.dir, 'unit-root');
    await unpack(built.deb, root);
    const unit = join(h.dir, 'patchcast-agent.service'); // ExecStart moved into the unpacked root
    const text = await readFile(
      join(root, 'usr/lib/systemd/system/patchcast-agent.service'),
      'utf8',
    );
    await writeFile(
      unit,
      text.replace('/usr/bin/patchcast-agent ', `${root}/usr/bin/patchcast-agent `),
    );
    const verified = await runToEnd('systemd-analyze', ['verify', '--man=no', unit], {
      env: process.env,
      cwd: h.dir,
    });
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(verified.stderr.trim(), '');
  });

  test('there is no node on the PATH the packaged agents get', async () => {
    const which = await runToEnd('sh', ['-c', 'command -v node'], {
      env: { PATH: noNode },
      cwd: h.dir,
    });
    assert.notEqual(which.code, 0, `node found: ${which.stdout}`);
  });

  for (const [format, enrollFirst] of [
    ['deb', false],
    ['rpm', true],
  ] as const) {
    test(`the agent from the .${format} enrolls and installs a rolled-out patch`, async () => {
      const root = join(h.dir, `${format}-root`);
      await unpack(format === 'deb' ? built.deb : built.rpm, root);
      const exe = join(root, 'usr/bin/patchcast-agent');
      assert.ok(((await stat(exe)).mode & 0o111) !== 0);
      const token = await h.enrollToken();
      const { config, managed } = await configure(root, {
        server: h.server,
        token,
        name: `${format}-host`,
      });
      const env = { PATH: noNode, HOME: root };
      if (enrollFirst) {
        const enrolled = await runToEnd(exe, ['enroll', '--config', config, '--json'], {
          env,
          cwd: root,
        });
        assert.equal(enrolled.code, 0, enrolled.stderr);
        assert.match(enrolled.stdout, /"deviceId"/);
      }
      await h.startProgram(exe, ['run', '--config', config], /connected to /, env);
      const { devices } = await h.hereJson<DevicesJson>(['devices']);
      const device = devices.find((d) => d.name === `${format}-host`);
      assert.equal(device?.inventory.agentVersion, '0.1.0');
      const source = await writePatchSource(join(h.dir, `src-${format}`), {
        'etc/app.conf': `from ${format}\n`,
      });
      await h.publish(source, `app-${format}`, '1.0.0');
      const started = await h.hereJson<{ id: string }>([
        ...['rollout', 'start', `app-${format}@1.0.0`, '--devices', `id=${device?.id ?? ''}`],
      ]);
      const done = await h.settled<{ state: string; counts: { installed: number } }>(started.id);
      assert.equal(done.state, 'completed');
      assert.equal(done.counts.installed, 1);
      assert.equal(await readFile(join(managed, 'etc/app.conf'), 'utf8'), `from ${format}\n`);
    });
  }
});
