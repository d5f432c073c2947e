const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/**
 * An ASCII decimal with no leading zeroes (C2SP tlog-checkpoint "Note text" and tlog-proof
 * "Format"). The specs allow any uint64; values above 2^53 - 1 are refused here because no
 * Patchcast log will reach them and JavaScript numbers cannot represent them exactly.
 */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
