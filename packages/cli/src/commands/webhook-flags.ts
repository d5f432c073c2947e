/** `patchcast server --webhook NAME=VALUE`: webhook delivery settings, in seconds or counts. */
import { PatchcastError } from '@patchcast/core';
import type { WebhookSettings } from '@patchcast/server';

const FLAGS = {
  timeout: { key: 'timeoutMs', scale: 1000, min: 1, max: 300 },
  attempts: { key: 'maxAttempts', scale: 1, min: 1, max: 100 },
  'retry-base': { key: 'baseMs', scale: 1000, min: 1, max: 86_400 },
  'retry-max': { key: 'maxMs', scale: 1000, min: 1, max: 7 * 86_400 },
} as const;

export function webhookFlags(values: readonly string[]): Partial<WebhookSettings> {
  const settings: Partial<Record<keyof WebhookSettings, number>> = {};
  for (const value of values) {
    const [name = '', text = ''] = value.split('=', 2);
    const flag = (FLAGS as Partial<Record<string, (typeof FLAGS)[keyof typeof FLAGS]>>)[name];
    if (flag === undefined)
      throw new PatchcastError('USAGE', `--webhook ${value}: no setting "${name}"`, {
        hint: `use ${Object.keys(FLAGS).join(', ')} (patchcast server --help)`,
      });
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || n < flag.min || n > flag.max)
      throw new PatchcastError(
        'USAGE',
        `--webhook ${name} must be a whole number from ${flag.min} to ${flag.max}`,
      );
    settings[flag.key] = n * flag.scale;
  }
  return settings;
}
