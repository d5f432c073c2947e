/** The witness's key and the logs it follows, read from the files its flags name. */
import { readFile } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core/base';
import {
  parseCosignatureVerifierKey,
  parseCosignerKey,
  parseVerifierKey,
} from '@patchcast/core/tlog';
import type { Cosigner, LogIdentity } from '@patchcast/core/tlog';

export async function readCosigner(path: string): Promise<Cosigner> {
  const text = await readConfigFile(path, 'witness key');
  try {
    return parseCosignerKey(text);
  } catch (error) {
    throw new PatchcastError('CONFIG_INVALID', `${path} is not a witness signer key`, {
      hint: 'make one with `patchcast witness keygen --name NAME --out FILE`',
      cause: error,
    });
  }
}

/**
 * `--log [ORIGIN=]VKEYFILE`: a log's note verifier key (`<name>+<hex>+<base64>`, one per line
 * allowed), for the log with checkpoint origin ORIGIN (default: the key's name, as Patchcast logs
 * are named after their origin).
 */
export async function readLogs(values: readonly string[]): Promise<Map<string, LogIdentity>> {
  const logs = new Map<string, LogIdentity>();
  for (const value of values) {
    const eq = value.indexOf('=');
    const path = eq < 0 ? value : value.slice(eq + 1);
    const text = await readConfigFile(path, 'log verifier key');
    const verifiers = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line) => logKey(line, path));
    const origin = eq < 0 ? verifiers[0]?.name : value.slice(0, eq);
    if (origin === undefined || !isValidOrigin(origin) || logs.has(origin)) {
      throw new PatchcastError('USAGE', `--log ${value}: no key, a bad origin, or a repeated log`, {
        hint: 'use --log ORIGIN=VKEYFILE once per log (ORIGIN defaults to the key name)',
      });
    }
    logs.set(origin, { origin, verifiers });
  }
  return logs;
}

/** C2SP tlog-checkpoint: the origin is one non-empty line of text. */
function isValidOrigin(origin: string): boolean {
  return origin.length > 0 && !hasControl(origin);
}

function hasControl(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20);
}

function logKey(line: string, path: string) {
  try {
    return parseVerifierKey(line);
  } catch (error) {
    throw new PatchcastError('CONFIG_INVALID', `${path} is not a log verifier key`, {
      hint: 'use the log key of `patchcast status --json` (log.key): <origin>+<8 hex>+<base64>',
      cause: error,
    });
  }
}

/** `--witness URL=VKEYFILE` (server): each witness's URL and verifier key text. */
export async function witnessFlags(
  values: readonly string[],
): Promise<{ url: string; verifierKey: string }[]> {
  return Promise.all(
    values.map(async (value) => {
      const match = /^(https?:\/\/[^=\s]+)=(.+)$/.exec(value);
      if (match === null) {
        throw new PatchcastError('USAGE', `--witness ${value} is not URL=VKEYFILE`, {
          hint: 'e.g. --witness http://witness.example:8090=witness.key.vkey',
        });
      }
      const verifierKey = (await readConfigFile(match[2] ?? '', 'witness verifier key')).trim();
      parseWitnessKey(verifierKey, match[2] ?? '');
      return { url: match[1] ?? '', verifierKey };
    }),
  );
}

/** `--witness VKEYFILE` (agent): the witness verifier keys an agent trusts. */
export async function readWitnessKeys(paths: readonly string[]): Promise<string[]> {
  return Promise.all(
    paths.map(async (path) => {
      const verifierKey = (await readConfigFile(path, 'witness verifier key')).trim();
      parseWitnessKey(verifierKey, path);
      return verifierKey;
    }),
  );
}

function parseWitnessKey(text: string, path: string): void {
  try {
    parseCosignatureVerifierKey(text);
  } catch (error) {
    throw new PatchcastError('CONFIG_INVALID', `${path} is not a witness verifier key`, {
      hint: 'use the FILE.vkey that `patchcast witness keygen` wrote',
      cause: error,
    });
  }
}

async function readConfigFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new PatchcastError('CONFIG_INVALID', `cannot read the ${what} ${path}`, {
      hint: 'check the path and its permissions',
      cause: error,
    });
  }
}
