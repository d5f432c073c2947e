/** The catalog's rows for requests: usage, auth, bundles, keys, roots, rollouts, webhooks. */
import type { ErrorEntry } from './entry.js';

export const REQUEST_ERRORS = {
  // usage and input
  USAGE: {
    http: 400,
    summary: 'The command line is wrong: an unknown flag, a missing argument or a bad value.',
    hint: 'read `patchcast <command> --help`',
  },
  INVALID_INPUT: {
    http: 400,
    summary: 'A value does not have the required form.',
    hint: 'fix the value the message names',
  },
  NOT_FOUND: {
    http: 404,
    summary: 'The requested object does not exist.',
    hint: 'check the id or name: `patchcast devices`, `patchcast rollout list` and `patchcast patches` list them',
  },
  CONFLICT: {
    http: 409,
    summary:
      'The request conflicts with the current state, e.g. an existing name@version with other bytes.',
    hint: 'publish a new version; after a concurrent change, run the command again',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    http: 415,
    summary: 'A request body has a content type the route does not take.',
    hint: 'send JSON with `content-type: application/json` (artifact uploads: `application/octet-stream`)',
  },
  HEADERS_TOO_LARGE: {
    http: 431,
    summary: "A request's header section is larger than the server takes (16 KiB).",
    hint: 'send fewer or shorter headers; a proxy that adds many may need to drop some',
  },
  REQUEST_TIMEOUT: {
    http: 408,
    summary: "A request did not arrive in full within the server's time limit.",
    hint: 'send it again; if it keeps happening, check the link or the proxy in between',
    retryable: true,
  },
  PAYLOAD_TOO_LARGE: {
    http: 413,
    summary: 'A request or download is larger than its limit.',
    hint: 'stay under the limit the message names, e.g. split a large patch into several',
  },
  // auth
  UNAUTHENTICATED: {
    http: 401,
    summary: 'A credential is missing, malformed, unknown or expired.',
    hint: 'pass `--token` or set `PATCHCAST_TOKEN` (the first admin token is in `<data>/initial-admin-token`)',
  },
  FORBIDDEN: {
    http: 403,
    summary: "The token's role does not allow this action.",
    hint: 'use a token with the role the message names',
  },
  CSRF_REFUSED: {
    http: 403,
    summary:
      'A change made with the console session cookie lacks the session CSRF token, or comes from another origin.',
    hint: 'use the console page itself (it sends the token); scripts use `Authorization: Bearer` instead of the cookie',
  },
  RATE_LIMITED: {
    http: 429,
    summary: 'Too many requests, failed sign-ins, enrollments or agent messages from one client.',
    hint: 'wait the `Retry-After` seconds; the limits and their `--limit` flags are in docs/security.md',
    retryable: true,
  },
  ENROLL_TOKEN_INVALID: {
    http: 401,
    summary:
      'The enrollment token is unknown, used, expired or revoked, or not for `--replace DEVICE`.',
    hint: 'make a new one with `patchcast enroll-token create` (with `--replace DEVICE` for a replacement)',
  },
  DEVICE_REVOKED: {
    http: 403,
    summary: 'The device was revoked or removed by an operator; its key is refused.',
    hint: 'enroll the host again with a new key: an empty --data folder and a new enrollment token',
  },
  DEVICE_CERT_REQUIRED: {
    http: 403,
    summary:
      'The server takes agents only on its agent port, with a device certificate (`--require-client-cert`).',
    hint: 'upgrade the agent: it receives its certificate with this refusal and redials the agent port',
  },
  // bundles
  BUNDLE_MALFORMED: {
    http: 400,
    summary: 'A bundle or its manifest is not a valid Patchcast bundle.',
    hint: 'build it again with `patchcast bundle`, or export it again with `patchcast export`',
  },
  BUNDLE_PATH_UNSAFE: {
    http: 400,
    summary: 'A bundle path escapes the managed root or is otherwise unsafe.',
    hint: 'fix the path the message names in the patch source',
  },
  BUNDLE_SOURCE_INVALID: {
    http: null,
    summary: 'The folder given to `publish` or `bundle` is not a valid patch source.',
    hint: 'give a folder holding a `files/` folder of regular files and, if any, a valid `patchcast.json`',
  },
  // keys and metadata
  KEY_INVALID: {
    http: 400,
    summary: 'A key file is unreadable, malformed, too widely readable, or not the expected key.',
    hint: 'use the right key file (`patchcast keys generate` makes one) and `chmod 600` it',
  },
  METADATA_INVALID: {
    http: 400,
    summary: 'Submitted TUF metadata is malformed, badly signed or changes what it may not.',
    hint: "publish with `patchcast publish` and the repository's targets key",
  },
  // root ceremonies (patchcast root init / sign / publish)
  ROOT_DRAFT_INVALID: {
    http: 400,
    summary: "A root draft is malformed, or a role's threshold exceeds its keys.",
    hint: 'fix the keys or thresholds given to `patchcast root init`',
  },
  ROOT_SIGNER_UNKNOWN: {
    http: null,
    summary: 'The signing key is not a root key of the draft or of the root it replaces.',
    hint: 'sign with a root key listed in the draft or in the current root',
  },
  ROOT_ALREADY_SIGNED: {
    http: null,
    summary: 'The root draft already carries a signature by this key.',
    hint: 'pass the draft on to the next key holder',
  },
  ROOT_VERSION_INVALID: {
    http: 409,
    summary: 'A new root is not exactly the current root version + 1.',
    hint: 'draft again from the current root (`patchcast root init`)',
  },
  ROOT_THRESHOLD_UNMET: {
    http: 400,
    summary:
      "A new root lacks a threshold of signatures of the current root's keys or of its own keys.",
    hint: 'more key holders sign the draft (`patchcast root sign DRAFT --key FILE`)',
  },
  ROOT_EXPIRED: {
    http: 400,
    summary: 'A new root has already expired.',
    hint: 'draft again with a later `--expires`',
  },
  ROOT_ONLINE_KEYS_MISSING: {
    http: 400,
    summary: 'The server lacks the snapshot or timestamp keys that the new root names.',
    hint: 'put the new online key files in `<data>/keys/online/` first',
  },
  ROOT_TARGETS_UNSIGNED: {
    http: 400,
    summary: "The current targets metadata is not signed by the new root's targets keys.",
    hint: 'publish the root with `--targets-key NEW.key` to re-sign the targets',
  },
  // delegated targets roles (patchcast delegate, publish --role)
  DELEGATION_INVALID: {
    http: 400,
    summary: "A delegation's role name, keys, threshold or path patterns are not acceptable.",
    hint: 'fix the value the message names (`patchcast delegate --help`)',
  },
  DELEGATION_OVERLAP: {
    http: 409,
    summary: "A delegation's path patterns overlap those of another delegated role.",
    hint: 'give each role path patterns that no path can match twice',
  },
  DELEGATION_PATH_DENIED: {
    http: 400,
    summary: 'The target path is outside the path patterns delegated to the role.',
    hint: "publish under the role's patterns, or ask for a wider delegation",
  },
  // rollouts
  PLAN_INVALID: {
    http: 400,
    summary: 'A rollout plan is malformed or impossible; the message names its line and field.',
    hint: 'fix the plan at the line and field the message names (docs/protocol/rollout-plan.md)',
  },
  ROLLOUT_TRANSITION_REFUSED: {
    http: 409,
    summary: "The rollout's state does not allow this action; the message says which are allowed.",
    hint: 'use an action the message allows; `patchcast rollout status ID` shows the state',
  },
  PATCH_WITHDRAWN: {
    http: 409,
    summary:
      'The version was withdrawn in signed metadata (`patchcast withdraw`); the reason is shown.',
    hint: 'roll out a newer version (`patchcast patches` lists them)',
  },
  PATCH_DOWNGRADE_REFUSED: {
    http: 409,
    summary:
      'A targeted device has a higher version of the patch installed than the one rolled out.',
    hint: 'roll out a newer version, or downgrade on purpose with `--allow-downgrade`',
  },
  WAVE_EMPTY: {
    http: 409,
    summary:
      'A wave of the plan takes no device; the message names the wave, its selector and why.',
    hint: 'label devices for the wave, change the plan, or start it with `--allow-empty-waves`',
  },
  ROLLOUT_NEWER_INSTALLED: {
    http: 409,
    summary:
      'A later rollout installed a newer version of the patch on devices this rollback would undo.',
    hint: 'roll back the newer rollout first, or `patchcast rollout rollback ID --cascade`',
  },
  ROLLBACK_STALE: {
    http: 409,
    summary:
      'An agent refused to undo an install that is no longer the one on disk (a later install is).',
    hint: 'roll back the later rollout first (`--cascade`); the device was not changed',
  },
  // a followed rollout (`rollout start|status --wait`) that did not complete: a pipeline fails
  ROLLOUT_FAILED: {
    http: null,
    summary:
      'A followed rollout ended with devices that did not install the patch (failed, cancelled...).',
    hint: 'see which devices failed and why in `patchcast rollout status ID`; fix the patch, publish a new version',
  },
  ROLLOUT_ABORTED: {
    http: null,
    summary: 'A followed rollout was aborted before every device installed the patch.',
    hint: 'see who aborted it and why in the decisions of `patchcast rollout status ID`',
  },
  ROLLOUT_ROLLED_BACK: {
    http: null,
    summary:
      'A followed rollout was rolled back, by its plan (judge, thresholds) or by an operator.',
    hint: 'read the decisions in `patchcast rollout status ID`; fix the patch and publish a new version',
  },
  ROLLOUT_PAUSED: {
    http: null,
    summary:
      'A followed rollout is paused: by an operator, the judge, a failure threshold or a wave timeout.',
    hint: 'read why in `patchcast rollout status ID`, then `patchcast rollout resume ID`, or abort or roll it back',
  },
  ROLLOUT_APPROVAL_NEEDED: {
    http: null,
    summary: "A followed rollout waits at a wave's approval gate.",
    hint: 'approve the wave with `patchcast rollout approve ID`, then `patchcast rollout status ID --wait` again',
  },
  ROLLOUT_WAITING: {
    http: null,
    summary:
      'A followed rollout waits for offline devices to come back or a maintenance window to open.',
    hint: 'bring the devices named back online or wait for the window, then `patchcast rollout status ID --wait`',
  },
  // webhooks
  WEBHOOK_DESTINATION_REFUSED: {
    http: 400,
    summary: 'A webhook URL points at a private, loopback or link-local address.',
    hint: 'use a public address, or add the webhook with `--allow-private` for a receiver on a private network',
  },
  WEBHOOK_SECRET_INVALID: {
    http: 400,
    summary: 'A webhook secret is not whsec_ and the base64 of 24 to 64 bytes.',
    hint: 'make one with `echo "whsec_$(openssl rand -base64 32)" > FILE`',
  },
} as const satisfies Readonly<Record<string, ErrorEntry>>;
