/**
 * What to do about each error code: the hint a PatchcastError carries when its thrower gives no
 * more specific one. The CLI prints it as `hint: ...`, HTTP answers carry it, and docs/errors.md
 * shows it in "what to do" (a test keeps the three complete and equal).
 */
import type { ErrorCode } from './errors.js';

export const ERROR_HINTS: Readonly<Record<ErrorCode, string>> = {
  USAGE: 'read `patchcast <command> --help`',
  INVALID_INPUT: 'fix the value the message names',
  NOT_FOUND:
    'check the id or name: `patchcast devices`, `patchcast rollout list` and `patchcast patches` list them',
  CONFLICT: 'publish a new version; after a concurrent change, run the command again',
  PAYLOAD_TOO_LARGE:
    'stay under the limit the message names, e.g. split a large patch into several',
  UNAUTHENTICATED:
    'pass `--token` or set `PATCHCAST_TOKEN` (the first admin token is in `<data>/initial-admin-token`)',
  FORBIDDEN: 'use a token with the role the message names',
  ROLLOUT_NEWER_INSTALLED:
    'roll back the newer rollout first, or `patchcast rollout rollback ID --cascade`',
  ROLLBACK_STALE: 'roll back the later rollout first (`--cascade`); the device was not changed',
  WEBHOOK_DESTINATION_REFUSED:
    'use a public address, or add the webhook with `--allow-private` for a receiver on a private network',
  WEBHOOK_SECRET_INVALID: 'make one with `echo "whsec_$(openssl rand -base64 32)" > FILE`',
  WAVE_EMPTY: 'label devices for the wave, change the plan, or start it with `--allow-empty-waves`',
  ROLLOUT_FAILED:
    'see which devices failed and why in `patchcast rollout status ID`; fix the patch, publish a new version',
  ROLLOUT_ABORTED: 'see who aborted it and why in the decisions of `patchcast rollout status ID`',
  ROLLOUT_ROLLED_BACK:
    'read the decisions in `patchcast rollout status ID`; fix the patch and publish a new version',
  ROLLOUT_PAUSED:
    'read why in `patchcast rollout status ID`, then `patchcast rollout resume ID`, or abort or roll it back',
  ROLLOUT_APPROVAL_NEEDED:
    'approve the wave with `patchcast rollout approve ID`, then `patchcast rollout status ID --wait` again',
  ROLLOUT_WAITING:
    'bring the devices named back online or wait for the window, then `patchcast rollout status ID --wait`',
  RATE_LIMITED:
    'wait the `Retry-After` seconds; the limits and their `--limit` flags are in docs/security.md',
  DEVICE_REVOKED:
    'enroll the host again with a new key: an empty --data folder and a new enrollment token',
  ENROLL_TOKEN_INVALID:
    'make a new one with `patchcast enroll-token create` (with `--replace DEVICE` for a replacement)',
  BUNDLE_MALFORMED:
    'build it again with `patchcast bundle`, or export it again with `patchcast export`',
  BUNDLE_PATH_UNSAFE: 'fix the path the message names in the patch source',
  BUNDLE_SOURCE_INVALID:
    'give a folder holding a `files/` folder of regular files and, if any, a valid `patchcast.json`',
  KEY_INVALID: 'use the right key file (`patchcast keys generate` makes one) and `chmod 600` it',
  METADATA_INVALID: "publish with `patchcast publish` and the repository's targets key",
  ROOT_DRAFT_INVALID: 'fix the keys or thresholds given to `patchcast root init`',
  ROOT_SIGNER_UNKNOWN: 'sign with a root key listed in the draft or in the current root',
  ROOT_ALREADY_SIGNED: 'pass the draft on to the next key holder',
  ROOT_VERSION_INVALID: 'draft again from the current root (`patchcast root init`)',
  ROOT_THRESHOLD_UNMET: 'more key holders sign the draft (`patchcast root sign DRAFT --key FILE`)',
  ROOT_EXPIRED: 'draft again with a later `--expires`',
  ROOT_ONLINE_KEYS_MISSING: 'put the new online key files in `<data>/keys/online/` first',
  ROOT_TARGETS_UNSIGNED: 'publish the root with `--targets-key NEW.key` to re-sign the targets',
  DELEGATION_INVALID: 'fix the value the message names (`patchcast delegate --help`)',
  DELEGATION_OVERLAP: 'give each role path patterns that no path can match twice',
  DELEGATION_PATH_DENIED: "publish under the role's patterns, or ask for a wider delegation",
  PLAN_INVALID:
    'fix the plan at the line and field the message names (docs/protocol/rollout-plan.md)',
  ROLLOUT_TRANSITION_REFUSED:
    'use an action the message allows; `patchcast rollout status ID` shows the state',
  PATCH_WITHDRAWN: 'roll out a newer version (`patchcast patches` lists them)',
  PATCH_DOWNGRADE_REFUSED:
    'roll out a newer version, or downgrade on purpose with `--allow-downgrade`',
  DATA_DIR_UNWRITABLE: 'choose a writable folder with `--data`',
  DISK_FULL: 'free disk space and run it again; nothing was half-written',
  SERVER_UNREACHABLE: 'check `--server` or `PATCHCAST_SERVER`, and that `patchcast server` runs',
  SERVER_ERROR: "check the server's log, and that the CLI and the server are the same version",
  CONFIG_INVALID: 'fix the value or the file the message names',
  ADDRESS_IN_USE: 'stop that process, or pick another address with `--listen HOST:PORT`',
  LISTEN_FAILED: 'check `--listen`: a local address, and a port you may bind (1024 and up)',
  BUS_UNAVAILABLE: 'start `nats-server -js` and check `--bus`; a running node recovers by itself',
  LEASE_LOST:
    "nothing: the lease holder drives the rollout; if it happens often, check the nodes' clocks and load",
  DB_UNAVAILABLE: 'check the URL, that PostgreSQL runs, and the role and its password (not shown)',
  KEYSET_MISMATCH: 'copy `<data>/keys/` from a node of this database to every node',
  TLS_REQUIRED:
    'give `--tls-cert` and `--tls-key` (`patchcast tls init` makes a lab pair), or `--insecure-plain-http`',
  TLS_CERT_INVALID: 'check both paths, and that the key belongs to the certificate',
  TLS_CA_INVALID: 'give the PEM file of the CA that signed the server certificate (`DIR/ca.pem`)',
  TLS_UNTRUSTED:
    'pass `--ca FILE` (or set `PATCHCAST_CA`), or use a host name the certificate lists',
  INSTALL_FAILED:
    'read the message (`patchcast devices show ID` keeps it), fix the patch and publish a new version',
  HOOK_FAILED: 'fix the hook in the patch and publish a new version',
  HEALTH_CHECK_FAILED: 'fix the patch (or its health check) and publish a new version',
  INSTALL_BUSY: 'wait for the other install to finish; a lock left by a dead process is taken over',
  ADVISORY_INVALID: 'fix the records named (file, index, id, reason), or import other data',
  ARCHIVE_INVALID: "download the archive again (osv.dev's `<ecosystem>/all.zip`)",
  THREAT_DATA_INVALID: 'use the CISA KEV JSON feed and the FIRST EPSS CSV as published',
  INVENTORY_INVALID:
    'the agent sends its full inventory again; check that the agent and the server are the same version',
  POLICY_INVALID: 'fix the line the message names (docs/vulnerabilities.md)',
  SECURITY_SIGNATURE_INVALID: 'treat it as an attack or a key mix-up; do not override it',
  SECURITY_PQ_SIGNATURE_MISSING:
    'treat it as an attack (stripped signatures), or a signer without its ML-DSA key',
  SECURITY_ROLLBACK: 'investigate the server or the network path',
  SECURITY_EXPIRED: "check the server's re-signing and this machine's clock",
  SECURITY_MIX_AND_MATCH: 'investigate the server or a cache in between',
  SECURITY_LENGTH_EXCEEDED: 'investigate: an endless-data attack',
  SECURITY_TARGET_MISMATCH: 'investigate: the artifact was tampered with',
  SECURITY_TARGET_UNKNOWN: 'publish the patch first; a notice alone never installs anything',
  SECURITY_METADATA_MALFORMED: 'investigate the server',
  SECURITY_PROOF_INVALID: 'investigate: the log may be lying or showing a split view',
  SECURITY_CHECKPOINT_INVALID: 'check the log origin and key this side trusts (`--log-key`)',
  SECURITY_BUNDLE_UNSIGNED:
    'install only what a repository signed: `patchcast export NAME@VERSION --out FILE` makes an offline bundle',
  SECURITY_OFFLINE_MALFORMED: 'use the file exactly as `patchcast export` wrote it',
  SECURITY_WITNESS_MISSING:
    'check the witnesses and the server log: a witness is down or refused a forked log',
  SECURITY_KEY_ROTATION_INVALID:
    'trust only transitions the log key in force signed; report the server and keep the old key pinned',
  SECURITY_LOG_FORKED:
    'stop trusting the server and compare its checkpoints with witnesses; report it',
  SECURITY_UNEXPECTED_SIGNER:
    'check who signed the patch; if the key is legitimate, add it to the allowed-signers file',
  SECURITY_AUTH_FAILED:
    'if the device lost its key, enroll the host again (`patchcast agent --replace DEVICE`)',
  INTERNAL: 'report it, with the log output',
};
