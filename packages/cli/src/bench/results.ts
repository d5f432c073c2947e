/** A run's results as JSON (figures at the top level of each benchmark) and as a markdown summary. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchReport } from './benchmark.js';
import { machineLine } from './machine.js';
import type { RunResult } from './run-benchmarks.js';

export function reportJson(report: BenchReport): Record<string, unknown> {
  const { figures, targets, notes, sections, complete } = report;
  return { ...figures, complete, targets, notes, sections };
}

/** One benchmark: its figures at the top level; several: one object per benchmark. */
export function resultJson(result: RunResult): Record<string, unknown> {
  const entries = [...result.reports.entries()];
  if (entries.length === 1 && entries[0] !== undefined)
    return { ...reportJson(entries[0][1]), machine: result.machine };
  const reports = Object.fromEntries(entries.map(([name, r]) => [name, reportJson(r)]));
  return {
    startedAt: result.startedAt,
    machine: result.machine,
    options: result.options,
    ...reports,
  };
}

export async function writeResults(
  dir: string,
  result: RunResult,
): Promise<{ json: string; markdown: string }> {
  await mkdir(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const base = join(dir, `${stamp}-${[...result.reports.keys()].join('-')}`);
  const json = `${base}.json`;
  const markdown = `${base}.md`;
  const document = {
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    options: result.options,
    ...resultJson(result),
  };
  await writeFile(json, `${JSON.stringify(document, null, 2)}\n`);
  await writeFile(markdown, renderMarkdown(result));
  return { json, markdown };
}

export function renderMarkdown(result: RunResult): string {
  const lines = [
    `# Patchcast benchmarks, ${result.startedAt}`,
    '',
    `Machine: ${machineLine(result.machine)}.`,
    '',
  ];
  for (const [name, report] of result.reports) lines.push(...reportMarkdown(name, report));
  return `${lines.join('\n')}\n`;
}

function reportMarkdown(name: string, report: BenchReport): string[] {
  const lines = [
    `## ${name}${report.complete ? '' : ' (incomplete)'}`,
    '',
    '| figure | value |',
    '| --- | ---: |',
  ];
  for (const [key, value] of Object.entries(report.figures))
    lines.push(`| ${key} | ${String(value)} |`);
  lines.push('', '| target | measured | met |', '| --- | --- | --- |');
  for (const t of report.targets)
    lines.push(
      `| ${t.target} | ${t.measured} | ${t.met === undefined ? 'n/a' : t.met ? 'yes' : 'no'} |`,
    );
  lines.push('', ...report.notes.map((n) => `- ${n}`), '');
  for (const section of report.sections)
    lines.push(`### ${section.title}`, '', ...section.lines, '');
  return lines;
}
