export { startServer, SERVER_VERSION } from './main.js';
export type { RunningServer, ServerSettings, StartOptions } from './main.js';
export { DEFAULT_LIMITS } from './features/limits/limits.js';
export type { LimitsConfig } from './features/limits/limits.js';
export { DEFAULT_CONFIG } from './config.js';
export type { ServerConfig } from './config.js';
export { openAuditData } from './storage/audit-data.js';
export type { AuditData, AuditDataOptions } from './storage/audit-data.js';
export type {
  AssignmentRecord,
  CheckpointRecord,
  DeviceRecord,
  LogEntryRecord,
  RolloutRecord,
} from './storage/store.js';
export { ROUTE_ACCESS } from './features/auth/route-access.js';
export type { Access } from './features/auth/route-access.js';
export { DEFAULT_WEBHOOK_SETTINGS } from './features/webhooks/webhook-feature.js';
export type { WebhookSettings } from './features/webhooks/dispatcher.js';
export { createLabPki } from './pki/lab-pki.js';
export { deviceCrl, ensureDeviceCa, issueDeviceCertificate } from './pki/device-ca.js';
