/** One row of the error catalog (error-catalog/index.ts). */
export interface ErrorEntry {
  /** The HTTP status the server answers with; null: the code never crosses HTTP. */
  readonly http: number | null;
  /** What the code means, one sentence. */
  readonly summary: string;
  /** What to do, lower case and without a period (the CLI's `hint:` line). */
  readonly hint: string;
  /**
   * The same request may succeed later, unchanged (the server or a service it needs was away or
   * busy): clients back off and try again. Absent: retrying unchanged gives the same answer.
   */
  readonly retryable?: true;
}
