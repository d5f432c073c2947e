/** The transparency log: its signed checkpoint and key (C2SP signed notes). */
import type { JSX } from 'preact';
import { LOG_API } from '../api/paths.js';
import { useLive } from '../live.js';
import { ErrorLine } from '../parts/error-line.js';
import { VerifyPublication } from '../parts/verify-publication.js';
import { LogEntries } from '../parts/log-entries.js';

async function text(path: string): Promise<string> {
  const response = await fetch(path, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.text();
}

export function LogPage(): JSX.Element {
  const checkpoint = useLive(
    () => text(LOG_API.checkpoint),
    (e) => e.kind === 'log',
    [],
  );
  const key = useLive(
    () => text(LOG_API.key),
    () => false,
    [],
  );
  const [origin, size, root] = (checkpoint.data ?? '').split('\n');
  return (
    <section>
      <h1>Transparency log</h1>
      <ErrorLine error={checkpoint.error ?? key.error} />
      <dl class="facts">
        <dt>Origin</dt>
        <dd>{origin}</dd>
        <dt>Entries</dt>
        <dd>{size}</dd>
        <dt>Root hash</dt>
        <dd>
          <code>{root}</code>
        </dd>
        <dt>Log key</dt>
        <dd>
          <code>{key.data?.trim()}</code>
        </dd>
      </dl>
      <h2>Signed checkpoint</h2>
      <pre>{checkpoint.data}</pre>
      <h2>Verify an entry</h2>
      <p class="hint">
        The proof and the log key come from the server; the check runs here, with the same code an
        agent runs before it installs a patch.
      </p>
      <VerifyPublication verifierKey={key.data} />
      <h2>Entries</h2>
      {checkpoint.data === undefined || key.data === undefined ? null : (
        <LogEntries checkpoint={checkpoint.data} verifierKey={key.data} />
      )}
    </section>
  );
}
