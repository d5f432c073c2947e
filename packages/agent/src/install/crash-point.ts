/**
 * Named points inside the install transaction where a test may kill the process outright.
 * `PATCHCAST_CRASH_AT=<name>` makes the process SIGKILL itself on reaching that point; the crash
 * harness uses it to prove recovery from every step. Unset (always, outside tests), it costs a
 * string comparison.
 */
export const CRASH_ENV = 'PATCHCAST_CRASH_AT';

export function crashPoint(name: string): void {
  if (process.env[CRASH_ENV] === name) process.kill(process.pid, 'SIGKILL');
}
