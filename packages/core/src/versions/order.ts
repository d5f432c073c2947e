/** Three-way comparison of integers and of strings in code-unit (for ASCII: byte) order. */
export function compareValues<T extends bigint | number | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
