/**
 * The schema, written once and rendered per dialect (ADR 0039). Each migration runs in order;
 * SQLite's PRAGMA user_version and PostgreSQL's patchcast_migrations table record how many have
 * run, so version n is the n-th migration a dialect renders. Append new migrations at the end;
 * never edit one that has shipped. The shipped histories differ in a few places (the log's leaf
 * hashes, where the leases came, how the install order is numbered): those migrations name the
 * one dialect they run on, or render its text. Text that is sorted on is COLLATE "C" on
 * PostgreSQL so order matches SQLite's byte order whatever the database's locale.
 */

/** The words of a column type or clause that differ between the dialects. */
export interface SchemaWords {
  readonly name: 'sqlite' | 'postgres';
  /** ` COLLATE "C"` on PostgreSQL. */
  readonly c: string;
  readonly bytes: string;
  readonly bigint: string;
  readonly bool: string;
  readonly false: string;
}

const SQLITE_WORDS: SchemaWords = {
  name: 'sqlite',
  c: '',
  bytes: 'BLOB',
  bigint: 'INTEGER',
  bool: 'INTEGER',
  false: '0',
};

const POSTGRES_WORDS: SchemaWords = {
  name: 'postgres',
  c: ' COLLATE "C"',
  bytes: 'BYTEA',
  bigint: 'BIGINT',
  bool: 'BOOLEAN',
  false: 'FALSE',
};

interface Migration {
  /** Runs on this dialect only (its place in the other's history is elsewhere or nowhere). */
  readonly only?: SchemaWords['name'];
  readonly sql: (t: SchemaWords) => string;
}

const leases: Migration['sql'] = (t) => `
  CREATE TABLE leases (
    name TEXT${t.c} PRIMARY KEY, holder TEXT NOT NULL, token ${t.bigint} NOT NULL,
    expires_at TEXT${t.c} NOT NULL);`;

