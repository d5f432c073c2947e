/**
 * The agent's local download policy, `<data>/policy.json`: `{"maxDownloadBytesPerSecond": N}`.
 * `patchcast agent --max-download-rate RATE` writes it (like `--server` writes servers.json), so
 * later starts without the flag keep the cap; an operator may also edit the file. No file: no cap.
 */
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { guards as g } from '@patchcast/protocol/agent';
import { readJsonOptional, writeFileAtomic } from './files.js';

const MAX_RATE = 2 ** 40; // 1 TiB/s: anything above is surely a typo

export const downloadPolicyGuard = g.strictObject({
  /** Bytes per second for target downloads; 0 means no cap. */
  maxDownloadBytesPerSecond: g.optional(g.int({ min: 0, max: MAX_RATE })),
});
export type DownloadPolicy = g.Infer<typeof downloadPolicyGuard>;

export function policyPath(dataDir: string): string {
  return join(dataDir, 'policy.json');
}

const UNITS: Readonly<Record<string, number>> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };

/**
 * `--max-download-rate` values: bytes per second, with an optional binary suffix K, M or G
 * (`5M` is 5 MiB/s; `1.5M` is allowed), or `0` / `off` for no cap.
 */
export function parseRate(text: string, flag = '--max-download-rate'): number {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'off') return 0;
  const match = /^(\d+(?:\.\d+)?)([KMG]?)(?:i?B)?(?:\/s)?$/i.exec(trimmed);
  const unit = UNITS[(match?.[2] ?? '').toUpperCase()];
  const rate = match === null || unit === undefined ? NaN : Math.floor(Number(match[1]) * unit);
  if (!Number.isFinite(rate) || rate > MAX_RATE || (rate === 0 && Number(match?.[1]) !== 0)) {
    throw new PatchcastError('USAGE', `${flag}: "${text}" is not a rate`, {
      hint: 'give bytes per second with an optional K, M or G (binary) suffix, e.g. 5M; 0 or off for no cap',
    });
  }
  return rate;
}

/** The given rate (then stored), else the stored policy, else no cap. */
export async function resolvePolicy(
  dataDir: string,
  given: { readonly maxDownloadRate?: string | undefined } = {},
): Promise<DownloadPolicy> {
  const path = policyPath(dataDir);
  const stored = await readPolicy(path);
  if (given.maxDownloadRate === undefined) return stored;
  const policy = { ...stored, maxDownloadBytesPerSecond: parseRate(given.maxDownloadRate) };
  await writeFileAtomic(path, `${JSON.stringify(policy, null, 2)}\n`, 0o600);
  return policy;
}

async function readPolicy(path: string): Promise<DownloadPolicy> {
  const json = await readJsonOptional(path).catch((error: unknown) => {
    throw new PatchcastError('CONFIG_INVALID', `${path} is not valid JSON: ${String(error)}`);
  });
  if (json === undefined) return {};
  const parsed = downloadPolicyGuard.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new PatchcastError(
      'CONFIG_INVALID',
      `${path}: ${where === '' ? '' : `${where} `}${issue?.message ?? 'is invalid'}`,
      { hint: 'see docs/protocol/bundle.md "Downloads" for the file format' },
    );
  }
  return parsed.data;
}
