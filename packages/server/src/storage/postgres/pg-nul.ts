/**
 * PostgreSQL text holds no NUL, which finding and package keys use between their parts: they are
 * stored with U+0001 in its place and read back with NUL. Key parts (ids, ecosystems, package
 * names from validated records) hold no U+0001.
 */
export const toPgKey = (key: string): string => key.replaceAll('\u0000', '\u0001');
export const fromPgKey = (key: string): string => key.replaceAll('\u0001', '\u0000');
