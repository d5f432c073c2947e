/**
 * A partial download survives an agent restart: a real agent, slowed by its bandwidth cap
 * (`--max-download-rate`), is killed with SIGKILL mid-download; the restarted agent (which keeps
 * the cap from its policy.json) keeps the pieces whose bytes match their signed hashes, asks the
 * real server for the other pieces only (`Range: bytes=a-b`, docs/protocol/peers.md §5) and
 * installs the patch. A TCP relay between them records the requests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rollout } from '@patchcast/protocol';
import { Harness, eventually } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { tcpRecorder } from './tcp-recorder.js';

const MiB = 1024 * 1024;

async function partialSize(dir: string): Promise<number | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const part = names.find((name) => name.endsWith('.part'));
  if (part === undefined) return undefined;
  const { size } = await stat(join(dir, part));
  return size >= 256 * 1024 ? size : undefined;
}

test('a download cut by killing the agent resumes with Range after the restart', async () => {
  const h = await Harness.create();
  const big = randomBytes(3 * MiB).toString('base64'); // 4 MiB of text, incompressible
  let relay: Awaited<ReturnType<typeof tcpRecorder>> | undefined;
  try {
    let server = '';
    relay = await tcpRecorder(() => server);
    // Agents dial the relay: the server takes answers signed for it (--public-url).
    await h.startServer(undefined, ['--public-url', relay.url]);
    server = h.server;
    const source = await writePatchSource(join(h.dir, 'src'), { 'opt/big.dat': big });
    const { sha256 } = await h.publish(source, 'big', '1');
    h.server = relay.url;
    const dirs = h.agentDirs('slow');
    const token = await h.enrollToken();
    const args = ['agent', '--server', h.server, '--data', dirs.data, '--root', dirs.root];
    const first = await h.start(
      [...args, '--name', 'slow', '--enroll', token, '--max-download-rate', '1M'],
      /connected to /,
    );
    assert.deepEqual(JSON.parse(await readFile(join(dirs.data, 'policy.json'), 'utf8')), {
      maxDownloadBytesPerSecond: MiB,
    });
    const { id } = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'big@1',
      '--devices',
      'all',
    ]);
    const downloads = join(dirs.data, 'downloads');
    const had = await eventually(() => partialSize(downloads), 'a partial download', 20_000);
    await first.proc.stop('SIGKILL');
    assert.ok(((await partialSize(downloads)) ?? 0) >= had, 'the partial file survives the kill');
    const targets = () => (relay?.requests ?? []).filter((r) => r.path.includes(`/${sha256}.`));
    const before = targets().length;
    const piece = /^bytes=(\d+)-(\d+)$/;
    assert.ok(before > 0 && targets().every((r) => piece.test(r.range ?? '')), 'piece ranges');

    const second = await h.startAgent('slow'); // no flag: the cap comes from policy.json
    const done = await h.settled<Rollout>(id);
    assert.equal(done.state, 'completed');
    assert.equal(await readFile(join(dirs.root, 'opt/big.dat'), 'utf8'), big);
    const resumed = /resuming with (\d+) of (\d+) pieces kept/.exec(second.output());
    assert.ok(resumed !== null, second.output());
    const [kept, count] = [Number(resumed[1]), Number(resumed[2])];
    assert.ok(kept >= 1 && kept < count, `${kept} of ${count}`);
    const after = targets().slice(before);
    assert.equal(after.length, count - kept, 'only the pieces not kept are asked for');
    assert.ok(after.every((r) => piece.test(r.range ?? '')));
    assert.deepEqual(await readdir(downloads), [], 'the download is gone once installed');
  } finally {
    await relay?.close();
    await h.close();
  }
});
