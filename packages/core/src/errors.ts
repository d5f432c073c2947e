/**
 * The closed catalog of error codes. Every failure a user can cause carries one of these codes;
 * docs/errors.md lists each one and a test keeps the two in sync.
 *
 * Security codes (SECURITY_*) come from verification: they are never retried, always reported
 * and never swallowed. What to do about each code is in error-hints.ts.
 */
import { ERROR_HINTS } from './error-hints.js';

export const ERROR_CODES = {
  // usage and input
  USAGE: 'The command line is wrong: an unknown flag, a missing argument or a bad value.',
  INVALID_INPUT: 'A value given by the user or a client does not have the required form.',
  NOT_FOUND: 'The requested object does not exist.',
  CONFLICT: 'The request conflicts with the current state (for example an existing name@version).',
  PAYLOAD_TOO_LARGE: 'A request or download is larger than its limit.',
  // auth
  UNAUTHENTICATED: 'A credential is missing, malformed, unknown or expired.',
  FORBIDDEN: 'The credential is valid but its role does not allow this action.',
  RATE_LIMITED:
    'Too many requests, failed authentications, enrollments or agent messages in a short time.',
  ENROLL_TOKEN_INVALID:
    'The enrollment token is unknown, already used or expired, or is not for this device (--replace).',
  DEVICE_REVOKED: 'The device was revoked or removed by an operator; its key is refused.',
  // bundles
  BUNDLE_MALFORMED: 'A bundle or its manifest is not a valid Patchcast bundle.',
  BUNDLE_PATH_UNSAFE: 'A bundle path escapes the managed root or is otherwise unsafe.',
  BUNDLE_SOURCE_INVALID: 'The folder given to publish or bundle is not a valid patch source.',
  // keys and metadata
  KEY_INVALID: 'A key file is unreadable, malformed or of the wrong kind.',
  METADATA_INVALID: 'TUF metadata submitted to the server is malformed or inconsistent.',
  // root ceremonies (patchcast root init / sign / publish)
  ROOT_DRAFT_INVALID:
    'A root draft is malformed or describes a root whose thresholds cannot be met.',
  ROOT_SIGNER_UNKNOWN: 'The key is not a root key of the draft or of the root it replaces.',
  ROOT_ALREADY_SIGNED: 'The root draft already carries a signature by this key.',
  ROOT_VERSION_INVALID: 'A new root is not exactly the current root version + 1.',
  ROOT_THRESHOLD_UNMET:
    "A new root is not signed by a threshold of the current root's keys and of its own keys.",
  ROOT_EXPIRED: 'A new root has already expired.',
  ROOT_ONLINE_KEYS_MISSING:
    'The server does not hold the snapshot and timestamp keys that the new root names.',
  ROOT_TARGETS_UNSIGNED:
    "The current targets metadata is not signed by the new root's targets keys.",
  // delegated targets roles (patchcast delegate, publish --role)
  DELEGATION_INVALID:
    "A delegation's role name, keys, threshold or path patterns are not acceptable.",
  DELEGATION_OVERLAP: "A delegation's path patterns overlap those of another delegated role.",
  DELEGATION_PATH_DENIED: 'The target path is outside the path patterns delegated to the role.',
  // rollouts
  PLAN_INVALID: 'A rollout plan is malformed or impossible; the message names the line and field.',
  ROLLOUT_TRANSITION_REFUSED:
    'The rollout is in a state that does not allow this action (for example approving a running wave).',
  PATCH_WITHDRAWN:
    'The patch version was withdrawn by its publisher in signed metadata; it is never installed.',
  PATCH_DOWNGRADE_REFUSED:
    'A device has a higher version of the patch installed; a downgrade needs --allow-downgrade.',
  WAVE_EMPTY:
    'A wave of the plan takes no device of the fleet (its selector matches none); it needs --allow-empty-waves.',
  ROLLOUT_NEWER_INSTALLED:
    'A later rollout installed a newer version of the patch on devices this rollback would undo.',
  ROLLBACK_STALE:
    'An agent refused to undo an install that is no longer the one on disk (a later install is).',
  // a followed rollout (`rollout start|status --wait`) that did not complete: a pipeline fails
  ROLLOUT_FAILED:
    'A followed rollout ended with devices that did not install the patch (failed, cancelled...).',
  ROLLOUT_ABORTED: 'A followed rollout was aborted before every device installed the patch.',
  ROLLOUT_ROLLED_BACK:
    'A followed rollout was rolled back, by its plan (judge, thresholds) or by an operator.',
  ROLLOUT_PAUSED:
    'A followed rollout is paused: by an operator, the judge, a failure threshold or a wave timeout.',
  ROLLOUT_APPROVAL_NEEDED: "A followed rollout waits at a wave's approval gate.",
  ROLLOUT_WAITING:
    'A followed rollout waits for offline devices to come back or a maintenance window to open.',
  // webhooks
  WEBHOOK_DESTINATION_REFUSED:
    'A webhook URL points at a private, loopback, link-local or other special address (SSRF).',
  WEBHOOK_SECRET_INVALID: 'A webhook secret is not whsec_ and the base64 of 24 to 64 bytes.',
  // local environment
  DATA_DIR_UNWRITABLE: 'The data folder cannot be created or written.',
  DISK_FULL: 'No space is left on the device.',
  SERVER_UNREACHABLE: 'The server could not be reached.',
  SERVER_ERROR: 'The server answered with an unexpected error.',
  CONFIG_INVALID: 'A configuration value is invalid.',
  ADDRESS_IN_USE: 'The address the server should listen on is taken by another process.',
  LISTEN_FAILED: 'The server cannot listen on the address it was given.',
  BUS_UNAVAILABLE:
    'The message bus (NATS JetStream) cannot be reached, or has no JetStream, or was lost.',
  LEASE_LOST:
    'This server node no longer holds the lease of a rollout, so its write was refused (fencing).',
  DB_UNAVAILABLE: 'The database cannot be reached, or refuses the connection or its credentials.',
  KEYSET_MISMATCH:
    'The server was started with other online or log keys than the ones its database records.',
  // transport security (TLS)
  TLS_REQUIRED:
    'The server would listen on a non-loopback address without TLS; it refuses unless told otherwise.',
  TLS_CERT_INVALID:
    'The server certificate or key file is unreadable, malformed, or the two do not belong together.',
  TLS_CA_INVALID:
    'The CA file given to trust (--ca, PATCHCAST_CA) is unreadable or holds no certificate.',
  TLS_UNTRUSTED:
    'The server certificate is not signed by a trusted CA, has expired, or does not name the server.',
  // installs
  INSTALL_FAILED: 'Applying a patch failed; the managed root was restored.',
  HOOK_FAILED: 'A pre or post install hook failed or timed out; the managed root was restored.',
  HEALTH_CHECK_FAILED: 'The health check failed after install; the managed root was rolled back.',
  INSTALL_BUSY: 'Another install holds the lock of the same state folder.',
  // vulnerability management
  ADVISORY_INVALID:
    'No advisory record could be imported (bad ones are skipped and listed), or a batch had one.',
  ARCHIVE_INVALID:
    'An advisory archive (.zip) is unreadable or malformed; the import stored nothing.',
  THREAT_DATA_INVALID: 'A KEV catalog or EPSS file does not have its published shape.',
  INVENTORY_INVALID: 'A package inventory or inventory update from an agent is malformed.',
  POLICY_INVALID: 'A deadline policy table is malformed or incomplete.',
  // security (verification): never retried
  SECURITY_SIGNATURE_INVALID: 'Metadata is not signed by a threshold of the trusted keys.',
  SECURITY_PQ_SIGNATURE_MISSING:
    'Metadata lacks the post-quantum (ML-DSA-65) signatures that its trusted root requires.',
  SECURITY_ROLLBACK: 'Metadata has a lower version than the trusted copy (rollback attack).',
  SECURITY_EXPIRED: 'Trusted metadata has expired (freeze attack or stale repository).',
  SECURITY_MIX_AND_MATCH:
    'Metadata versions or hashes do not match what the signing role recorded.',
  SECURITY_LENGTH_EXCEEDED: 'A download exceeded the length allowed by trusted metadata.',
  SECURITY_TARGET_MISMATCH:
    'A downloaded target does not match the length or hash in signed metadata.',
  SECURITY_TARGET_UNKNOWN: 'The requested target is not listed in signed targets metadata.',
  SECURITY_METADATA_MALFORMED: 'Metadata from the repository could not be parsed.',
  SECURITY_PROOF_INVALID:
    'A Merkle inclusion or consistency proof does not verify against the signed tree head.',
  SECURITY_CHECKPOINT_INVALID:
    'A log checkpoint is for another log (wrong origin) or otherwise unacceptable.',
  SECURITY_BUNDLE_UNSIGNED:
    'A bundle to install offline carries no signed metadata or log proof (it is not an offline bundle).',
  SECURITY_OFFLINE_MALFORMED:
    'An offline bundle has a missing, unexpected, misplaced or oversized member.',
  SECURITY_WITNESS_MISSING:
    'A log checkpoint lacks the required number of valid witness cosignatures.',
  SECURITY_KEY_ROTATION_INVALID:
    'A log key transition is not signed by the log key in force and the new key, or breaks the chain.',
  SECURITY_LOG_FORKED:
    'The log does not extend the checkpoint a monitor verified last (a fork or a rewritten log).',
  SECURITY_UNEXPECTED_SIGNER:
    'A published patch is signed by a key the allowed-signers file does not allow for its name.',
  SECURITY_AUTH_FAILED:
    'A peer failed to prove its identity (bad signature or replayed challenge).',
  INTERNAL: 'An unexpected internal error. Please report it with the log output.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as readonly ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export interface ErrorOptions {
  /** What the user can do next; without one, the catalog's hint for the code (ERROR_HINTS). */
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/** The one error class of Patchcast: a stable code, a one-line cause, and what to do next. */
export class PatchcastError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PatchcastError';
    this.code = code;
    // A code from elsewhere (an HTTP answer of a newer server) may have no catalog hint.
    this.hint = options.hint ?? (ERROR_HINTS as Partial<Record<string, string>>)[code];
  }

  get isSecurity(): boolean {
    return this.code.startsWith('SECURITY_');
  }
}

/** A verification failure: distinct so that callers never retry or swallow it. */
export class SecurityError extends PatchcastError {
  constructor(code: ErrorCode & `SECURITY_${string}`, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'SecurityError';
  }
}

export function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof PatchcastError ? error.code : 'INTERNAL';
}
