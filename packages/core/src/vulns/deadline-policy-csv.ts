/**
 * Reads a deadline policy from the CSV shape CERT/CC SSVC publishes for CISA BOD 26-04: a `row`
 * column, the four decision points (named by their prefix) and the outcome in the last column.
 */
import { PatchcastError } from '../errors.js';
import { InputProblem } from './input-problem.js';
import { decisionKey, parseOutcome } from './deadline-policy.js';
import type { DeadlinePolicy, DeadlineRule, TechnicalImpact } from './deadline-policy.js';

const COLUMNS = ['In KEV', 'Publicly Exposed', 'Automatable', 'Technical Impact'] as const;
const COMBINATIONS = 16;

function yesNo(value: string | undefined, where: string, column: string): boolean {
  if (value === 'yes' || value === 'no') return value === 'yes';
  throw new InputProblem(where, `${column} must be yes or no, not ${JSON.stringify(value ?? '')}`);
}

function impact(value: string | undefined, where: string): TechnicalImpact {
  if (value === 'partial' || value === 'total') return value;
  throw new InputProblem(
    where,
    `Technical Impact must be partial or total, not ${JSON.stringify(value ?? '')}`,
  );
}

function columnIndexes(header: readonly string[]): readonly number[] {
  return COLUMNS.map((name) => {
    const index = header.findIndex((h) => h.startsWith(name));
    if (index < 0) throw new InputProblem('line 1', `no column named "${name} ..."`);
    return index;
  });
}

function ruleOf(cells: readonly string[], at: readonly number[], where: string): DeadlineRule {
  const label = cells.at(-1) ?? '';
  const outcome = parseOutcome(label);
  if (outcome === undefined) {
    throw new InputProblem(
      where,
      `outcome ${JSON.stringify(label)} is not "N days", "N days & forensic investigation" or "fix on system upgrade"`,
    );
  }
  const cell = (i: number) => cells[at[i] ?? -1];
  return {
    inKev: yesNo(cell(0), where, 'In KEV'),
    publiclyExposed: yesNo(cell(1), where, 'Publicly Exposed'),
    automatable: yesNo(cell(2), where, 'Automatable'),
    technicalImpact: impact(cell(3), where),
    outcome,
  };
}

function parseRows(text: string, name: string): DeadlinePolicy {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const at = columnIndexes((lines[0] ?? '').split(','));
  const rules = lines.slice(1).map((line, i) => ruleOf(line.split(','), at, `line ${i + 2}`));
  const keys = new Set(rules.map(decisionKey));
  if (keys.size !== rules.length)
    throw new InputProblem('', 'a combination of decision points appears twice');
  if (keys.size !== COMBINATIONS)
    throw new InputProblem('', `it covers ${keys.size} of the ${COMBINATIONS} combinations`);
  return { name, rules };
}

/** Parses a decision-table CSV; throws POLICY_INVALID naming the line and the reason. */
export function parseDeadlinePolicyCsv(text: string, name: string): DeadlinePolicy {
  try {
    return parseRows(text, name);
  } catch (error) {
    if (!(error instanceof InputProblem)) throw error;
    const where = error.path === '' ? '' : `${error.path}: `;
    throw new PatchcastError(
      'POLICY_INVALID',
      `Not a deadline policy table: ${where}${error.reason}.`,
      {
        hint: 'Use the SSVC CSV shape: row, In KEV, Publicly Exposed, Automatable, Technical Impact, outcome.',
        cause: error,
      },
    );
  }
}
