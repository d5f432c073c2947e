/** Freeze: stale metadata must stop being accepted once it expires (§5.3.10, §5.4.4, §5.5.6, §5.6.5). */
import { test } from 'node:test';
import { TestRepo, later, newClient, refreshRefused, refreshedClient } from '../fixtures.js';
import type { RoleName } from '../../../src/index.js';

/** A repository whose `role` expires after one day; every other role lasts a year. */
function expiringTomorrow(role: RoleName): TestRepo {
  const repo = new TestRepo();
  repo.expires[role] = later(1);
  if (role === 'root') repo.writeRoot(repo.rootFrom(1));
  repo.publishTarget('a.bin', 'a');
  return repo;
}

const inTwoDays = later(2);

test('freeze: an expired timestamp is refused', async () => {
  const client = newClient(expiringTomorrow('timestamp'), { now: inTwoDays });
  await refreshRefused(client, 'SECURITY_EXPIRED');
});

test('freeze: a mirror that keeps serving the same timestamp is refused once it expires', async () => {
  const repo = expiringTomorrow('timestamp');
  const { store } = await refreshedClient(repo);
  const frozen = newClient(repo, { store, now: inTwoDays });
  await refreshRefused(frozen, 'SECURITY_EXPIRED');
});

test('freeze: an expired snapshot is refused', async () => {
  const client = newClient(expiringTomorrow('snapshot'), { now: inTwoDays });
  await refreshRefused(client, 'SECURITY_EXPIRED', ['timestamp']);
});

test('freeze: an expired persisted snapshot is not reused as current', async () => {
  const repo = expiringTomorrow('snapshot');
  const { store } = await refreshedClient(repo);
  repo.writeTimestamp(repo.nextTimestamp()); // timestamp re-signed, snapshot left to expire
  const frozen = newClient(repo, { store, now: inTwoDays });
  await refreshRefused(frozen, 'SECURITY_EXPIRED', ['timestamp']);
});

test('freeze: expired targets are refused', async () => {
  const client = newClient(expiringTomorrow('targets'), { now: inTwoDays });
  await refreshRefused(client, 'SECURITY_EXPIRED', ['timestamp', 'snapshot']);
});

test('freeze: an expired root is refused', async () => {
  const client = newClient(expiringTomorrow('root'), { now: inTwoDays });
  await refreshRefused(client, 'SECURITY_EXPIRED');
});

test('freeze: metadata expiring exactly now is already expired', async () => {
  const client = newClient(expiringTomorrow('timestamp'), { now: later(1) });
  await refreshRefused(client, 'SECURITY_EXPIRED');
});
