/** Start a rollout of a published patch with a plan (YAML or JSON, docs/rollouts.md). */
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { patches, startRollout } from '../api/endpoints.js';
import { useLive } from '../live.js';
import { ErrorLine } from '../parts/error-line.js';
import { navigate } from '../router.js';

const EXAMPLE_PLAN = `version: 1
target:
  all: true
waves:
  - name: canary
    percent: 10
    bake: 1m
  - name: everyone
    rest: true
    bake: 0s
    approval: true
`;

export function StartRollout(): JSX.Element {
  const { data } = useLive(patches, () => false, []);
  const published = (data?.patches ?? []).flatMap((p) =>
    p.versions.filter((v) => v.state === 'published').map((v) => `${p.name}@${v.version}`),
  );
  const [patch, setPatch] = useState('');
  const [plan, setPlan] = useState(EXAMPLE_PLAN);
  const [error, setError] = useState<unknown>(undefined);
  const chosen = patch === '' ? published[0] : patch;
  const submit = (event: Event): void => {
    event.preventDefault();
    if (chosen === undefined) return;
    const at = chosen.lastIndexOf('@');
    const body = {
      patch: { name: chosen.slice(0, at), version: chosen.slice(at + 1) },
      plan,
      planName: 'console',
    };
    startRollout(body).then(
      (rollout) => navigate(`/rollouts/${rollout.id}`),
      (e: unknown) => setError(e),
    );
  };
  return (
    <section>
      <h1>Start a rollout</h1>
      <form onSubmit={submit} class="stack">
        <label for="patch">Patch</label>
        <select id="patch" value={chosen} onChange={(e) => setPatch(e.currentTarget.value)}>
          {published.map((p) => (
            <option value={p}>{p}</option>
          ))}
        </select>
        <label for="plan">Plan</label>
        <textarea
          id="plan"
          rows={14}
          spellcheck={false}
          value={plan}
          onInput={(e) => setPlan(e.currentTarget.value)}
        />
        <button type="submit" disabled={chosen === undefined}>
          Start rollout
        </button>
        <ErrorLine error={error} />
      </form>
    </section>
  );
}
