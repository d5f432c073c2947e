/**
 * patchcast.json: the optional hooks, health check, removals, fixes and reboot flag of a patch source, and
 * `symlinks`, `probes` and `installer` as the manifest has them (checked by the bundle rules).
 */
import { readFile } from 'node:fs/promises';
import type {
  BundleCommand,
  BundleFix,
  BundleHooks,
  BundleInstaller,
  BundleProbes,
  BundleSymlinkEntry,
} from '@patchcast/protocol';
import { jsonErrorLocation } from './json-position.js';
import { sourceInvalid } from './source-error.js';

export interface SourceConfig {
  readonly hooks?: BundleHooks;
  readonly health?: BundleCommand;
  readonly removals?: readonly string[];
  readonly fixes?: readonly BundleFix[];
  readonly symlinks?: readonly BundleSymlinkEntry[];
  readonly probes?: BundleProbes;
  readonly installer?: BundleInstaller;
  readonly rebootRequired?: boolean;
}

/** Copied as they are into the manifest, whose schema and rules then check them. */
const MANIFEST_KEYS = ['symlinks', 'probes', 'installer'] as const;

const DEFAULT_HOOK_SECONDS = 60;
const DEFAULT_HEALTH_SECONDS = 30;
const MAX_SECONDS = 86_400;
const HINT = 'see docs/protocol/bundle.md for the patchcast.json format';

type Json = Readonly<Record<string, unknown>>;

export async function readSourceConfig(file: string): Promise<SourceConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw sourceInvalid(`cannot read ${file}`, HINT, error);
  }
  return parseSourceConfig(text, file);
}

export function parseSourceConfig(text: string, file = 'patchcast.json'): SourceConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const location = jsonErrorLocation(text);
    throw sourceInvalid(`${file} is not valid JSON (at ${location})`, HINT, error);
  }
  const keys = ['hooks', 'health', 'removals', 'fixes', 'rebootRequired', ...MANIFEST_KEYS];
  return convert(object(json, '', keys, file), file);
}

function convert(json: Json, file: string): SourceConfig {
  const hooks = json.hooks === undefined ? undefined : convertHooks(json.hooks, file);
  return {
    ...(hooks === undefined ? {} : { hooks }),
    ...(json.health === undefined
      ? {}
      : { health: command(json.health, 'health', DEFAULT_HEALTH_SECONDS, file) }),
    ...(json.removals === undefined ? {} : { removals: strings(json.removals, 'removals', file) }),
    ...(json.fixes === undefined ? {} : { fixes: fixes(json.fixes, file) }),
    ...(json.rebootRequired === undefined
      ? {}
      : { rebootRequired: boolean(json.rebootRequired, 'rebootRequired', file) }),
    ...(Object.fromEntries(
      MANIFEST_KEYS.filter((key) => json[key] !== undefined).map((key) => [key, json[key]]),
    ) as Pick<SourceConfig, (typeof MANIFEST_KEYS)[number]>),
  };
}

function convertHooks(value: unknown, file: string): BundleHooks {
  const hooks = object(value, 'hooks', ['preInstall', 'postInstall'], file);
  const result: { preInstall?: BundleCommand; postInstall?: BundleCommand } = {};
  for (const phase of ['preInstall', 'postInstall'] as const) {
    const spec = hooks[phase];
    if (spec !== undefined)
      result[phase] = command(spec, `hooks.${phase}`, DEFAULT_HOOK_SECONDS, file);
  }
  return result;
}

function command(
  value: unknown,
  where: string,
  defaultSeconds: number,
  file: string,
): BundleCommand {
  const spec = object(value, where, ['command', 'timeoutSeconds'], file);
  const argv =
    typeof spec.command === 'string'
      ? ['/bin/sh', '-c', spec.command]
      : strings(spec.command, `${where}.command`, file);
  if (argv.length === 0 || argv[0] === '') fail(file, `${where}.command must not be empty`);
  const seconds = spec.timeoutSeconds ?? defaultSeconds;
  if (typeof seconds !== 'number' || !(seconds > 0 && seconds <= MAX_SECONDS)) {
    fail(file, `${where}.timeoutSeconds must be a number of seconds in (0, ${MAX_SECONDS}]`);
  }
  return { command: argv, timeoutMs: Math.max(1, Math.round(seconds * 1000)) };
}

function fixes(value: unknown, file: string): BundleFix[] {
  if (!Array.isArray(value)) fail(file, 'fixes must be an array');
  return (value as unknown[]).map((item, i) => {
    const where = `fixes[${i}]`;
    const fix = object(item, where, ['advisories', 'package', 'ecosystem', 'fixedVersion'], file);
    return {
      advisories: strings(fix.advisories, `${where}.advisories`, file),
      package: string(fix.package, `${where}.package`, file),
      ecosystem: string(fix.ecosystem, `${where}.ecosystem`, file),
      fixedVersion: string(fix.fixedVersion, `${where}.fixedVersion`, file),
    };
  });
}

function object(value: unknown, where: string, keys: readonly string[], file: string): Json {
  const label = where === '' ? 'the top level' : where;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(file, `${label} must be an object`);
  }
  const unknown = Object.keys(value).find((key) => !keys.includes(key));
  if (unknown !== undefined) {
    const name = where === '' ? unknown : `${where}.${unknown}`;
    fail(file, `unknown key "${name}"`, `allowed keys in ${label}: ${keys.join(', ')}`);
  }
  return value as Json;
}

function strings(value: unknown, where: string, file: string): string[] {
  if (!Array.isArray(value)) fail(file, `${where} must be an array of strings`);
  return (value as unknown[]).map((item, i) => string(item, `${where}[${i}]`, file));
}

function boolean(value: unknown, where: string, file: string): boolean {
  if (typeof value !== 'boolean') fail(file, `${where} must be true or false`);
  return value;
}

function string(value: unknown, where: string, file: string): string {
  if (typeof value !== 'string') fail(file, `${where} must be a string`);
  return value;
}

function fail(file: string, message: string, hint = HINT): never {
  throw sourceInvalid(`${file}: ${message}`, hint);
}
