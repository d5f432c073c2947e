/**
 * Named points where a test may kill the server outright (as the agent's install/crash-point.ts).
 * `PATCHCAST_CRASH_AT=<name>` makes the process SIGKILL itself on reaching that point; the crash
 * test of ADR 0033 uses it to kill the server after a logged change committed and before its
 * entries are sequenced. Unset (always, outside tests), it costs a string comparison.
 */
export const CRASH_ENV = 'PATCHCAST_CRASH_AT';

export function crashPoint(name: string): void {
  if (process.env[CRASH_ENV] === name) process.kill(process.pid, 'SIGKILL');
}
