/**
 * The FIRST EPSS scores CSV: `#model_version:<v>,score_date:<date>`, then `cve,epss,percentile`,
 * then one row per CVE with a probability and a percentile in [0, 1].
 */
import { PatchcastError } from '../errors.js';
import { InputProblem } from './input-problem.js';

export interface EpssScore {
  readonly epss: number;
  readonly percentile: number;
}

export interface EpssScores {
  readonly modelVersion: string;
  readonly scoreDate: string;
  readonly scores: ReadonlyMap<string, EpssScore>;
}

const HEADER = 'cve,epss,percentile';
const CVE_ID = /^CVE-[0-9]{4}-[0-9]{4,19}$/;
const PROBABILITY = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;

function metadataOf(line: string): { readonly modelVersion: string; readonly scoreDate: string } {
  if (!line.startsWith('#'))
    throw new InputProblem('line 1', 'expected "#model_version:...,score_date:..."');
  const fields = new Map(
    line
      .slice(1)
      .split(',')
      .map((pair) => {
        const colon = pair.indexOf(':');
        return [pair.slice(0, colon).trim(), pair.slice(colon + 1).trim()] as const;
      }),
  );
  const modelVersion = fields.get('model_version') ?? '';
  const scoreDate = fields.get('score_date') ?? '';
  if (modelVersion === '' || scoreDate === '')
    throw new InputProblem('line 1', 'model_version and score_date are both required');
  return { modelVersion, scoreDate };
}

function probability(text: string | undefined, name: string, where: string): number {
  const value = Number(text);
  if (text === undefined || !PROBABILITY.test(text) || !(value >= 0 && value <= 1)) {
    throw new InputProblem(
      where,
      `${name} ${JSON.stringify(text ?? '')} is not a number from 0 to 1`,
    );
  }
  return value;
}

function addRow(line: string, where: string, scores: Map<string, EpssScore>): void {
  const [cve, epss, percentile, ...rest] = line.split(',');
  if (cve === undefined || rest.length > 0 || !CVE_ID.test(cve)) {
    throw new InputProblem(
      where,
      `expected "CVE-YYYY-NNNN,epss,percentile", found ${JSON.stringify(line.slice(0, 80))}`,
    );
  }
  if (scores.has(cve)) throw new InputProblem(where, `${cve} is listed twice`);
  scores.set(cve, {
    epss: probability(epss, 'epss', where),
    percentile: probability(percentile, 'percentile', where),
  });
}

function parseLines(text: string): EpssScores {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const metadata = metadataOf(lines[0] ?? '');
  if (lines[1] !== HEADER) throw new InputProblem('line 2', `expected the header "${HEADER}"`);
  const scores = new Map<string, EpssScore>();
  for (let i = 2; i < lines.length; i++) addRow(lines[i] ?? '', `line ${i + 1}`, scores);
  return { ...metadata, scores };
}

/** Parses an EPSS CSV; throws THREAT_DATA_INVALID naming the line and the reason. */
export function parseEpssCsv(text: string): EpssScores {
  try {
    return parseLines(text);
  } catch (error) {
    if (!(error instanceof InputProblem)) throw error;
    throw new PatchcastError(
      'THREAT_DATA_INVALID',
      `Not an EPSS scores file: ${error.path}: ${error.reason}.`,
      {
        hint: 'Use the CSV published by FIRST (epss_scores-YYYY-MM-DD.csv), uncompressed.',
        cause: error,
      },
    );
  }
}