const MIGRATIONS: readonly Migration[] = [
  // settings, tokens, devices, the repository, rollouts and reports (PostgreSQL: and the log)
  {
    sql: (t) => `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
  CREATE TABLE enroll_tokens (
    id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT);
  CREATE TABLE devices (
    id TEXT${t.c} PRIMARY KEY, name TEXT NOT NULL, public_key TEXT NOT NULL UNIQUE,
    labels TEXT NOT NULL, inventory TEXT NOT NULL, enrolled_at TEXT${t.c} NOT NULL,
    last_seen_at TEXT, last_timestamp_version INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE metadata (
    role TEXT NOT NULL, version INTEGER NOT NULL, bytes ${t.bytes} NOT NULL,
    PRIMARY KEY (role, version));
  CREATE TABLE artifacts (
    sha256 TEXT PRIMARY KEY, length ${t.bigint} NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE rollouts (
    id TEXT${t.c} PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
    target_path TEXT NOT NULL, selector TEXT NOT NULL, state TEXT NOT NULL,
    created_at TEXT${t.c} NOT NULL, created_by TEXT NOT NULL, completed_at TEXT);
  CREATE TABLE assignments (
    rollout_id TEXT${t.c} NOT NULL REFERENCES rollouts(id),
    device_id TEXT${t.c} NOT NULL REFERENCES devices(id),
    state TEXT NOT NULL, error_code TEXT, error_message TEXT, updated_at TEXT NOT NULL,
    PRIMARY KEY (rollout_id, device_id));
  CREATE INDEX assignments_by_device ON assignments(device_id, state);
  CREATE TABLE reports (
    report_id TEXT PRIMARY KEY, rollout_id TEXT NOT NULL, device_id TEXT NOT NULL,
    state TEXT NOT NULL, error_code TEXT, error_message TEXT, timings TEXT, at TEXT NOT NULL);
  ${t.name === 'postgres' ? postgresLog : ''}`,
  },
  // the transparency log, its leaf hashes packed 256 to a row (storage/sql/leaf-hashes.ts)
  {
    only: 'sqlite',
    sql: () => `
  CREATE TABLE log_entries (idx INTEGER PRIMARY KEY, leaf BLOB NOT NULL, subject TEXT);
  CREATE INDEX log_entries_by_subject ON log_entries(subject, idx) WHERE subject IS NOT NULL;
  CREATE TABLE log_leaf_hashes (tile INTEGER PRIMARY KEY, hashes BLOB NOT NULL);
  CREATE TABLE log_checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);`,
  },
  // rollout leases with fencing tokens (storage/lease-store.ts, ADR 0014)
  { only: 'sqlite', sql: leases },
  // planned rollouts (storage/rollout-engine-store.ts, ADR 0011)
  {
    sql: (t) => `
  CREATE TABLE rollout_engines (
    rollout_id TEXT${t.c} PRIMARY KEY REFERENCES rollouts(id), snapshot TEXT NOT NULL,
    input_seq INTEGER NOT NULL);
  CREATE TABLE rollout_inputs (
    rollout_id TEXT${t.c} NOT NULL REFERENCES rollouts(id), seq INTEGER NOT NULL,
    input TEXT NOT NULL, PRIMARY KEY (rollout_id, seq));
  CREATE TABLE rollout_decisions (
    rollout_id TEXT${t.c} NOT NULL REFERENCES rollouts(id), seq INTEGER NOT NULL,
    at TEXT NOT NULL, wave INTEGER NOT NULL, from_state TEXT, to_state TEXT NOT NULL,
    event TEXT NOT NULL, detail TEXT NOT NULL, by TEXT, PRIMARY KEY (rollout_id, seq));
  CREATE INDEX reports_by_rollout ON reports(rollout_id, device_id);`,
  },
  // vulnerability management (storage/vuln-store.ts, ADR 0012)
  {
    sql: (t) => `
  CREATE TABLE vuln_imports (id TEXT${t.c} PRIMARY KEY, created_at TEXT${t.c} NOT NULL);
  CREATE TABLE vuln_staged_advisories (
    import_id TEXT${t.c} NOT NULL REFERENCES vuln_imports(id), id TEXT${t.c} NOT NULL,
    modified TEXT${t.c} NOT NULL, json TEXT NOT NULL, PRIMARY KEY (import_id, id));
  CREATE TABLE vuln_staged_data (
    import_id TEXT${t.c} NOT NULL REFERENCES vuln_imports(id), kind TEXT NOT NULL,
    text TEXT NOT NULL, PRIMARY KEY (import_id, kind));
  CREATE TABLE vuln_advisories (
    id TEXT${t.c} PRIMARY KEY, modified TEXT${t.c} NOT NULL, json TEXT NOT NULL);
  CREATE TABLE vuln_data (kind TEXT PRIMARY KEY, text TEXT NOT NULL, imported_at TEXT NOT NULL);
  CREATE TABLE vuln_generation (generation INTEGER NOT NULL);
  INSERT INTO vuln_generation VALUES (0);
  CREATE TABLE vuln_inventories (
    device_id TEXT${t.c} PRIMARY KEY REFERENCES devices(id), digest TEXT NOT NULL,
    json TEXT NOT NULL, received_at TEXT NOT NULL);
  CREATE TABLE vuln_findings (
    device_id TEXT${t.c} NOT NULL REFERENCES devices(id), key TEXT${t.c} NOT NULL,
    advisory_id TEXT NOT NULL, json TEXT NOT NULL, first_seen_at TEXT${t.c} NOT NULL,
    closed_at TEXT, closed_by TEXT, PRIMARY KEY (device_id, key, first_seen_at));
  CREATE UNIQUE INDEX vuln_findings_open ON vuln_findings(device_id, key) WHERE closed_at IS NULL;`,
  },
  // rollout leases, where PostgreSQL's history has them
  { only: 'postgres', sql: leases },
  // reboot required and results per device (storage/device-results-store.ts)
  {
    sql: (t) => `
  ALTER TABLE assignments ADD COLUMN reboot_required ${t.bool} NOT NULL DEFAULT ${t.false};
  CREATE INDEX assignments_by_device_time ON assignments(device_id, updated_at);`,
  },
  // the boot in which a reboot-required install happened (DeviceResultsStore.booted)
  { sql: () => 'ALTER TABLE assignments ADD COLUMN reboot_boot_id TEXT;' },
  // what findings and coverage read of an inventory without its entries (VulnStore.inventorySummaries)
  {
    sql: (t) => `
  ALTER TABLE vuln_inventories ADD COLUMN collected_at TEXT NOT NULL DEFAULT '';
  ALTER TABLE vuln_inventories ADD COLUMN platform TEXT NOT NULL DEFAULT '{}';
  ${t.name === 'sqlite' ? sqliteSummaries : postgresSummaries}`,
  },
  // patches whose claimed fix left the finding open (VulnStore.recordPersistedFixes, ADR 0019)
  {
    sql: (t) => `
  CREATE TABLE vuln_persisted_fixes (
    device_id TEXT${t.c} NOT NULL REFERENCES devices(id), patch TEXT${t.c} NOT NULL,
    advisory_id TEXT${t.c} NOT NULL, at TEXT NOT NULL, PRIMARY KEY (device_id, patch, advisory_id));`,
  },
  // a rollout that may install below a device's installed version (ADR 0017)
  {
    sql: (t) =>
      `ALTER TABLE rollouts ADD COLUMN allow_downgrade ${t.bool} NOT NULL DEFAULT ${t.false};`,
  },
  // replacement enrollment tokens: the device whose key a token may replace (ADR 0020)
  { sql: () => 'ALTER TABLE enroll_tokens ADD COLUMN replaces TEXT;' },
  // API tokens that expire, are revoked, are limited to devices; live names unique (ADR 0024)
  {
    sql: () => `
  ALTER TABLE api_tokens ADD COLUMN created_by TEXT;
  ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
  ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
  ALTER TABLE api_tokens ADD COLUMN devices TEXT;
  CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens(name) WHERE revoked_at IS NULL;`,
  },
  // the order of installs per device: what the server believes is on disk (ADR 0015)
  {
    sql: (t) => `
  ${t.name === 'sqlite' ? sqliteInstallOrder : postgresInstallOrder}
  CREATE INDEX assignments_installed ON assignments(device_id, installed_seq)
    WHERE state = 'installed';`,
  },
  // device lifecycle: revoked and removed devices, enrollment tokens with labels, revocable (ADR 0029)
  {
    sql: () => `
  ALTER TABLE devices ADD COLUMN revoked_at TEXT;
  ALTER TABLE devices ADD COLUMN removed_at TEXT;
  ALTER TABLE enroll_tokens ADD COLUMN labels TEXT;
  ALTER TABLE enroll_tokens ADD COLUMN revoked_at TEXT;`,
  },
  // webhooks, their outbox and delivery log (storage/webhook-store.ts, ADR 0026)
  {
    sql: (t) => `
  CREATE TABLE webhooks (
    id TEXT${t.c} PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL,
    secret TEXT NOT NULL, allow_private ${t.bool} NOT NULL, created_at TEXT${t.c} NOT NULL,
    created_by TEXT NOT NULL);
  CREATE TABLE webhook_outbox (
    webhook_id TEXT${t.c} NOT NULL, event_id TEXT${t.c} NOT NULL,
    type TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT${t.c} NOT NULL,
    state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TEXT${t.c} NOT NULL,
    lease_holder TEXT, lease_until TEXT${t.c}, PRIMARY KEY (webhook_id, event_id));
  CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_at) WHERE state = 'pending';
  CREATE INDEX webhook_outbox_by_time ON webhook_outbox(webhook_id, created_at);
  CREATE TABLE webhook_attempts (
    webhook_id TEXT${t.c} NOT NULL, event_id TEXT${t.c} NOT NULL,
    attempt INTEGER NOT NULL, at TEXT NOT NULL, status_code INTEGER, error TEXT,
    duration_ms INTEGER NOT NULL, PRIMARY KEY (webhook_id, event_id, attempt));`,
  },
  // device certificates the device CA issued, for the agent listener's CRL (ADR 0030)
  {
    sql: (t) => `
  CREATE TABLE device_certificates (
    serial TEXT${t.c} PRIMARY KEY, device_id TEXT${t.c} NOT NULL,
    public_key TEXT NOT NULL, issued_at TEXT${t.c} NOT NULL,
    not_after TEXT${t.c} NOT NULL, certificate TEXT NOT NULL);
  CREATE INDEX device_certificates_live ON device_certificates(not_after);
  CREATE INDEX device_certificates_device ON device_certificates(device_id, issued_at);`,
  },
  // log entries written with the state change they record, until the log writer sequences them (ADR 0033)
  {
    sql: (t) =>
      t.name === 'sqlite'
        ? `
  CREATE TABLE log_pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, subject TEXT, entry BLOB NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));`
        : `
  CREATE TABLE log_pending (
    seq BIGSERIAL PRIMARY KEY, subject TEXT, entry BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now());`,
  },
  // incremental vulnerability updates: which commit stored each advisory, and which devices hold
  // which packages (VulnStore.advisoriesSince and devicesHolding)
  {
    sql: (t) => `
  ALTER TABLE vuln_advisories ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX vuln_advisories_generation ON vuln_advisories(generation);
  CREATE TABLE vuln_package_devices (
    package_key TEXT${t.c} NOT NULL, device_id TEXT${t.c} NOT NULL,
    PRIMARY KEY (package_key, device_id))${t.name === 'sqlite' ? ' WITHOUT ROWID' : ''};
  CREATE TABLE vuln_package_sets (
    device_id TEXT${t.c} PRIMARY KEY, package_keys TEXT NOT NULL);`,
  },
  // the next install's number (MAX(installed_seq)) read from an index, not a scan; PostgreSQL
  // takes it from a sequence
  {
    only: 'sqlite',
    sql: () => 'CREATE INDEX assignments_installed_seq ON assignments(installed_seq);',
  },
  // console sessions in the store (ADR 0044); the device list paged by name (sql/device-pages.ts);
  // the advisory import history (sql/import-history.ts); agent presence across nodes
  // (sql/presence.ts)
  {
    sql: (t) => `
  CREATE TABLE console_sessions (
    id_hash TEXT PRIMARY KEY, token_hash TEXT NOT NULL, role TEXT NOT NULL, devices TEXT,
    created_at TEXT${t.c} NOT NULL, last_seen_at TEXT${t.c} NOT NULL,
    expires_at TEXT${t.c} NOT NULL, revoked_at TEXT${t.c});
  CREATE INDEX console_sessions_expiry ON console_sessions(expires_at);
  CREATE INDEX console_sessions_by_token ON console_sessions(token_hash, created_at);
  CREATE INDEX devices_by_name ON devices(${t.name === 'sqlite' ? 'name' : '(name COLLATE "C")'}, id)
    WHERE removed_at IS NULL;
  CREATE TABLE vuln_import_history (
    id TEXT${t.c} PRIMARY KEY, committed_at TEXT${t.c} NOT NULL, json TEXT NOT NULL);
  CREATE INDEX vuln_import_history_by_time ON vuln_import_history(committed_at);
  CREATE TABLE device_presence (
    device_id TEXT${t.c} PRIMARY KEY, node TEXT NOT NULL, since TEXT${t.c} NOT NULL);
  CREATE INDEX device_presence_by_node ON device_presence(node);
  CREATE TABLE presence_nodes (node TEXT PRIMARY KEY, seen_at TEXT${t.c} NOT NULL);`,
  },
  // fewer indexes written per rollout (docs/PERFORMANCE.md, notice): a device's results are found
  // by assignments_by_device and sorted; SQLite's install order index holds installed rows only
  {
    sql: (t) =>
      t.name === 'sqlite'
        ? `
  DROP INDEX assignments_by_device_time;
  DROP INDEX assignments_installed_seq;
  CREATE INDEX assignments_installed_seq ON assignments(installed_seq)
    WHERE installed_seq IS NOT NULL;`
        : 'DROP INDEX assignments_by_device_time;',
  },
];

