/** A valid plan whose lines the hostile tests edit one at a time. */
export const BASE = `version: 1
target:
  labels:
    env: prod
waves:
  - name: canary
    labels: { ring: canary }
    bake: 1h
  - name: early
    percent: 10
    bake: 2h
  - name: broad
    percent: 40
    bake: 4h
    approval: true
  - name: everyone
    rest: true
    bake: 30m
thresholds:
  successPercent: 95
  failurePercent: 5
maxConcurrent: 200
maintenanceWindows:
  - cron: '0 22 * * mon-fri'
    timezone: Europe/Berlin
    duration: 6h
judge:
  alpha: 0.05
  metrics:
    - name: cpu_percent
      direction: increase-is-bad
      tolerance: { relative: 0.1 }
onFail: rollback
expedite:
  waves:
    - percent: 5
      bake: 10m
    - rest: true
      bake: 10m
`;

/** Replaces one exact piece of the base plan, failing loudly if it is not there. */
export function edit(from: string, to: string, text = BASE): string {
  if (!text.includes(from)) throw new Error(`base plan has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** 1-based line of the first occurrence of a piece of text. */
export function lineOf(text: string, piece: string): number {
  const at = text.indexOf(piece);
  if (at < 0) throw new Error(`no ${JSON.stringify(piece)}`);
  return text.slice(0, at).split('\n').length;
}
