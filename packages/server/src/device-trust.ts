/**
 * Starting with device certificates (ADR 0030): the agent port's settings checked before the data
 * folder is touched, and the device CA loaded (made at the first start) and held to the one every
 * node of the database uses.
 */
import { PatchcastError } from '@patchcast/core';
import type { ServerConfig } from './config.js';
import type { Store } from './storage/store.js';
import { agentPortOrigins, checkPublicUrls } from './public-origins.js';
import { deviceCaPaths, ensureDeviceCa } from './pki/device-ca.js';
import type { DeviceCa } from './pki/device-ca.js';

export const DEVICE_CA_SETTING = 'device-ca';

export function checkAgentPort(config: ServerConfig): void {
  const origins = agentPortOrigins(config);
  if (origins === undefined) {
    if (config.requireClientCert === true)
      throw new PatchcastError('USAGE', '--require-client-cert needs --agent-listen HOST:PORT', {
        hint: 'agents with device certificates connect to the agent port: give --agent-listen',
      });
    if ((config.agentPublicUrls ?? []).length > 0)
      throw new PatchcastError('USAGE', '--agent-public-url needs --agent-listen HOST:PORT');
    return;
  }
  if (config.tls === undefined)
    throw new PatchcastError('USAGE', '--agent-listen needs --tls-cert and --tls-key', {
      hint: 'device certificates are checked in the TLS handshake; a lab pair: `patchcast tls init`',
    });
  checkPublicUrls(origins, { url: '--agent-public-url', listen: '--agent-listen' });
}

/** Loads the device CA; a node whose CA differs from the database's refuses to start. */
export async function openDeviceCa(
  dataDir: string,
  store: Store,
  now: Date,
  print: (line: string) => void,
): Promise<DeviceCa> {
  const { ca, created } = await ensureDeviceCa(dataDir, now);
  const recorded = await store.initSetting(DEVICE_CA_SETTING, ca.fingerprint);
  if (recorded !== ca.fingerprint)
    throw new PatchcastError(
      'KEYSET_MISMATCH',
      `this node's device CA (${deviceCaPaths(dataDir).certificate}) is not the one the database's other nodes use`,
      { hint: 'copy keys/device-ca.key and keys/device-ca.pem from a node of this database' },
    );
  if (created) print(`Created the device CA ${deviceCaPaths(dataDir).certificate}.`);
  return ca;
}
