/**
 * A small real fleet for the API description's answer test: a device enrolled over HTTP, connected
 * on the agent channel with a package inventory (so that findings exist), and a published patch.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  buildTargets,
  ed25519Signer,
  generateEd25519,
  parseEnvelope,
  sha256Hex,
  signEnvelope,
} from '@patchcast/core';
import {
  AGENT_CHANNEL_PATH,
  authStatement,
  inventoryUpdateParts,
  readKeyFile,
} from '@patchcast/protocol';
import type { PackageInventory, ServerMessage } from '@patchcast/protocol';

export const BASIC = {
  hostname: 'h',
  os: 'linux',
  arch: 'x64',
  agentVersion: 'test',
  installed: [],
};

const PACKAGES: PackageInventory = {
  format: 'patchcast-inventory/v1',
  collectedAt: '2026-03-01T00:00:00.000Z',
  os: { id: 'debian', versionId: '12' },
  kernel: null,
  dpkg: [
    {
      name: 'openssl',
      version: '3.0.11-1~deb12u1',
      architecture: 'amd64',
      source: 'openssl',
      sourceVersion: '3.0.11-1~deb12u1',
      status: 'installed',
    },
  ],
  npm: [],
};

/** A KEV catalog that lists the advisory's CVE: findings carry a KEV match and due date. */
export const KEV = {
  catalogVersion: '2026.03.01',
  dateReleased: '2026-03-01T00:00:00.000Z',
  count: 1,
  vulnerabilities: [
    {
      cveID: 'CVE-2023-5363',
      vendorProject: 'OpenSSL',
      product: 'OpenSSL',
      vulnerabilityName: 'OpenSSL key and IV length handling',
      dateAdded: '2026-03-01',
      shortDescription: 'Processing key and IV lengths can lead to truncation.',
      requiredAction: 'Apply updates per vendor instructions.',
      dueDate: '2026-03-22',
      knownRansomwareCampaignUse: 'Unknown',
      cwes: [],
    },
  ],
};

export const ADVISORY = {
  id: 'DSA-5532-1',
  modified: '2023-10-26T00:00:00Z',
  upstream: ['CVE-2023-5363'],
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
  affected: [
    {
      package: { ecosystem: 'Debian:12', name: 'openssl' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }],
    },
  ],
};

/** Speaks the agent channel as the device `pair` and sends its package inventory. */
export async function connectAgent(
  serverUrl: string,
  deviceId: string,
  pair: ReturnType<typeof generateEd25519>,
): Promise<WebSocket> {
  const socket = new WebSocket(`${serverUrl.replace('http', 'ws')}${AGENT_CHANNEL_PATH}`);
  const queue: ServerMessage[] = [];
  const waiters: ((m: ServerMessage) => void)[] = [];
  socket.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString('utf8')) as ServerMessage;
    (waiters.shift() ?? ((x: ServerMessage) => queue.push(x)))(m);
  });
  const next = (type: string) =>
    new Promise<ServerMessage>((resolve) => {
      const take = (m: ServerMessage) => (m.type === type ? resolve(m) : waiters.push(take));
      const queued = queue.shift();
      if (queued !== undefined) take(queued);
      else waiters.push(take);
    });
  const challenge = await next('challenge');
  const nonce = challenge.type === 'challenge' ? challenge.nonce : '';
  const signature = ed25519Signer(pair).sign(
    authStatement(deviceId, nonce, new URL(serverUrl).host),
  );
  socket.send(
    JSON.stringify({
      type: 'hello',
      deviceId,
      nonce,
      signature,
      lastTimestampVersion: 0,
      inventory: BASIC,
    }),
  );
  await next('welcome');
  const [full] = inventoryUpdateParts({ updateId: 'update-full', base: undefined, next: PACKAGES });
  socket.send(JSON.stringify({ type: 'package-inventory', update: full }));
  await next('inventory-ack');
  return socket;
}

/** The publisher's side: signs targets metadata with the server's own targets key (a lab setup). */
export async function targetsSigner(dataDir: string) {
  const { signers } = await readKeyFile(join(dataDir, 'keys', 'targets.key'));
  return (
    current: Uint8Array,
    targets: Record<string, { length: number; hashes: { sha256: string } }>,
  ) => {
    const signed = parseEnvelope('targets', current).signed;
    assert.ok(signed.version >= 1);
    const next = buildTargets(signed.version + 1, new Date(Date.now() + 86_400_000), {
      ...signed.targets,
      ...targets,
    });
    return signEnvelope(next, signers);
  };
}

export function artifact(content: string) {
  const bytes = new TextEncoder().encode(content);
  return { bytes, info: { length: bytes.length, hashes: { sha256: sha256Hex(bytes) } } };
}

export { generateEd25519 };
