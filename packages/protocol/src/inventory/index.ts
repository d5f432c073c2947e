export * from './inventory-schema.js';
export { parsePackageInventory } from './parse-inventory.js';
export {
  INVENTORY_UPDATE_LIMITS,
  applyInventoryDiff,
  diffInventory,
  dpkgKey,
  inventoryDigest,
  inventoryUpdateParts,
  normalizeInventory,
  npmKey,
  pypiKey,
  rpmKey,
} from './inventory-update.js';
export type { InventoryDiff } from './inventory-update.js';
export {
  inventoryHeadSchema,
  inventoryUpdatePartSchema,
  parseInventoryUpdatePart,
} from './inventory-update-schema.js';
export type { InventoryHead, InventoryUpdatePart } from './inventory-update-schema.js';
export {
  FINDING_STATES,
  coverageSchema,
  queueGroupSchema,
  VULN_DATA_KINDS,
  VULN_IMPORT_BATCH,
  VULN_IMPORT_BODY_BYTES,
  VULN_ROUTES,
  findingsQuery,
  findingsResponse,
  importAdvisoriesRequest,
  importCommitRequest,
  importCreatedResponse,
  importDataRequest,
  importStagedResponse,
  importSummaryResponse,
  importRecordSchema,
  importsQuery,
  importsResponse,
  queueResponse,
} from './vulns-api.js';
export type {
  FindingState,
  ImportCommitRequest,
  ImportRecord,
  ImportSummary,
  ImportsResponse,
  QueueGroupRow,
  QueueResponse,
  VulnCoverage,
  VulnDataKind,
} from './vulns-api.js';
export {
  FIX_STATES,
  findingViewSchema,
  fixStateSchema,
  patchImpactSchema,
} from './finding-view.js';
export type { FindingViewRow, FixStateName, PatchImpactRow } from './finding-view.js';
export { COMPLIANCE_FORMAT, complianceReportResponse } from './compliance-report.js';
export type {
  ComplianceAdvisoryRow,
  ComplianceCounts,
  ComplianceDeviceRow,
  ComplianceOutcomeRow,
  ComplianceOverdueRow,
  CompliancePersistsRow,
  ComplianceReport,
} from './compliance-report.js';