const postgresLog = `
  CREATE TABLE log_entries (
    idx BIGINT PRIMARY KEY, leaf BYTEA NOT NULL, hash BYTEA NOT NULL, subject TEXT);
  CREATE INDEX log_entries_by_subject ON log_entries(subject, idx) WHERE subject IS NOT NULL;
  CREATE TABLE log_checkpoints (size BIGINT PRIMARY KEY, note TEXT NOT NULL);`;

const sqliteSummaries = `
  UPDATE vuln_inventories SET collected_at = coalesce(json_extract(json, '$.collectedAt'), ''),
    platform = json_object('os', json(coalesce(json_extract(json, '$.os'), 'null')),
      'dpkg', coalesce(json_array_length(json, '$.dpkg'), 0),
      'npm', coalesce(json_array_length(json, '$.npm'), 0));`;

const postgresSummaries = `
  UPDATE vuln_inventories SET collected_at = coalesce(json::jsonb ->> 'collectedAt', ''),
    platform = jsonb_build_object('os', coalesce(json::jsonb -> 'os', 'null'::jsonb),
      'dpkg', coalesce(jsonb_array_length(json::jsonb -> 'dpkg'), 0),
      'npm', coalesce(jsonb_array_length(json::jsonb -> 'npm'), 0))::text;`;

