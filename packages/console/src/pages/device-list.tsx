/**
 * Devices: search by name, id or a `key=value` label; the server pages the matches (50 a page),
 * so the page stays fast with 100,000 devices.
 */
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { devices } from '../api/endpoints.js';
import { useLive } from '../live.js';
import { ErrorLine } from '../parts/error-line.js';
import { Link, navigate, useLocation } from '../router.js';

const PAGE = 50;

export function DeviceList(): JSX.Element {
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const offset = Math.max(0, Number(search.get('offset') ?? 0) || 0);
  const [text, setText] = useState(q);
  const label = q.includes('=') ? q : undefined;
  const { data, error } = useLive(
    () => devices({ ...(label === undefined ? { q } : { label }), offset, limit: PAGE }),
    (e) => e.kind === 'device',
    [q, offset],
  );
  const go = (nextQ: string, nextOffset: number): void => {
    const params = new URLSearchParams();
    if (nextQ !== '') params.set('q', nextQ);
    if (nextOffset > 0) params.set('offset', String(nextOffset));
    const query = params.toString();
    navigate(query === '' ? '/devices' : `/devices?${query}`);
  };
  const total = data?.total ?? 0;
  return (
    <section>
      <h1>Devices</h1>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go(text.trim(), 0);
        }}
      >
        <label for="device-search">Search devices (name, id, or label key=value)</label>
        <input
          id="device-search"
          type="search"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
      </form>
      <ErrorLine error={error} />
      <p class="detail" aria-live="polite">
        {data === undefined
          ? 'Loading…'
          : `${total} ${total === 1 ? 'device' : 'devices'}${total > 0 ? `, ${offset + 1}–${Math.min(offset + PAGE, total)} shown` : ''}`}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Online</th>
            <th scope="col">OS</th>
            <th scope="col">Labels</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {(data?.devices ?? []).map((d) => (
            <tr>
              <td>
                <Link href={`/devices/${d.id}`}>{d.name}</Link>
                {d.revokedAt === undefined ? '' : ' (revoked)'}
              </td>
              <td>{d.online ? 'online' : 'offline'}</td>
              <td>{d.inventory.os}</td>
              <td>
                {Object.entries(d.labels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
              </td>
              <td>{d.lastSeenAt?.replace('T', ' ').slice(0, 19) ?? 'never'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav aria-label="Pages" class="pager">
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => go(q, Math.max(0, offset - PAGE))}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={offset + PAGE >= total}
          onClick={() => go(q, offset + PAGE)}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
