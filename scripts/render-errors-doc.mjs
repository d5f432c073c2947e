#!/usr/bin/env node
// Renders the table of docs/errors.md from the error catalog (packages/core/src/error-catalog/),
// in place: run after adding or changing a code (`npm run build` first). A test keeps the page
// equal to the catalog, so a forgotten run fails the suite.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOG } from '../packages/core/dist/src/index.js';

const page = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
const rows = [
  ['code', 'HTTP', 'retry', 'meaning', 'what to do'],
  ...Object.entries(ERROR_CATALOG).map(([code, e]) => [
    `\`${code}\``,
    e.http === null ? '-' : String(e.http),
    e.retryable === true ? 'yes' : 'no',
    e.summary,
    `${e.hint.charAt(0).toUpperCase()}${e.hint.slice(1)}.`,
  ]),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
const table = [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];

const lines = readFileSync(page, 'utf8').split('\n');
const start = lines.findIndex((l) => l.startsWith('| code '));
let end = start;
while (end < lines.length && lines[end].startsWith('|')) end++;
if (start < 0) throw new Error(`no table starting with "| code" in ${page}`);
lines.splice(start, end - start, ...table);
writeFileSync(page, lines.join('\n'));
console.log(`wrote ${rows.length - 1} codes to ${page}`);
