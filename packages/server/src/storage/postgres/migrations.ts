/**
 * PostgreSQL schema, applied in order by pg-migrate.ts; the table patchcast_migrations records
 * which versions have run (version n is element n - 1). Append new migrations at the end; never
 * edit one that has shipped. Text that is sorted on is COLLATE "C" so order matches SQLite's
 * byte order whatever the database's locale.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
  CREATE TABLE enroll_tokens (
    id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT);
  CREATE TABLE devices (
    id TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, public_key TEXT NOT NULL UNIQUE,
    labels TEXT NOT NULL, inventory TEXT NOT NULL, enrolled_at TEXT COLLATE "C" NOT NULL,
    last_seen_at TEXT, last_timestamp_version INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE metadata (
    role TEXT NOT NULL, version INTEGER NOT NULL, bytes BYTEA NOT NULL,
    PRIMARY KEY (role, version));
  CREATE TABLE artifacts (
    sha256 TEXT PRIMARY KEY, length BIGINT NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE rollouts (
    id TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
    target_path TEXT NOT NULL, selector TEXT NOT NULL, state TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL, created_by TEXT NOT NULL, completed_at TEXT);
  CREATE TABLE assignments (
    rollout_id TEXT COLLATE "C" NOT NULL REFERENCES rollouts(id),
    device_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id),
    state TEXT NOT NULL, error_code TEXT, error_message TEXT, updated_at TEXT NOT NULL,
    PRIMARY KEY (rollout_id, device_id));
  CREATE INDEX assignments_by_device ON assignments(device_id, state);
  CREATE TABLE reports (
    report_id TEXT PRIMARY KEY, rollout_id TEXT NOT NULL, device_id TEXT NOT NULL,
    state TEXT NOT NULL, error_code TEXT, error_message TEXT, timings TEXT, at TEXT NOT NULL);
  CREATE TABLE log_entries (
    idx BIGINT PRIMARY KEY, leaf BYTEA NOT NULL, hash BYTEA NOT NULL, subject TEXT);
  CREATE INDEX log_entries_by_subject ON log_entries(subject, idx) WHERE subject IS NOT NULL;
  CREATE TABLE log_checkpoints (size BIGINT PRIMARY KEY, note TEXT NOT NULL);
  `,
  // planned rollouts (storage/rollout-engine-store.ts, ADR 0011)
  `
  CREATE TABLE rollout_engines (
    rollout_id TEXT COLLATE "C" PRIMARY KEY REFERENCES rollouts(id), snapshot TEXT NOT NULL,
    input_seq INTEGER NOT NULL);
  CREATE TABLE rollout_inputs (
    rollout_id TEXT COLLATE "C" NOT NULL REFERENCES rollouts(id), seq INTEGER NOT NULL,
    input TEXT NOT NULL, PRIMARY KEY (rollout_id, seq));
  CREATE TABLE rollout_decisions (
    rollout_id TEXT COLLATE "C" NOT NULL REFERENCES rollouts(id), seq INTEGER NOT NULL,
    at TEXT NOT NULL, wave INTEGER NOT NULL, from_state TEXT, to_state TEXT NOT NULL,
    event TEXT NOT NULL, detail TEXT NOT NULL, by TEXT, PRIMARY KEY (rollout_id, seq));
  CREATE INDEX reports_by_rollout ON reports(rollout_id, device_id);
  `,
  // vulnerability management (storage/vuln-store.ts, ADR 0012)
  `
  CREATE TABLE vuln_imports (id TEXT COLLATE "C" PRIMARY KEY, created_at TEXT COLLATE "C" NOT NULL);
  CREATE TABLE vuln_staged_advisories (
    import_id TEXT COLLATE "C" NOT NULL REFERENCES vuln_imports(id), id TEXT COLLATE "C" NOT NULL,
    modified TEXT COLLATE "C" NOT NULL, json TEXT NOT NULL, PRIMARY KEY (import_id, id));
  CREATE TABLE vuln_staged_data (
    import_id TEXT COLLATE "C" NOT NULL REFERENCES vuln_imports(id), kind TEXT NOT NULL,
    text TEXT NOT NULL, PRIMARY KEY (import_id, kind));
  CREATE TABLE vuln_advisories (
    id TEXT COLLATE "C" PRIMARY KEY, modified TEXT COLLATE "C" NOT NULL, json TEXT NOT NULL);
  CREATE TABLE vuln_data (kind TEXT PRIMARY KEY, text TEXT NOT NULL, imported_at TEXT NOT NULL);
  CREATE TABLE vuln_generation (generation INTEGER NOT NULL);
  INSERT INTO vuln_generation VALUES (0);
  CREATE TABLE vuln_inventories (
    device_id TEXT COLLATE "C" PRIMARY KEY REFERENCES devices(id), digest TEXT NOT NULL,
    json TEXT NOT NULL, received_at TEXT NOT NULL);
  CREATE TABLE vuln_findings (
    device_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id), key TEXT COLLATE "C" NOT NULL,
    advisory_id TEXT NOT NULL, json TEXT NOT NULL, first_seen_at TEXT COLLATE "C" NOT NULL,
    closed_at TEXT, closed_by TEXT, PRIMARY KEY (device_id, key, first_seen_at));
  CREATE UNIQUE INDEX vuln_findings_open ON vuln_findings(device_id, key) WHERE closed_at IS NULL;
  `,
  // rollout leases with fencing tokens (storage/lease-store.ts, ADR 0014)
  `
  CREATE TABLE leases (
    name TEXT COLLATE "C" PRIMARY KEY, holder TEXT NOT NULL, token BIGINT NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL);
  `,
  // reboot required and results per device (storage/device-results-store.ts)
  `
  ALTER TABLE assignments ADD COLUMN reboot_required BOOLEAN NOT NULL DEFAULT FALSE;
  CREATE INDEX assignments_by_device_time ON assignments(device_id, updated_at);
  `,
  // the boot in which a reboot-required install happened (DeviceResultsStore.booted)
  `
  ALTER TABLE assignments ADD COLUMN reboot_boot_id TEXT;
  `,
  // what findings and coverage read of an inventory without its entries (VulnStore.inventorySummaries)
  `
  ALTER TABLE vuln_inventories ADD COLUMN collected_at TEXT NOT NULL DEFAULT '';
  ALTER TABLE vuln_inventories ADD COLUMN platform TEXT NOT NULL DEFAULT '{}';
  UPDATE vuln_inventories SET collected_at = coalesce(json::jsonb ->> 'collectedAt', ''),
    platform = jsonb_build_object('os', coalesce(json::jsonb -> 'os', 'null'::jsonb),
      'dpkg', coalesce(jsonb_array_length(json::jsonb -> 'dpkg'), 0),
      'npm', coalesce(jsonb_array_length(json::jsonb -> 'npm'), 0))::text;
  `,
  // patches whose claimed fix left the finding open (VulnStore.recordPersistedFixes, ADR 0019)
  `
  CREATE TABLE vuln_persisted_fixes (
    device_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id), patch TEXT COLLATE "C" NOT NULL,
    advisory_id TEXT COLLATE "C" NOT NULL, at TEXT NOT NULL, PRIMARY KEY (device_id, patch, advisory_id));
  `,
  // a rollout that may install below a device's installed version (ADR 0017)
  `
  ALTER TABLE rollouts ADD COLUMN allow_downgrade BOOLEAN NOT NULL DEFAULT FALSE;
  `,
  // replacement enrollment tokens: the device whose key a token may replace (ADR 0020)
  `
  ALTER TABLE enroll_tokens ADD COLUMN replaces TEXT;
  `,
  // API tokens that expire, are revoked, are limited to devices; live names unique (ADR 0024)
  `
  ALTER TABLE api_tokens ADD COLUMN created_by TEXT;
  ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
  ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
  ALTER TABLE api_tokens ADD COLUMN devices TEXT;
  CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens(name) WHERE revoked_at IS NULL;
  `,
  // the order of installs per device: what the server believes is on disk (ADR 0015)
  `
  CREATE SEQUENCE assignments_installed_seq;
  ALTER TABLE assignments ADD COLUMN installed_seq BIGINT;
  UPDATE assignments a SET installed_seq = o.n FROM (
    SELECT rollout_id, device_id, row_number() OVER (ORDER BY updated_at, rollout_id) AS n
    FROM assignments WHERE state = 'installed') o
  WHERE a.rollout_id = o.rollout_id AND a.device_id = o.device_id;
  SELECT setval('assignments_installed_seq',
    (SELECT COALESCE(MAX(installed_seq), 0) + 1 FROM assignments), false);
  CREATE INDEX assignments_installed ON assignments(device_id, installed_seq)
    WHERE state = 'installed';
  `,
  // device lifecycle: revoked and removed devices, enrollment tokens with labels, revocable (ADR 0029)
  `
  ALTER TABLE devices ADD COLUMN revoked_at TEXT;
  ALTER TABLE devices ADD COLUMN removed_at TEXT;
  ALTER TABLE enroll_tokens ADD COLUMN labels TEXT;
  ALTER TABLE enroll_tokens ADD COLUMN revoked_at TEXT;
  `,
  // webhooks, their outbox and delivery log (storage/webhook-store.ts, ADR 0026)
  `
  CREATE TABLE webhooks (
    id TEXT COLLATE "C" PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL,
    secret TEXT NOT NULL, allow_private BOOLEAN NOT NULL, created_at TEXT COLLATE "C" NOT NULL,
    created_by TEXT NOT NULL);
  CREATE TABLE webhook_outbox (
    webhook_id TEXT COLLATE "C" NOT NULL, event_id TEXT COLLATE "C" NOT NULL,
    type TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT COLLATE "C" NOT NULL,
    state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TEXT COLLATE "C" NOT NULL,
    lease_holder TEXT, lease_until TEXT COLLATE "C", PRIMARY KEY (webhook_id, event_id));
  CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_at) WHERE state = 'pending';
  CREATE INDEX webhook_outbox_by_time ON webhook_outbox(webhook_id, created_at);
  CREATE TABLE webhook_attempts (
    webhook_id TEXT COLLATE "C" NOT NULL, event_id TEXT COLLATE "C" NOT NULL,
    attempt INTEGER NOT NULL, at TEXT NOT NULL, status_code INTEGER, error TEXT,
    duration_ms INTEGER NOT NULL, PRIMARY KEY (webhook_id, event_id, attempt));
  `,
  // device certificates the device CA issued, for the agent listener's CRL (ADR 0030)
  `
  CREATE TABLE device_certificates (
    serial TEXT COLLATE "C" PRIMARY KEY, device_id TEXT COLLATE "C" NOT NULL,
    public_key TEXT NOT NULL, issued_at TEXT COLLATE "C" NOT NULL,
    not_after TEXT COLLATE "C" NOT NULL, certificate TEXT NOT NULL);
  CREATE INDEX device_certificates_live ON device_certificates(not_after);
  CREATE INDEX device_certificates_device ON device_certificates(device_id, issued_at);
  `,
  // log entries written with the state change they record, until the log writer sequences them (ADR 0033)
  `
  CREATE TABLE log_pending (
    seq BIGSERIAL PRIMARY KEY, subject TEXT, entry BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now());
  `,
  // incremental vulnerability updates: which commit stored each advisory, and which devices hold
  // which packages (VulnStore.advisoriesSince and devicesHolding)
  `
  ALTER TABLE vuln_advisories ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX vuln_advisories_generation ON vuln_advisories(generation);
  CREATE TABLE vuln_package_devices (
    package_key TEXT COLLATE "C" NOT NULL, device_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (package_key, device_id));
  CREATE TABLE vuln_package_sets (
    device_id TEXT COLLATE "C" PRIMARY KEY, package_keys TEXT NOT NULL);
  `,
  // fewer B-trees written per assignment (a rollout to 10,000 devices inserts 10,000): a device's
  // results sort its few assignments (assignments_by_device)
  `
  DROP INDEX assignments_by_device_time;
  `,
];
