/**
 * The one query port every store class is written against (ADR 0039): typed queries and
 * transactions, the same on SQLite (storage/sqlite/sqlite-db.ts) and PostgreSQL
 * (storage/postgres/pg-db.ts). Statements are written once with PostgreSQL's `$n` placeholders;
 * the few fragments the two databases spell differently come from the `Dialect`.
 */

/** What a store class needs to run SQL, outside or inside a transaction. */
export interface SqlQueries {
  readonly dialect: Dialect;
  rows<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  one<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** A transaction in progress: its queries, and a lock its siblings on other nodes wait for. */
export interface SqlTx extends SqlQueries {
  /**
   * Takes a transaction-scoped lock named `name`: every node asking for the same name waits
   * until this transaction ends (PostgreSQL's advisory locks; SQLite has one writer already).
   */
  lock(name: string): Promise<void>;
}

export interface SqlDb extends SqlQueries {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The fragments SQLite and PostgreSQL spell differently. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** Appended to a SELECT whose rows the transaction goes on to change (row locks on PostgreSQL). */
  readonly forUpdate: string;
  /** Appended to a SELECT whose rows must not change before the transaction ends. */
  readonly forShare: string;
  /** Appended to a SELECT of rows to change that other nodes may be changing: those are passed over. */
  skipLocked(table: string): string;
  /** `needle` occurs in the text `haystack`. */
  contains(haystack: string, needle: string): string;
  /** `column` is one of the values of the list parameter `param` (bind `list(values)` to it). */
  inList(column: string, param: string, type: 'text' | 'bigint'): string;
  /** A table of one column, `value`, holding the values of the list parameter `param`. */
  listTable(param: string, type: 'text' | 'bigint'): string;
  /** The value bound to an `inList` parameter. */
  list(values: readonly (string | number)[]): unknown;
  /** The next number of the install order (assignments.installed_seq, ADR 0015). */
  readonly nextInstalledSeq: string;
  /** Text that may hold NUL as stored (PostgreSQL text holds none), and back. */
  toKey(key: string): string;
  fromKey(key: string): string;
}

export const SQLITE_DIALECT: Dialect = {
  name: 'sqlite',
  forUpdate: '',
  forShare: '',
  skipLocked: () => '',
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
  inList: (column, param) => `${column} IN (SELECT value FROM json_each(${param}))`,
  listTable: (param) => `json_each(${param})`,
  list: (values) => JSON.stringify(values),
  nextInstalledSeq:
    '(SELECT COALESCE(MAX(installed_seq), 0) + 1 FROM assignments WHERE installed_seq IS NOT NULL)',
  toKey: (key) => key,
  fromKey: (key) => key,
};

/**
 * PostgreSQL text holds no NUL, which finding and package keys use between their parts: they
 * are stored with U+0001 in its place and read back with NUL. Key parts (ids, ecosystems,
 * package names from validated records) hold no U+0001.
 */
export const POSTGRES_DIALECT: Dialect = {
  name: 'postgres',
  forUpdate: ' FOR UPDATE',
  forShare: ' FOR SHARE',
  skipLocked: (table) => ` FOR UPDATE OF ${table} SKIP LOCKED`,
  contains: (haystack, needle) => `position(${needle} in ${haystack}) > 0`,
  inList: (column, param, type) => `${column} = ANY(${param}::${type}[])`,
  listTable: (param, type) => `unnest(${param}::${type}[]) AS list(value)`,
  list: (values) => values,
  nextInstalledSeq: "nextval('assignments_installed_seq')",
  toKey: (key) => key.replaceAll('\u0000', '\u0001'),
  fromKey: (key) => key.replaceAll('\u0001', '\u0000'),
};

/** A boolean column as read: 0/1 on SQLite, a boolean on PostgreSQL. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 1;
}

/** `($1, $2, $3), ($4, $5, $6)`: the VALUES of `rows` rows of `columns` parameters each. */
export function valuesList(rows: number, columns: number): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`);
    out.push(`(${cells.join(', ')})`);
  }
  return out.join(', ');
}

/** Rows per multi-row statement: far below both databases' limits on parameters. */
export const ROWS_PER_STATEMENT = 500;

/** `items` in slices of at most `size`. */
export function chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
