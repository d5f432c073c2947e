/**
 * Endless data: no download may exceed its limit, whether the mirror enforces the limit while
 * reading (the RepositoryOps contract) or the updater has to catch it afterwards.
 */
import { test } from 'node:test';
import { LIMITS } from '../../../src/index.js';
import {
  TestRepo,
  downloadRefused,
  newClient,
  refreshRefused,
  refreshedClient,
} from '../fixtures.js';

const ENFORCING = [true, false] as const;
const mirrorKind = (enforce: boolean): string => (enforce ? 'limiting mirror' : 'unlimited mirror');

/** Valid JSON, same signatures: the bytes grow by `extra` trailing spaces. */
function padded(bytes: Uint8Array, extra: number): Uint8Array {
  const out = new Uint8Array(bytes.length + extra).fill(0x20);
  out.set(bytes);
  return out;
}

async function clientAtVersion2(enforceLimits: boolean) {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  const { store } = await refreshedClient(repo);
  return { repo, client: newClient(repo, { store, enforceLimits }) };
}

for (const enforce of ENFORCING) {
  test(`endless data: a timestamp beyond ${LIMITS.timestampBytes} bytes (${mirrorKind(enforce)})`, async () => {
    const { repo, client } = await clientAtVersion2(enforce);
    repo.writeTimestamp({
      ...repo.nextTimestamp(),
      x_pad: 'x'.repeat(LIMITS.timestampBytes),
    } as never);

    await refreshRefused(client, 'SECURITY_LENGTH_EXCEEDED');
  });

  test(`endless data: a snapshot longer than the timestamp recorded (${mirrorKind(enforce)})`, async () => {
    const { repo, client } = await clientAtVersion2(enforce);
    repo.publishTarget('b.bin', 'b');
    repo.metadata.set('3.snapshot.json', padded(repo.file('3.snapshot.json'), 1));

    await refreshRefused(client, 'SECURITY_LENGTH_EXCEEDED', ['timestamp']);
  });

  test(`endless data: targets beyond ${LIMITS.targetsBytes} bytes (${mirrorKind(enforce)})`, async () => {
    const { repo, client } = await clientAtVersion2(enforce);
    repo.publishTarget('b.bin', 'b');
    const targets = repo.file('3.targets.json');
    repo.metadata.set('3.targets.json', padded(targets, LIMITS.targetsBytes + 1 - targets.length));

    await refreshRefused(client, 'SECURITY_LENGTH_EXCEEDED', ['timestamp', 'snapshot']);
  });

  test(`endless data: a root beyond ${LIMITS.rootBytes} bytes (${mirrorKind(enforce)})`, async () => {
    const { repo, client } = await clientAtVersion2(enforce);
    const root = repo.rotate({});
    repo.metadata.set('2.root.json', padded(root, LIMITS.rootBytes + 1 - root.length));

    await refreshRefused(client, 'SECURITY_LENGTH_EXCEEDED');
  });
}

test('endless data: a target longer than its signed length stops at the limit', async () => {
  const { repo, client } = await clientAtVersion2(true);
  await client.updater.refresh();
  const url = repo.targetUrl('a.bin');
  repo.targetFiles.set(url, padded(repo.targetFiles.get(url) ?? new Uint8Array(), 1 << 20));

  await downloadRefused(client, 'a.bin', 'SECURITY_LENGTH_EXCEEDED');
});

test('endless data: a longer target from an unlimited mirror still fails verification', async () => {
  const { repo, client } = await clientAtVersion2(false);
  await client.updater.refresh();
  const url = repo.targetUrl('a.bin');
  repo.targetFiles.set(url, padded(repo.targetFiles.get(url) ?? new Uint8Array(), 1));

  await downloadRefused(client, 'a.bin', 'SECURITY_TARGET_MISMATCH');
});
