/** The Cookie header read, and the session cookie written (RFC 6265). */
import { SESSION_COOKIE } from '@patchcast/protocol';

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it; Secure under TLS. */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) attributes.push('Secure');
  return [`${SESSION_COOKIE}=${id}`, ...attributes].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
