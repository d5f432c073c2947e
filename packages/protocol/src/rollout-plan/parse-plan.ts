import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { PatchcastError } from '@patchcast/core';
import type { RolloutPlan } from '@patchcast/core';
import { locate } from './locate.js';
import { rolloutPlanSchema } from './schema.js';

/** One problem in a plan file, with where it is. */
export interface PlanIssue {
  readonly line: number;
  readonly column: number;
  /** Dotted path of the field, e.g. `waves[1].percent`; empty for the whole document. */
  readonly field: string;
  readonly message: string;
}

export const MAX_PLAN_BYTES = 256 * 1024;
const MAX_ALIASES = 100;
const HINT = 'see docs/protocol/rollout-plan.md and examples/rollout-plan.yaml';

export function formatField(path: readonly PropertyKey[]): string {
  return path
    .map((segment, i) =>
      typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

function yamlIssues(doc: Document.Parsed): PlanIssue[] {
  return [...doc.errors, ...doc.warnings].map((error) => {
    const at = error.linePos?.[0] ?? { line: 1, col: 1 };
    const first = error.message.split('\n')[0] ?? error.code;
    const message = first.replace(/ at line \d+, column \d+:?$/, '');
    return { line: at.line, column: at.col, field: '', message: `YAML: ${message}` };
  });
}

function schemaIssues(doc: Document.Parsed, counter: LineCounter, error: z.ZodError): PlanIssue[] {
  return error.issues.flatMap((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const paths = keys.length > 0 ? keys.map((k) => [...issue.path, k]) : [issue.path];
    return paths.map((path) => {
      const message = keys.length > 0 ? 'unknown field' : messageOf(issue, doc, path);
      return { ...locate(doc, counter, path), field: formatField(path), message };
    });
  });
}

function messageOf(issue: z.core.$ZodIssue, doc: Document.Parsed, path: PropertyKey[]): string {
  if (issue.code === 'invalid_type' && !doc.hasIn(path)) return 'is required';
  return issue.message.replace(/^Invalid input: /, '');
}

function toJs(doc: Document.Parsed): { value: unknown } | PlanIssue {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { line: 1, column: 1, field: '', message: `YAML: ${message}` };
  }
}

/** Every problem in a plan's text, in line order; empty when the plan is valid. */
export function planIssues(text: string): PlanIssue[] {
  return analyse(text).issues;
}

function analyse(text: string): { issues: PlanIssue[]; plan?: RolloutPlan } {
  if (Buffer.byteLength(text, 'utf8') > MAX_PLAN_BYTES)
    return {
      issues: [{ line: 1, column: 1, field: '', message: `larger than ${MAX_PLAN_BYTES} bytes` }],
    };
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  const syntax = yamlIssues(doc);
  if (syntax.length > 0) return { issues: syntax };
  const js = toJs(doc);
  if (!('value' in js)) return { issues: [js] };
  if (js.value === null || js.value === undefined)
    return { issues: [{ line: 1, column: 1, field: '', message: 'the plan is empty' }] };
  const result = rolloutPlanSchema.safeParse(js.value);
  if (result.success) return { issues: [], plan: result.data };
  const issues = schemaIssues(doc, counter, result.error);
  return { issues: issues.sort((a, b) => a.line - b.line || a.column - b.column) };
}

function describe(issue: PlanIssue, sourceName: string): string {
  const field = issue.field === '' ? '' : ` ${issue.field}:`;
  return `${sourceName}:${issue.line}:${issue.column}:${field} ${issue.message}`;
}

/**
 * Parses a rollout plan written in YAML or JSON. Every problem is found before anything starts;
 * the error names the first one by line, column and field, and lists the others in its hint.
 */
export function parsePlan(text: string, sourceName: string): RolloutPlan {
  const { issues, plan } = analyse(text);
  if (plan !== undefined) return plan;
  const [first, ...others] = issues.map((issue) => describe(issue, sourceName));
  const more = others.length === 0 ? '' : `also: ${others.join('; ')}; `;
  throw new PatchcastError('PLAN_INVALID', first ?? `${sourceName}: invalid rollout plan`, {
    hint: `${more}${HINT}`,
  });
}
