/**
 * The Patches page's roles: root's four and the delegated targets roles, with their keys,
 * threshold, version and expiry, and a warning for those signed offline that expire soon.
 */
import type { JSX } from 'preact';
import type { RepositoryRole, RepositoryRolesResponse } from '@patchcast/protocol';

function shortIds(ids: readonly string[]): string {
  return ids.map((id) => id.slice(0, 8)).join(', ');
}

function keysText(role: RepositoryRole): string {
  const classical = `${role.keys.threshold} of ${role.keys.keyids.length}: ${shortIds(role.keys.keyids)}`;
  const pq = role.pqKeys;
  return pq === undefined
    ? classical
    : `${classical}; ML-DSA ${pq.threshold} of ${pq.keyids.length}: ${shortIds(pq.keyids)}`;
}

function warningText(role: RepositoryRole, days: number): string {
  if (role.warning === 'expired') return `expired: re-sign ${role.name} now`;
  if (role.warning === 'expires-soon') return `expires within ${days} days: re-sign ${role.name}`;
  return role.online ? 're-signed by the server' : '';
}

export function RoleWarnings(props: { data: RepositoryRolesResponse }): JSX.Element | null {
  const warned = props.data.roles.filter((r) => r.warning !== null);
  if (warned.length === 0) return null;
  return (
    <ul class="warnings" role="alert">
      {warned.map((r) => (
        <li>
          Role <strong>{r.name}</strong> {warningText(r, props.data.warningDays)} (expires{' '}
          {r.expires?.slice(0, 10)})
        </li>
      ))}
    </ul>
  );
}

export function RoleList(props: { data: RepositoryRolesResponse }): JSX.Element {
  const { roles, warningDays } = props.data;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Role</th>
          <th scope="col">Delegated by</th>
          <th scope="col">Paths</th>
          <th scope="col">Keys (threshold of keys)</th>
          <th scope="col">Version</th>
          <th scope="col">Expires</th>
          <th scope="col">Warning</th>
        </tr>
      </thead>
      <tbody>
        {roles.map((r) => (
          <tr class={r.warning === null ? undefined : 'warn'}>
            <td>{r.name}</td>
            <td>{r.delegatedBy ?? '–'}</td>
            <td>{r.paths?.join(', ') ?? ''}</td>
            <td>{keysText(r)}</td>
            <td>{r.version === 0 ? 'none yet' : r.version}</td>
            <td>{r.expires?.replace('T', ' ').slice(0, 16) ?? '–'}</td>
            <td>{warningText(r, warningDays)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
