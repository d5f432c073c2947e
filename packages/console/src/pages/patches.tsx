/**
 * Patches: every published version, the targets role that signed it, withdrawals, fixes; and the
 * repository's roles with their keys, expiry dates and expiry warnings.
 */
import type { JSX } from 'preact';
import { patches, repositoryRoles } from '../api/endpoints.js';
import { useLive } from '../live.js';
import { ErrorLine } from '../parts/error-line.js';
import { RoleList, RoleWarnings } from '../parts/role-list.js';

export function Patches(): JSX.Element {
  const { data, error } = useLive(patches, (e) => e.kind === 'log', []);
  const roles = useLive(repositoryRoles, (e) => e.kind === 'log', []);
  return (
    <section>
      <h1>Patches</h1>
      {roles.data === undefined ? null : <RoleWarnings data={roles.data} />}
      <ErrorLine error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Patch</th>
            <th scope="col">Version</th>
            <th scope="col">State</th>
            <th scope="col">Signed by</th>
            <th scope="col">Size</th>
            <th scope="col">Published</th>
            <th scope="col">Fixes</th>
          </tr>
        </thead>
        <tbody>
          {(data?.patches ?? []).flatMap((p) =>
            p.versions.map((v) => (
              <tr>
                <td>{p.name}</td>
                <td>{v.version}</td>
                <td>{v.state}</td>
                <td>{v.role ?? 'targets'}</td>
                <td>{v.length.toLocaleString()} B</td>
                <td>{v.publishedAt?.slice(0, 10) ?? ''}</td>
                <td>{v.fixes.flatMap((f) => f.advisories).join(', ')}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      <h2>Roles and keys</h2>
      <ErrorLine error={roles.error} />
      {roles.data === undefined ? null : <RoleList data={roles.data} />}
    </section>
  );
}
