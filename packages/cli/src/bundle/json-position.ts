/**
 * Where JSON.parse gave up on `text` (which must fail to parse), as "line L, column C": taken
 * from V8's message, or found by bisecting for the shortest prefix that fails for a reason other
 * than ending too soon.
 */
export function jsonErrorLocation(text: string): string {
  const offset = jsonErrorOffset(text);
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;
  return `line ${line}, column ${column}`;
}

function jsonErrorOffset(text: string): number {
  if (!realErrorIn(text)) return text.length;
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (realErrorIn(text.slice(0, middle))) bad = middle;
    else good = middle;
  }
  return positionIn(text.slice(0, bad)) ?? bad - 1;
}

/** True if the prefix fails for a reason other than ending too soon. */
function realErrorIn(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/Unexpected end of JSON input/.test(message)) return false;
    const position = positionOf(message);
    return position === undefined || position < prefix.length;
  }
}

function positionIn(prefix: string): number | undefined {
  try {
    JSON.parse(prefix);
    return undefined;
  } catch (error) {
    return positionOf(error instanceof Error ? error.message : '');
  }
}

function positionOf(message: string): number | undefined {
  const match = /at position (\d+)/.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
