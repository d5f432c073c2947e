/**
 * `@patchcast/protocol/agent`: what an idle agent needs of the contract (the agent channel, server
 * URLs and patch names, the process's TLS trust for `ws` and node:http, its device certificate),
 * checked with the small guards of guard.ts: no zod (tested: agent/test/idle), nor the HTTP API
 * schemas, the typed client, bundles, rollout plans or undici. Fetches and
 * everything else come from the package index, loaded when first used.
 */
export * from './agent-channel.js';
export * from './names.js';
export * from './server-url.js';
export {
  deviceCertificateGrantGuard,
  installedPatchGuard,
  reportGuard,
} from './agent-channel-guards.js';
export type { DeviceCertificateGrant } from './device-certificate-grant.js';
export * as guards from './guard.js';
export {
  clientTlsOptions,
  onTrustChange,
  presentClientCertificate,
  trustCaFile,
} from './tls/trust-state.js';
export * from './inventory/inventory-update.js';
export type { InventoryHead, InventoryUpdatePart } from './inventory/inventory-update-schema.js';
export * from './inventory/inventory-limits.js';
export type {
  DpkgPackage,
  KernelInfo,
  NpmPackage,
  OsRelease,
  PackageInventory,
  PypiPackage,
  RpmPackage,
} from './inventory/inventory-schema.js';
export { validateRelativePath } from './bundle/paths.js';
export { httpRequest } from './http-request.js';
export type { HttpBody, HttpRequestInit, HttpResponse } from './http-request.js';
export { enrollDevice } from './enroll-client.js';
export { ENROLL_OUTCOMES, ENROLL_PURPOSE, enrollStatement } from './enroll-api.js';
export type { EnrollRequest } from './api.js';
export { tlsFailureOf } from './tls/tls-failure.js';
export {
  consistencyProofGuard,
  keyTransitionsGuard,
  publicationProofGuard,
} from './log-proof-guards.js';
export type {
  ConsistencyProofResponse,
  KeyTransitionsResponse,
  PublicationProofResponse,
} from './log-proof-api.js';
