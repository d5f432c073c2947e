/** How a subcommand is declared: its flags, its help text, and what it runs. */
import type { ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly isTty: boolean;
}

export interface Invocation {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
  readonly io: Io;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Longer explanation and examples for --help. */
  readonly help: string;
  readonly options: Options;
  readonly positionals: { readonly min: number; readonly max: number };
  run(invocation: Invocation): Promise<number>;
}
