/** `--server URL`: the log as any client sees it (C2SP tlog-tiles), records over the API. */
import {
  PatchcastError,
  entryBundlePath,
  parseEntryBundle,
  parseEnvelope,
  tilePath,
  TILE_WIDTH,
} from '@patchcast/core';
import { keyTransitionsResponse } from '@patchcast/protocol';
import type { PatchcastClient, Rollout } from '@patchcast/protocol';
import type {
  AuditDecision,
  AuditRecords,
  AuditRollout,
  AuditSource,
  AuditTarget,
} from './audit-source.js';
import { targetsInForce } from './targets-in-force.js';

export function serverSource(client: PatchcastClient, withRecords: boolean): AuditSource {
  const text = async (path: string) => {
    const bytes = await client.publicFile(path);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  };
  return {
    name: client.server,
    announcedKey: async () => (await text('/log/key'))?.trim(),
    keyTransitions: async () => {
      const body = await text('/log/key-transitions');
      if (body === undefined) return [];
      return keyTransitionsResponse.parse(JSON.parse(body)).transitions;
    },
    checkpoints: async () => [await need(text, '/log/checkpoint')],
    storedSize: () => Promise.resolve(undefined),
    entries: async (start, end) => {
      const bundle = { index: Math.floor(start / TILE_WIDTH), width: end - start };
      const bytes = await client.publicFile(`/log/${entryBundlePath(bundle)}`);
      if (bytes === undefined) return [];
      return parseEntryBundle(bytes, bundle.width).map((leaf, i) => ({ index: start + i, leaf }));
    },
    tile: (tile) => client.publicFile(`/log/${tilePath(tile)}`),
    records: () => (withRecords ? apiRecords(client) : Promise.resolve(undefined)),
    close: () => Promise.resolve(),
  };
}

async function need(text: (path: string) => Promise<string | undefined>, path: string) {
  const body = await text(path);
  if (body === undefined) throw new PatchcastError('NOT_FOUND', `the server has no ${path}`);
  return body;
}

async function apiRecords(client: PatchcastClient): Promise<AuditRecords> {
  const [targets, { rollouts }, { devices }] = await Promise.all([
    publishedTargets(client),
    client.rollouts(),
    client.devices(),
  ]);
  const full: AuditRollout[] = [];
  for (const { id } of rollouts)
    full.push({
      ...auditRollout(await client.rollout(id)),
      decisions: await decisions(client, id),
    });
  const named = devices.map((d) => ({ id: d.id, name: d.name, labels: d.labels }));
  return { targets, rollouts: full, devices: named };
}

/** A planned rollout's decisions (its progress view); undefined for a rollout without a plan. */
async function decisions(
  client: PatchcastClient,
  id: string,
): Promise<AuditDecision[] | undefined> {
  try {
    const progress = await client.rolloutProgress(id);
    return progress.decisions.map((d) => ({ seq: d.seq, to: d.to, event: d.event, by: d.by }));
  } catch (error) {
    if (error instanceof PatchcastError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

function auditRollout(r: Rollout): AuditRollout {
  return {
    id: r.id,
    patch: r.patch,
    createdBy: r.createdBy,
    state: r.state,
    assignments: r.devices.map((d) => ({
      deviceId: d.id,
      state: d.state,
      errorCode: d.error?.code ?? null,
      errorMessage: d.error?.message,
    })),
    completedAt: r.completedAt,
  };
}

/**
 * The current targets, top-level and delegated, found like a TUF client finds them (§5.4 to
 * §5.6.7) without trust: each delegated role's `<version>.<role>.json` that the snapshot lists.
 */
async function publishedTargets(client: PatchcastClient): Promise<AuditTarget[]> {
  const file = async (name: string) => {
    const bytes = await client.publicFile(`/tuf/metadata/${name}`);
    if (bytes === undefined) throw new PatchcastError('NOT_FOUND', `the server has no ${name}`);
    return bytes;
  };
  const timestamp = parseEnvelope('timestamp', await file('timestamp.json')).signed;
  const snapshotVersion = timestamp.meta['snapshot.json'].version;
  const snapshot = parseEnvelope('snapshot', await file(`${snapshotVersion}.snapshot.json`)).signed;
  const targetsVersion = snapshot.meta['targets.json']?.version ?? 1;
  return targetsInForce(await file(`${targetsVersion}.targets.json`), async (name) => {
    const version = snapshot.meta[`${name}.json`]?.version;
    return version === undefined ? undefined : file(`${version}.${encodeURIComponent(name)}.json`);
  });
}
