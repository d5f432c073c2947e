/** Database URLs: checked once at start, and never shown with their password. */
import { PatchcastError } from '@patchcast/core';

/** True for the URLs `--db` accepts as PostgreSQL. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** The URL with any password replaced by `***`, for messages and logs. */
export function redactDbUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

/** Throws CONFIG_INVALID unless `value` is a postgres:// URL that names a host. */
export function checkPostgresUrl(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || !isPostgresUrl(value) || url.hostname === '') {
    throw new PatchcastError('CONFIG_INVALID', `${redactDbUrl(value)} is not a PostgreSQL URL`, {
      hint: 'use --db postgres://USER:PASSWORD@HOST:5432/DATABASE',
    });
  }
}

/** A connection failure as DB_UNAVAILABLE, naming the database but not its password. */
export function dbUnavailable(value: string, error: unknown): PatchcastError {
  let reason = (error as { message?: string }).message ?? String(error);
  if (reason === '') reason = (error as { code?: string }).code ?? 'connection failed';
  const password = passwordOf(value);
  if (password !== '') reason = reason.split(password).join('***');
  return new PatchcastError('DB_UNAVAILABLE', `cannot use ${redactDbUrl(value)}: ${reason}`, {
    hint: 'check the URL, that PostgreSQL is running and reachable, and the role and its password',
    cause: error,
  });
}

function passwordOf(value: string): string {
  try {
    return decodeURIComponent(new URL(value).password);
  } catch {
    return '';
  }
}
