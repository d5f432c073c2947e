/**
 * A precise reason why untrusted input was refused: where (a JSON path such as
 * `affected[1].ranges[0].events[2].fixed`, or `line 12`) and why.
 */
export interface Problem {
  readonly path: string;
  readonly reason: string;
}

/** Thrown inside the hand-written parsers and turned into a {@link Problem} at their entry. */
export class InputProblem extends Error {
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'InputProblem';
    this.path = path;
    this.reason = reason;
  }

  toProblem(): Problem {
    return { path: this.path, reason: this.reason };
  }
}

export function formatProblem(problem: Problem): string {
  return problem.path === '' ? problem.reason : `${problem.path}: ${problem.reason}`;
}
