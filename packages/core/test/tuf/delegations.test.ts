/**
 * Delegated targets roles (§5.6.7): path patterns, the pre-order depth-first search, terminating
 * delegations, hybrid thresholds per delegated role; tuf-js is the oracle for what is found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildSnapshot,
  buildTargets,
  isDelegatedPath,
  pathPatternsOverlap,
  withDelegatedRole,
} from '../../src/index.js';
import type { Delegations, Signer, TargetFile } from '../../src/index.js';
import { TestRepo, classical, makeSigners, newClient, rejectsWith, sign } from './fixtures.js';
import { stockDownload, withTufJs } from './stock-client.js';

const teamA = makeSigners(1);
const teamB = makeSigners(1);
const aSub = makeSigners(1);
const keys = (signers: readonly Signer[]) => ({ keys: signers.map((s) => s.key), threshold: 1 });
const enc = (text: string) => new TextEncoder().encode(text);

interface Layout {
  readonly aTerminating?: boolean;
  /** Who signs team-a's metadata (default: team-a's own keys). */
  readonly aSigners?: readonly Signer[];
  /** team-a's metadata version as served (default: the one the snapshot names). */
  readonly aServedVersion?: number;
}

/**
 * targets -> team-a (a-*\/*\/bundle.tar) -> a-sub (a-app/2/*); targets -> team-b (*\/*\/bundle.tar).
 * team-a lists a-app/1 and (outside its paths) b-app/9; a-sub lists a-app/2; team-b lists
 * a-app/3 and b-app/1.
 */
function delegatedRepo(layout: Layout = {}): TestRepo {
  const repo = new TestRepo();
  const file = (path: string): [string, TargetFile] => [path, repo.addTargetFile(path, enc(path))];
  let top: Delegations = withDelegatedRole(
    undefined,
    { name: 'team-a', paths: ['a-*/*/bundle.tar'], terminating: layout.aTerminating ?? false },
    keys(teamA),
  );
  top = withDelegatedRole(
    top,
    { name: 'team-b', paths: ['*/*/bundle.tar'], terminating: false },
    keys(teamB),
  );
  const aDelegations = withDelegatedRole(
    undefined,
    { name: 'a-sub', paths: ['a-app/2/*'], terminating: false },
    keys(aSub),
  );
  const exp = repo.expires.targets;
  const put = (
    name: string,
    version: number,
    targets: [string, TargetFile][],
    signers: readonly Signer[],
    d?: Delegations,
  ) =>
    repo.metadata.set(
      `${version}.${name}.json`,
      sign(buildTargets(version, exp, Object.fromEntries(targets), d), signers),
    );
  put(
    'team-a',
    layout.aServedVersion ?? 1,
    [file('a-app/1/bundle.tar'), file('b-app/9/bundle.tar')],
    layout.aSigners ?? teamA,
    aDelegations,
  );
  put('a-sub', 1, [file('a-app/2/bundle.tar')], aSub);
  put('team-b', 1, [file('a-app/3/bundle.tar'), file('b-app/1/bundle.tar')], teamB);
  repo.writeTargets(buildTargets(2, exp, {}, top));
  repo.writeSnapshot(
    buildSnapshot(2, repo.expires.snapshot, 2, { 'team-a': 1, 'a-sub': 1, 'team-b': 1 }),
  );
  repo.writeTimestamp(repo.nextTimestamp());
  return repo;
}

async function found(repo: TestRepo, path: string): Promise<string> {
  const client = newClient(repo);
  await client.updater.refresh();
  return new TextDecoder().decode((await client.updater.download(path)).bytes);
}

test('path patterns match per segment; overlap is decided per segment', () => {
  const role = {
    name: 'r',
    keyids: [],
    threshold: 1,
    terminating: false,
    paths: ['a-*/*/bundle.tar'],
  };
  assert.equal(isDelegatedPath(role, 'a-app/1.0/bundle.tar'), true);
  assert.equal(isDelegatedPath(role, 'a-app/1/2/bundle.tar'), false, '* never crosses /');
  assert.equal(isDelegatedPath(role, 'b-app/1/bundle.tar'), false);
  assert.equal(isDelegatedPath({ ...role, paths: ['x?/*'] }, 'x1/y'), true);
  assert.equal(pathPatternsOverlap('a-*/*/bundle.tar', '*/*/bundle.tar'), true);
  assert.equal(pathPatternsOverlap('a-*/*/bundle.tar', 'b-*/*/bundle.tar'), false);
  assert.equal(pathPatternsOverlap('a-*/*', 'a-*/*/bundle.tar'), false, 'segment counts differ');
  assert.equal(pathPatternsOverlap('*x', 'y*'), true, '"yx" matches both');
  assert.equal(pathPatternsOverlap('a?c', 'ab*'), true);
  assert.equal(pathPatternsOverlap('a?c', 'abd'), false);
});

test('pre-order DFS: own targets, nested delegation, backtracking; tuf-js finds the same', async () => {
  const repo = delegatedRepo();
  for (const path of [
    'a-app/1/bundle.tar',
    'a-app/2/bundle.tar',
    'a-app/3/bundle.tar',
    'b-app/1/bundle.tar',
  ])
    assert.equal(await found(repo, path), path);
  await withTufJs(repo, repo.trustedRoot, async (client) => {
    assert.equal(await stockDownload(client, 'a-app/2/bundle.tar'), 'a-app/2/bundle.tar');
    assert.equal(await client.updater.getTargetInfo('b-app/9/bundle.tar'), undefined);
  });
});

test('a role listing a path outside its patterns is never consulted for it', async () => {
  const client = newClient(delegatedRepo());
  await client.updater.refresh();
  await rejectsWith(client.updater.download('b-app/9/bundle.tar'), 'SECURITY_TARGET_UNKNOWN');
});

test('a terminating delegation ends the search: team-b is not asked; tuf-js agrees', async () => {
  const repo = delegatedRepo({ aTerminating: true });
  const client = newClient(repo);
  await client.updater.refresh();
  await rejectsWith(client.updater.download('a-app/3/bundle.tar'), 'SECURITY_TARGET_UNKNOWN');
  assert.equal(await found(repo, 'b-app/1/bundle.tar'), 'b-app/1/bundle.tar');
  await withTufJs(repo, repo.trustedRoot, async (c) => {
    await c.updater.refresh();
    assert.equal(await c.updater.getTargetInfo('a-app/3/bundle.tar'), undefined);
  });
});

test('a delegated role needs its own keys, both halves, at the version the snapshot names', async () => {
  for (const [layout, code] of [
    [{ aSigners: teamB }, 'SECURITY_SIGNATURE_INVALID'],
    [{ aSigners: classical(teamA) }, 'SECURITY_PQ_SIGNATURE_MISSING'],
    [{ aServedVersion: 2 }, 'SECURITY_MIX_AND_MATCH'],
  ] as const) {
    const repo = delegatedRepo(layout);
    if (layout.aServedVersion !== undefined)
      repo.metadata.set('1.team-a.json', repo.file('2.team-a.json'));
    const client = newClient(repo);
    await client.updater.refresh();
    await rejectsWith(client.updater.download('a-app/1/bundle.tar'), code);
  }
});
