/** Pick a published patch; its publication entry is fetched and verified in this browser. */
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { PublicationProofResponse } from '@patchcast/protocol';
import { fill, request } from '../api/client.js';
import { patches } from '../api/endpoints.js';
import { LOG_API } from '../api/paths.js';
import { verifyPublicationProof } from '../log-verify.js';
import type { VerifiedEntry } from '../log-verify.js';
import { useLive } from '../live.js';
import { ErrorLine } from './error-line.js';

export function VerifyPublication(props: { verifierKey: string | undefined }): JSX.Element {
  const { data } = useLive(patches, () => false, []);
  const choices = (data?.patches ?? []).flatMap((p) =>
    p.versions.map((v) => ({ name: p.name, version: v.version })),
  );
  const [chosen, setChosen] = useState(0);
  const [result, setResult] = useState<VerifiedEntry | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const verify = (event: Event): void => {
    event.preventDefault();
    const ref = choices[chosen];
    if (ref === undefined || props.verifierKey === undefined) return;
    setResult(undefined);
    setError(undefined);
    request<PublicationProofResponse>('GET', fill(LOG_API.patchProof, ref))
      .then((proof) => setResult(verifyPublicationProof(proof, props.verifierKey ?? '')))
      .catch((e: unknown) => setError(e));
  };
  return (
    <form onSubmit={verify} class="stack">
      <label for="publication">Published patch</label>
      <select id="publication" onChange={(e) => setChosen(Number(e.currentTarget.value))}>
        {choices.map((c, i) => (
          <option value={i}>
            {c.name}@{c.version}
          </option>
        ))}
      </select>
      <button type="submit" disabled={choices.length === 0 || props.verifierKey === undefined}>
        Verify its publication in this browser
      </button>
      <ErrorLine error={error} />
      {result === undefined ? null : (
        <div role="status">
          <p>
            <strong>Verified</strong>: entry {result.index} is included in the checkpoint of{' '}
            {result.treeSize} entries signed by the log key of {result.origin}.
          </p>
          <pre>{result.entry}</pre>
        </div>
      )}
    </form>
  );
}
