/** The catalog's rows for the machine and the network, installs, vulnerabilities and security. */
import type { ErrorEntry } from './entry.js';

export const ENVIRONMENT_ERRORS = {
  // local environment
  DATA_DIR_UNWRITABLE: {
    http: null,
    summary: 'The data folder cannot be created or written.',
    hint: 'choose a writable folder with `--data`',
  },
  DISK_FULL: {
    http: 507,
    summary: 'No space is left on the device.',
    hint: 'free disk space and run it again; nothing was half-written',
  },
  SERVER_UNREACHABLE: {
    http: null,
    summary: 'The server could not be reached.',
    hint: 'check `--server` or `PATCHCAST_SERVER`, and that `patchcast server` runs',
    retryable: true,
  },
  SERVER_ERROR: {
    http: null,
    summary: 'The server answered with an unexpected error.',
    hint: "check the server's log, and that the CLI and the server are the same version",
    retryable: true,
  },
  CONFIG_INVALID: {
    http: null,
    summary: 'A configuration value or a local state file is invalid.',
    hint: 'fix the value or the file the message names',
  },
  ADDRESS_IN_USE: {
    http: null,
    summary:
      'Another process listens on the `--listen` address (checked before the data folder is made).',
    hint: 'stop that process, or pick another address with `--listen HOST:PORT`',
  },
  LISTEN_FAILED: {
    http: null,
    summary:
      'The server cannot listen on the `--listen` address (no such local address, or no permission).',
    hint: 'check `--listen`: a local address, and a port you may bind (1024 and up)',
  },
  BUS_UNAVAILABLE: {
    http: null,
    summary:
      'NATS cannot be reached at start, has no JetStream, or was lost while running (degraded mode).',
    hint: 'start `nats-server -js` and check `--bus`; a running node recovers by itself',
    retryable: true,
  },
  LEASE_LOST: {
    http: null,
    summary:
      "A server node no longer holds a rollout's lease (it stalled or was cut off); write refused.",
    hint: "nothing: the lease holder drives the rollout; if it happens often, check the nodes' clocks and load",
  },
  DB_UNAVAILABLE: {
    http: null,
    summary:
      'The database named by `--db` cannot be reached, or refuses the connection or its credentials.',
    hint: 'check the URL, that PostgreSQL runs, and the role and its password (not shown)',
    retryable: true,
  },
  KEYSET_MISMATCH: {
    http: null,
    summary:
      "This node's online keys, log key or device CA differ from those the database recorded.",
    hint: 'copy `<data>/keys/` from a node of this database to every node',
  },
  // transport security (TLS)
  TLS_REQUIRED: {
    http: null,
    summary: 'Non-loopback `--listen` address without `--tls-cert`/`--tls-key`.',
    hint: 'give `--tls-cert` and `--tls-key` (`patchcast tls init` makes a lab pair), or `--insecure-plain-http`',
  },
  TLS_CERT_INVALID: {
    http: null,
    summary: 'The `--tls-cert`/`--tls-key` files are unreadable, not PEM, or not a matching pair.',
    hint: 'check both paths, and that the key belongs to the certificate',
  },
  TLS_CA_INVALID: {
    http: null,
    summary: 'The `--ca` file (or `PATCHCAST_CA`) is unreadable or holds no PEM certificate.',
    hint: 'give the PEM file of the CA that signed the server certificate (`DIR/ca.pem`)',
  },
  TLS_UNTRUSTED: {
    http: null,
    summary:
      "The server's certificate is not from a trusted CA, expired, or does not name the host.",
    hint: 'pass `--ca FILE` (or set `PATCHCAST_CA`), or use a host name the certificate lists',
  },
  // installs
  INSTALL_FAILED: {
    http: null,
    summary: 'Applying a patch failed; the managed root was restored.',
    hint: 'read the message (`patchcast devices show ID` keeps it), fix the patch and publish a new version',
  },
  HOOK_FAILED: {
    http: null,
    summary: 'A pre- or post-install hook failed or timed out; the root was restored.',
    hint: 'fix the hook in the patch and publish a new version',
  },
  HEALTH_CHECK_FAILED: {
    http: null,
    summary: 'The health check failed after install; the root was rolled back.',
    hint: 'fix the patch (or its health check) and publish a new version',
  },
  INSTALL_BUSY: {
    http: null,
    summary:
      'Another install (agent or `patchcast apply`) holds the lock of the same state folder.',
    hint: 'wait for the other install to finish; a lock left by a dead process is taken over',
    retryable: true,
  },
  SELF_UPDATE_UNSUPPORTED: {
    http: null,
    summary:
      'A `patchcast-agent` update reached an agent that cannot replace itself (not the packaged executable).',
    hint: 'roll agent updates out to packaged agents (`patchcast-agent run`); update an npm install with npm',
  },
  SELF_UPDATE_UNHEALTHY: {
    http: null,
    summary:
      'The new agent executable did not reconnect within the deadline; the previous one was restored.',
    hint: 'read the message (the new version’s last output), fix the build and publish a new version',
  },
  // vulnerability management
  ADVISORY_INVALID: {
    http: 400,
    summary:
      'No advisory record could be imported (bad ones are skipped and listed), or a batch had one.',
    hint: 'fix the records named (file, index, id, reason), or import other data',
  },
  ARCHIVE_INVALID: {
    http: 400,
    summary: 'An advisory archive (.zip) is unreadable or malformed; the import stored nothing.',
    hint: "download the archive again (osv.dev's `<ecosystem>/all.zip`)",
  },
  THREAT_DATA_INVALID: {
    http: 400,
    summary: 'A KEV catalog or EPSS file does not have its published shape.',
    hint: 'use the CISA KEV JSON feed and the FIRST EPSS CSV as published',
  },
  INVENTORY_INVALID: {
    http: 400,
    summary: 'A package inventory or inventory update from an agent is malformed.',
    hint: 'the agent sends its full inventory again; check that the agent and the server are the same version',
  },
  POLICY_INVALID: {
    http: 400,
    summary: 'A deadline policy table is malformed or incomplete.',
    hint: 'fix the line the message names (docs/vulnerabilities.md)',
  },
  // security (verification): never retried
  SECURITY_SIGNATURE_INVALID: {
    http: 400,
    summary: 'Metadata is not signed by a threshold of the trusted keys.',
    hint: 'treat it as an attack or a key mix-up; do not override it',
  },
  SECURITY_PQ_SIGNATURE_MISSING: {
    http: 400,
    summary:
      'Metadata meets the Ed25519 threshold but lacks the ML-DSA-65 signatures root requires.',
    hint: 'treat it as an attack (stripped signatures), or a signer without its ML-DSA key',
  },
  SECURITY_ROLLBACK: {
    http: 400,
    summary: 'Metadata is older than the trusted copy (rollback attack).',
    hint: 'investigate the server or the network path',
  },
  SECURITY_EXPIRED: {
    http: 400,
    summary: 'Trusted metadata has expired (freeze attack or a stalled server).',
    hint: "check the server's re-signing and this machine's clock",
  },
  SECURITY_MIX_AND_MATCH: {
    http: 400,
    summary: 'Metadata versions or hashes differ from what the signing role recorded.',
    hint: 'investigate the server or a cache in between',
  },
  SECURITY_LENGTH_EXCEEDED: {
    http: 400,
    summary: 'A download exceeded the length that trusted metadata allows.',
    hint: 'investigate: an endless-data attack',
  },
  DELTA_INVALID: {
    http: null,
    summary:
      'A binary delta did not rebuild the signed bundle (another base, corrupt bytes, an unknown format); the agent downloaded the full bundle instead.',
    hint: 'nothing to do on the endpoint; if it recurs, publish the next version again so its delta is made anew',
  },
  SECURITY_TARGET_MISMATCH: {
    http: 400,
    summary: 'A downloaded target does not match its signed length or hash.',
    hint: 'investigate: the artifact was tampered with',
  },
  SECURITY_TARGET_UNKNOWN: {
    http: 400,
    summary: 'The requested target is not in signed targets metadata.',
    hint: 'publish the patch first; a notice alone never installs anything',
  },
  SECURITY_METADATA_MALFORMED: {
    http: 400,
    summary: 'Metadata from the repository could not be parsed.',
    hint: 'investigate the server',
  },
  SECURITY_PROOF_INVALID: {
    http: 400,
    summary:
      'A Merkle inclusion or consistency proof does not verify against the signed tree head.',
    hint: 'investigate: the log may be lying or showing a split view',
  },
  SECURITY_CHECKPOINT_INVALID: {
    http: 400,
    summary: 'A log checkpoint is for another log or otherwise unacceptable.',
    hint: 'check the log origin and key this side trusts (`--log-key`)',
  },
  SECURITY_BUNDLE_UNSIGNED: {
    http: 400,
    summary:
      'A bundle to install offline has no signed metadata or log proof (not an offline bundle).',
    hint: 'install only what a repository signed: `patchcast export NAME@VERSION --out FILE` makes an offline bundle',
  },
  SECURITY_OFFLINE_MALFORMED: {
    http: 400,
    summary: 'An offline bundle has a missing, unexpected, misplaced or oversized member.',
    hint: 'use the file exactly as `patchcast export` wrote it',
  },
  SECURITY_WITNESS_MISSING: {
    http: 400,
    summary:
      'A log checkpoint lacks the required number of valid witness cosignatures (`--witness-threshold`).',
    hint: 'check the witnesses and the server log: a witness is down or refused a forked log',
  },
  SECURITY_KEY_ROTATION_INVALID: {
    http: 400,
    summary: 'A log key transition is not signed by the key in force and the new key.',
    hint: 'trust only transitions the log key in force signed; report the server and keep the old key pinned',
  },
  SECURITY_LOG_FORKED: {
    http: 400,
    summary: 'The log does not extend the checkpoint a monitor verified last (fork, rewrite).',
    hint: 'stop trusting the server and compare its checkpoints with witnesses; report it',
  },
  SECURITY_UNEXPECTED_SIGNER: {
    http: 400,
    summary: 'A published patch is signed by a key not allowed for its name (`--allowed-signers`).',
    hint: 'check who signed the patch; if the key is legitimate, add it to the allowed-signers file',
  },
  SECURITY_AUTH_FAILED: {
    http: 401,
    summary: 'A peer failed to prove its identity (bad signature, replay).',
    hint: 'if the device lost its key, enroll the host again (`patchcast agent --replace DEVICE`)',
  },
  INTERNAL: {
    http: 500,
    summary: 'An unexpected internal error.',
    hint: 'report it, with the log output',
  },
} as const satisfies Readonly<Record<string, ErrorEntry>>;
