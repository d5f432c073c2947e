/**
 * The tiny SQL interface the newer sub-stores are written over once for both dialects: `?`
 * placeholders (PostgreSQL's adapter numbers them) and the few places the dialects differ.
 */
export type SqlDialect = 'sqlite' | 'postgres';

export interface SqlPort {
  readonly dialect: SqlDialect;
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a change; resolves to the number of rows it touched. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** `?` placeholders as PostgreSQL's `$1, $2...` (the queries here hold no `?` in literals). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The value of label `key` (bound as the next parameter) of a device row's JSON labels. */
export function labelValueSql(dialect: SqlDialect): string {
  return dialect === 'sqlite' ? `json_extract(labels, '$."' || ? || '"')` : `(labels::jsonb ->> ?)`;
}
