/**
 * deb822(5) control-file stanzas, as in the dpkg status database: "Field: value" lines, folded
 * continuation lines starting with a space or tab, stanzas separated by blank lines. Only the
 * first line of each field is kept: the fields read here are all single-line.
 */
export interface Stanza {
  /** 1-based line number of the stanza's first line. */
  readonly line: number;
  /** Field names lower-cased (deb822 field names are case-insensitive). */
  readonly fields: ReadonlyMap<string, string>;
}

const FIELD = /^([!-9;-~][!-9;-~]*):[ \t]*(.*)$/;

function isBlank(line: string): boolean {
  return line.trim() === '';
}

export function parseStanzas(text: string): readonly Stanza[] {
  const stanzas: Stanza[] = [];
  let fields = new Map<string, string>();
  let start = 0;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (isBlank(line)) {
      if (fields.size > 0) stanzas.push({ line: start, fields });
      fields = new Map();
      return;
    }
    if (line.startsWith(' ') || line.startsWith('\t') || line.startsWith('#')) return;
    const match = FIELD.exec(line);
    if (match === null) return;
    if (fields.size === 0) start = index + 1;
    fields.set((match[1] ?? '').toLowerCase(), (match[2] ?? '').trimEnd());
  });
  if (fields.size > 0) stanzas.push({ line: start, fields });
  return stanzas;
}
