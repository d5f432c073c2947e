/** The Vulnerabilities page's "Last imports": when, from which files, by whom, what changed. */
import type { JSX } from 'preact';
import type { ImportRecord } from '@patchcast/protocol';

export function ImportList(props: { imports: readonly ImportRecord[] }): JSX.Element {
  if (props.imports.length === 0) return <p>No import yet (`patchcast vulns import`).</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Committed</th>
          <th scope="col">Sources</th>
          <th scope="col">By</th>
          <th scope="col">Advisories</th>
          <th scope="col">Data replaced</th>
          <th scope="col">Devices recomputed</th>
        </tr>
      </thead>
      <tbody>
        {props.imports.map((i) => (
          <tr>
            <td>{i.committedAt.replace('T', ' ').slice(0, 19)}</td>
            <td>{i.sources.length === 0 ? '–' : i.sources.join(', ')}</td>
            <td>{i.committedBy}</td>
            <td>
              {i.advisories.added} added, {i.advisories.updated} updated ({i.advisories.total}{' '}
              stored)
            </td>
            <td>{i.data.length === 0 ? '–' : i.data.join(', ')}</td>
            <td>{i.devicesRecomputed}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
