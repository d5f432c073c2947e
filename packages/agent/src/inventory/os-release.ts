/**
 * os-release(5): newline-separated KEY=value assignments, values optionally in shell quotes.
 * ID defaults to "linux" when absent, as os-release(5) specifies.
 */
import type { OsRelease } from './inventory-types.js';

export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'] as const;

const ASSIGNMENT = /^([A-Z][A-Z0-9_]*)=(.*)$/;

/** Shell-like unquoting: "..." with \ escapes for $ " \ `, or '...' taken literally. */
export function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\([$"\\`])/g, '$1');
  }
  return value;
}

export function parseOsReleaseVariables(text: string): ReadonlyMap<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (m !== null) vars.set(m[1] ?? '', unquote(m[2] ?? ''));
  }
  return vars;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function parseOsRelease(text: string): OsRelease {
  const vars = parseOsReleaseVariables(text);
  const idLike = nonEmpty(vars.get('ID_LIKE'))?.split(/\s+/);
  return {
    id: nonEmpty(vars.get('ID')) ?? 'linux',
    versionId: nonEmpty(vars.get('VERSION_ID')),
    versionCodename: nonEmpty(vars.get('VERSION_CODENAME')),
    prettyName: nonEmpty(vars.get('PRETTY_NAME')),
    ...(idLike === undefined ? {} : { idLike }),
  };
}
