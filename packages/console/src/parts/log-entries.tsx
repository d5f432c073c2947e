/** The log's entries, a bundle of 256 at a time, filtered by type; each verifiable here. */
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { entryBundle, openLog, verifyEntry } from '../log-browse.js';
import type { LogEntryRow, OpenedLog } from '../log-browse.js';
import { ErrorLine } from './error-line.js';

function Row(props: { log: OpenedLog; row: LogEntryRow }): JSX.Element {
  const [outcome, setOutcome] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const check = (): void => {
    verifyEntry(props.log, props.row).then(
      (hashes) =>
        setOutcome(`included (${hashes} proof hashes, root of ${props.log.checkpoint.size})`),
      (e: unknown) => setError(e),
    );
  };
  return (
    <tr>
      <td>{props.row.index}</td>
      <td>{props.row.type}</td>
      <td>
        {outcome ?? (
          <button type="button" onClick={check} aria-label={`Verify entry ${props.row.index}`}>
            Verify
          </button>
        )}
        <ErrorLine error={error} />
      </td>
    </tr>
  );
}

export function LogEntries(props: { checkpoint: string; verifierKey: string }): JSX.Element {
  const [log, setLog] = useState<OpenedLog | undefined>(undefined);
  const [rows, setRows] = useState<LogEntryRow[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [start, setStart] = useState('');
  const [type, setType] = useState('');
  useEffect(() => {
    try {
      const opened = openLog(props.checkpoint, props.verifierKey);
      setLog(opened);
      const last = Math.max(0, opened.checkpoint.size - 1);
      entryBundle(opened, start === '' ? last : Number(start)).then(setRows, setError);
    } catch (e) {
      setError(e);
    }
  }, [props.checkpoint, props.verifierKey, start]);
  const types = [...new Set(rows.map((r) => r.type))].sort();
  const shown = rows.filter((r) => type === '' || r.type === type);
  return (
    <>
      <ErrorLine error={error} />
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="entry-index">Entries around index</label>
        <input
          id="entry-index"
          type="number"
          min={0}
          value={start}
          onChange={(e) => setStart(e.currentTarget.value)}
        />
        <label for="entry-type">Type</label>
        <select id="entry-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
          <option value="">all</option>
          {types.map((t) => (
            <option value={t}>{t}</option>
          ))}
        </select>
      </form>
      {log === undefined ? null : (
        <table>
          <thead>
            <tr>
              <th scope="col">Index</th>
              <th scope="col">Type</th>
              <th scope="col">Inclusion</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <Row log={log} row={row} key={row.index} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
