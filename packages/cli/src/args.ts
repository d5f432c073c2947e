import { parseArgs } from 'node:util';
import { PatchcastError, splitLabel } from '@patchcast/core/base';
import type { Command, Invocation, Io } from './command.js';

/** Parses argv strictly: unknown flags and missing values are USAGE errors that name the problem. */
export function parseInvocation(command: Command, argv: readonly string[], io: Io): Invocation {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new PatchcastError(
      'USAGE',
      `${command.name}: ${(error as Error).message.replace(/\. To specify.*$/s, '')}`,
      {
        hint: `see: patchcast ${command.name} --help`,
      },
    );
  }
  const { positionals } = parsed;
  if (
    parsed.values.help !== true &&
    (positionals.length < command.positionals.min || positionals.length > command.positionals.max)
  ) {
    throw new PatchcastError(
      'USAGE',
      `${command.name}: expected ${describeCount(command)}, got ${positionals.length}`,
      {
        hint: `usage: ${command.usage}`,
      },
    );
  }
  return { values: parsed.values, positionals, io };
}

function describeCount({ positionals: { min, max } }: Command): string {
  return min === max ? `${min} argument(s)` : `${min} to ${max} arguments`;
}

export function stringFlag(invocation: Invocation, name: string): string | undefined {
  const value = invocation.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredFlag(invocation: Invocation, name: string, hint: string): string {
  const value = stringFlag(invocation, name);
  if (value === undefined || value === '')
    throw new PatchcastError('USAGE', `--${name} is required`, { hint });
  return value;
}

export function listFlag(invocation: Invocation, name: string): string[] {
  const value = invocation.values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function boolFlag(invocation: Invocation, name: string): boolean {
  return invocation.values[name] === true;
}

/** `--label KEY=VALUE` flags (core's label syntax); a key given twice keeps the last value. */
export function parseLabels(pairs: readonly string[]): Record<string, string> {
  const hint = 'give each label as --label KEY=VALUE, e.g. --label env=staging';
  return Object.fromEntries(pairs.map((pair) => splitLabel(pair, pair, hint)));
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `30m`, `24h`, `7d` to seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text);
  if (match === null)
    throw new PatchcastError('USAGE', `duration "${text}" is not like 30m, 24h or 7d`);
  return Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1);
}

/** `HOST:PORT`, `[::1]:PORT` or `PORT`. */
export function parseListen(text: string, flag = '--listen'): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text) ?? /^()()(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port > 65535)
    throw new PatchcastError('USAGE', `${flag} "${text}" is not HOST:PORT`, {
      hint: `e.g. ${flag} 127.0.0.1:${flag === '--listen' ? 8080 : 9464}`,
    });
  return { host: match[1] || match[2] || '127.0.0.1', port };
}

/** `--require-pq on|off`; undefined when not given (the trusted root decides). */
export function requirePqFlag(invocation: Invocation): boolean | undefined {
  const value = stringFlag(invocation, 'require-pq');
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new PatchcastError('USAGE', `--require-pq must be on or off, not "${value}"`);
}
