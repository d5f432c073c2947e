/**
 * Self-update (ADR 0036): an agent run from the .deb takes over a new version of itself published
 * as the reserved patch `patchcast-agent`, and rolls a broken one back by itself.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness, eventually, runToEnd } from '../harness.js';
import type { Proc } from '../harness.js';
import {
  configure,
  packageAgent,
  packageToolsMissing,
  pathWithoutNode,
  unpack,
} from './agent-packages.js';

const missing = await packageToolsMissing();
if (missing !== undefined) console.log(`# agent self-update: ${missing}`);

interface DeviceJson {
  id: string;
  name: string;
  online: boolean;
  inventory: { agentVersion: string; installed: { name: string; version: string }[] };
}
interface RolloutJson {
  state: string;
  devices: { id: string; state: string; error: { code: string; message: string } | null }[];
}

describe('agent self-update', { skip: missing }, () => {
  let h: Harness;
  let exe = '';
  let root = '';
  let deviceId = '';
  let agent: Proc | undefined;
  let v2 = '';
  let env: NodeJS.ProcessEnv = {};

  const device = async () => {
    const { devices } = await h.hereJson<{ devices: DeviceJson[] }>(['devices']);
    return devices.find((d) => d.id === deviceId);
  };
  const exeVersion = async () =>
    (await runToEnd(exe, ['--version'], { env, cwd: root })).stdout.trim();
  /** Publishes `file` as patchcast-agent@version (installer kind "agent") and rolls it out. */
  const rollOut = async (version: string, file: string) => {
    const source = join(h.dir, `agent-src-${version}`);
    await mkdir(join(source, 'files'), { recursive: true });
    await copyFile(file, join(source, 'files/patchcast-agent'));
    await chmod(join(source, 'files/patchcast-agent'), 0o755);
    await writeFile(
      join(source, 'patchcast.json'),
      JSON.stringify({ installer: { kind: 'agent' } }),
    );
    await h.publish(source, 'patchcast-agent', version);
    const ref = `patchcast-agent@${version}`;
    const started = await h.hereJson<{ id: string }>([
      ...['rollout', 'start', ref, '--devices', `id=${deviceId}`],
    ]);
    return h.settled<RolloutJson>(started.id);
  };

  before(async () => {
    h = await Harness.create();
    const [built, next] = await Promise.all([
      packageAgent(join(h.dir, 'packages-1'), '0.1.0'),
      packageAgent(join(h.dir, 'packages-2'), '0.2.0', true),
    ]);
    v2 = next.exe;
    await h.startServer();
    root = join(h.dir, 'deb-root');
    await unpack(built.deb, root);
    exe = join(root, 'usr/bin/patchcast-agent');
    const { config } = await configure(root, {
      server: h.server,
      token: await h.enrollToken(),
      name: 'self-updating',
    });
    env = { PATH: await pathWithoutNode(join(h.dir, 'no-node-bin')), HOME: root };
    // not under systemd: the executable runs its own supervisor, which restarts it on exit 75
    const started = await h.startProgram(exe, ['run', '--config', config], /connected to /, env);
    agent = started.proc;
    const { devices } = await h.hereJson<{ devices: DeviceJson[] }>(['devices']);
    deviceId = devices.find((d) => d.name === 'self-updating')?.id ?? '';
    assert.equal((await device())?.inventory.agentVersion, '0.1.0');
  });
  after(async () => {
    if (process.env.DEBUG_AGENT) console.log(agent?.output());
    await agent?.stop('SIGTERM'); // the supervisor passes it on to the agent
    await h.close();
  });

  test('a new agent version published as patchcast-agent takes over', async () => {
    const rollout = await rollOut('0.2.0', v2);
    assert.equal(rollout.state, 'completed', JSON.stringify(rollout));
    assert.equal(rollout.devices[0]?.state, 'installed');
    const updated = await eventually(async () => {
      const d = await device();
      return d?.online === true && d.inventory.agentVersion === '0.2.0' ? d : undefined;
    }, 'the device to report agent 0.2.0');
    assert.deepEqual(
      updated.inventory.installed.map((p) => `${p.name}@${p.version}`),
      ['patchcast-agent@0.2.0'],
    );
    assert.equal(await exeVersion(), 'patchcast-agent 0.2.0');
    assert.deepEqual(await readdir(join(root, 'usr/bin')), ['patchcast-agent']);
  });

  test('a broken new version (it exits at start) is rolled back by the agent itself', async () => {
    const broken = join(h.dir, 'broken-agent');
    await writeFile(broken, '#!/bin/sh\necho "broken build: cannot start" >&2\nexit 3\n');
    const rollout = await rollOut('0.3.0', broken);
    const row = rollout.devices[0];
    assert.equal(row?.state, 'rolled-back', JSON.stringify(rollout));
    assert.equal(row.error?.code, 'SELF_UPDATE_UNHEALTHY');
    assert.match(row.error.message, /exited \(3\): broken build: cannot start/);
    const back = await eventually(async () => {
      const d = await device();
      return d?.online === true ? d : undefined;
    }, 'the restored agent to reconnect');
    assert.equal(back.inventory.agentVersion, '0.2.0');
    assert.equal(await exeVersion(), 'patchcast-agent 0.2.0');
    assert.deepEqual(await readdir(join(root, 'usr/bin')), ['patchcast-agent']);
  });
});
