/** manifest.json of a v1 bundle: the zod schema (shape) and the typed, read-only result. */
import { z } from 'zod';
import { PATCH_NAME, PATCH_VERSION } from '../names.js';

export const BUNDLE_FORMAT = 'patchcast-bundle/v1';

const MAX_TIMEOUT_MS = 24 * 3600 * 1000;
const MAX_PROBE_MS = 10 * 60 * 1000;

export function isValidPatchName(s: string): boolean {
  return typeof s === 'string' && PATCH_NAME.test(s);
}

export function isValidPatchVersion(s: string): boolean {
  return typeof s === 'string' && PATCH_VERSION.test(s);
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const argument = z
  .string()
  .max(65_536)
  .refine((arg) => !arg.includes('\0'), 'must not contain NUL');

const commandSpec = z
  .strictObject({
    command: z
      .array(argument)
      .min(1)
      .max(1024)
      .refine((argv) => argv[0] !== '', 'program must not be empty')
      .readonly(),
    timeoutMs: z.number().int().min(1).max(MAX_TIMEOUT_MS),
  })
  .readonly();

const argv = z
  .array(argument)
  .min(1)
  .max(1024)
  .refine((args) => args[0] !== '', 'program must not be empty')
  .readonly();
const probeName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'is not a valid probe name');
const probeTimeout = z.number().int().min(1).max(MAX_PROBE_MS);

/** Health probes: each is retried every `intervalMs` until it passes or `deadlineMs` is over. */
const probes = z
  .strictObject({
    deadlineMs: z.number().int().min(1).max(MAX_TIMEOUT_MS),
    intervalMs: z.number().int().min(1).max(MAX_PROBE_MS),
    checks: z
      .array(
        z.discriminatedUnion('kind', [
          z.strictObject({
            kind: z.literal('http'),
            name: probeName,
            url: z.string().max(2048),
            status: z.number().int().min(100).max(599).optional(),
            timeoutMs: probeTimeout,
          }),
          z.strictObject({
            kind: z.literal('process'),
            name: probeName,
            command: argv,
            exitCode: z.number().int().min(0).max(255).optional(),
            timeoutMs: probeTimeout,
          }),
          z.strictObject({
            kind: z.literal('file'),
            name: probeName,
            path: z.string(),
            contains: z.string().min(1).max(65_536).optional(),
          }),
        ]),
      )
      .min(1)
      .max(100)
      .readonly(),
  })
  .readonly();

const fileEntry = z
  .strictObject({
    path: z.string(),
    mode: z.number().int().min(0).max(0o7777),
    sha256: sha256Hex,
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .readonly();

const symlinkEntry = z
  .strictObject({
    path: z.string(),
    target: z.string().min(1, 'must not be empty').max(4096),
  })
  .readonly();

export const INSTALLER_KINDS = ['files', 'dpkg', 'rpm', 'npm', 'pip', 'agent'] as const;
export type InstallerKind = (typeof INSTALLER_KINDS)[number];

const installerSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('files') }),
  z.strictObject({ kind: z.literal('dpkg') }),
  z.strictObject({ kind: z.literal('rpm') }),
  z.strictObject({ kind: z.literal('npm'), prefix: z.string() }),
  z.strictObject({ kind: z.literal('pip'), venv: z.string() }),
  z.strictObject({ kind: z.literal('agent') }),
]);

import { AGENT_EXE_FILE, AGENT_PATCH_NAME } from '../names.js';
export { AGENT_EXE_FILE, AGENT_PATCH_NAME };

const label = z.string().min(1).max(256);
const fix = z
  .strictObject({
    advisories: z.array(label).min(1).max(1000).readonly(),
    package: label,
    ecosystem: label,
    fixedVersion: label,
  })
  .readonly();

export const bundleManifestSchema = z
  .strictObject({
    format: z.literal(BUNDLE_FORMAT),
    name: z.string().regex(PATCH_NAME, 'is not a valid patch name'),
    version: z.string().regex(PATCH_VERSION, 'is not a valid patch version'),
    files: z.array(fileEntry).readonly(),
    removals: z.array(z.string()).readonly().optional(),
    symlinks: z.array(symlinkEntry).readonly().optional(),
    installer: installerSpec.optional(),
    hooks: z
      .strictObject({ preInstall: commandSpec.optional(), postInstall: commandSpec.optional() })
      .readonly()
      .optional(),
    health: commandSpec.optional(),
    probes: probes.optional(),
    fixes: z.array(fix).max(10_000).readonly().optional(),
    /** The machine needs a reboot for the patch to take effect; absent means it does not. */
    rebootRequired: z.literal(true).optional(),
  })
  .readonly();

export type BundleManifest = z.infer<typeof bundleManifestSchema>;
export type BundleFileEntry = BundleManifest['files'][number];
export type BundleSymlinkEntry = z.infer<typeof symlinkEntry>;
export type BundleInstaller = z.infer<typeof installerSpec>;
export type BundleProbes = z.infer<typeof probes>;
export type BundleProbe = BundleProbes['checks'][number];
export type BundleCommand = z.infer<typeof commandSpec>;
export type BundleHooks = NonNullable<BundleManifest['hooks']>;
export type BundleFix = z.infer<typeof fix>;

export function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    'manifest',
  );
  return `${where}: ${issue.message}`;
}
