/** `--json` output: one pretty-printed JSON document on stdout. */
import type { Invocation } from './command.js';

export function printJson(invocation: Invocation, value: unknown): void {
  invocation.io.out(`${JSON.stringify(value, null, 2)}\n`);
}
