/**
 * The packaged agent's config file (`/etc/patchcast/agent.env`): `KEY=VALUE` lines, the format
 * systemd's `EnvironmentFile=` reads too, so the unit and `patchcast-agent run` see the same values.
 */
import { readFile } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core/base';

export const DEFAULT_CONFIG_FILE = '/etc/patchcast/agent.env';
export const DEFAULT_DATA_DIR = '/var/lib/patchcast-agent';

/** The keys the file may set; anything else is refused so a typo does not go unnoticed. */
export const CONFIG_KEYS = [
  'PATCHCAST_SERVER',
  'PATCHCAST_ENROLL_TOKEN',
  'PATCHCAST_DATA',
  'PATCHCAST_ROOT',
  'PATCHCAST_CA',
  'PATCHCAST_NAME',
  'PATCHCAST_LABELS',
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type AgentFileConfig = Partial<Record<ConfigKey, string>>;

const LINE = /^([A-Z_][A-Z0-9_]*)=(.*)$/;

/** Parses the file's text: blank lines and `#` comments skipped, values optionally quoted. */
export function parseConfigText(text: string, file: string): AgentFileConfig {
  const config: AgentFileConfig = {};
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    const key = match?.[1];
    if (match === null || !isConfigKey(key)) {
      throw new PatchcastError(
        'CONFIG_INVALID',
        `${file}:${index + 1}: not a known KEY=VALUE line`,
        {
          hint: `the keys are ${CONFIG_KEYS.join(', ')}`,
        },
      );
    }
    config[key] = unquote(match[2] ?? '');
  }
  return config;
}

/** The file's values; an absent default file is no error (flags and the environment still work). */
export async function readConfigFile(
  file: string | undefined,
): Promise<{ file: string; config: AgentFileConfig }> {
  const path = file ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (file === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT')
      return { file: path, config: {} };
    throw new PatchcastError('CONFIG_INVALID', `cannot read ${path}: ${(error as Error).message}`, {
      hint: 'pass --config FILE with the agent config (KEY=VALUE lines)',
      cause: error,
    });
  }
  return { file: path, config: parseConfigText(text, path) };
}

function isConfigKey(key: string | undefined): key is ConfigKey {
  return (CONFIG_KEYS as readonly (string | undefined)[]).includes(key);
}

function unquote(value: string): string {
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  return quoted?.[1] ?? value;
}