const sqliteInstallOrder = `
  ALTER TABLE assignments ADD COLUMN installed_seq INTEGER;
  UPDATE assignments SET installed_seq = rowid WHERE state = 'installed';`;

const postgresInstallOrder = `
  CREATE SEQUENCE assignments_installed_seq;
  ALTER TABLE assignments ADD COLUMN installed_seq BIGINT;
  UPDATE assignments a SET installed_seq = o.n FROM (
    SELECT rollout_id, device_id, row_number() OVER (ORDER BY updated_at, rollout_id) AS n
    FROM assignments WHERE state = 'installed') o
  WHERE a.rollout_id = o.rollout_id AND a.device_id = o.device_id;
  SELECT setval('assignments_installed_seq',
    (SELECT COALESCE(MAX(installed_seq), 0) + 1 FROM assignments), false);`;

function render(words: SchemaWords): readonly string[] {
  return MIGRATIONS.filter((m) => m.only === undefined || m.only === words.name).map((m) =>
    m.sql(words),
  );
}

/** SQLite's migrations; PRAGMA user_version records how many have run. */
export const SQLITE_MIGRATIONS = render(SQLITE_WORDS);

/** PostgreSQL's migrations (pg-migrate.ts); version n is element n - 1. */
export const PG_MIGRATIONS = render(POSTGRES_WORDS);
