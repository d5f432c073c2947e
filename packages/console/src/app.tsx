/** The console: sign-in, then the shell with its pages. */
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { SessionResponse } from '@patchcast/protocol';
import { useCsrf, whenSignedOut } from './api/client.js';
import { currentSession, signOut } from './api/endpoints.js';
import { closeLive } from './live.js';
import { Link, match, useLocation } from './router.js';
import { SignIn } from './pages/sign-in.js';
import { Overview } from './pages/overview.js';
import { RolloutList } from './pages/rollout-list.js';
import { RolloutPage } from './pages/rollout-page.js';
import { StartRollout } from './pages/start-rollout.js';
import { DeviceList } from './pages/device-list.js';
import { DevicePage } from './pages/device-page.js';
import { Patches } from './pages/patches.js';
import { Vulnerabilities } from './pages/vulnerabilities.js';
import { LogPage } from './pages/log-page.js';

const NAV: readonly [string, string][] = [
  ['/', 'Overview'],
  ['/rollouts', 'Rollouts'],
  ['/devices', 'Devices'],
  ['/patches', 'Patches'],
  ['/vulnerabilities', 'Vulnerabilities'],
  ['/log', 'Log'],
];

function page(path: string, session: SessionResponse): JSX.Element {
  const role = session.role;
  if (path === '/rollouts') return <RolloutList role={role} />;
  if (path === '/rollouts/new') return <StartRollout />;
  const rollout = match('/rollouts/:id', path);
  if (rollout?.id !== undefined) return <RolloutPage id={rollout.id} role={role} />;
  if (path === '/devices') return <DeviceList />;
  const device = match('/devices/:id', path);
  if (device?.id !== undefined) return <DevicePage id={device.id} />;
  if (path === '/patches') return <Patches />;
  if (path === '/vulnerabilities') return <Vulnerabilities />;
  if (path === '/log') return <LogPage />;
  return <Overview />;
}

function current(href: string, path: string): boolean {
  return href === '/' ? path === '/' : path.startsWith(href);
}

export function App(): JSX.Element {
  const [session, setSession] = useState<SessionResponse | null | undefined>(undefined);
  const { path } = useLocation();
  useEffect(() => {
    whenSignedOut(() => setSession(null));
    currentSession().then(
      (s) => (useCsrf(s.csrf), setSession(s)),
      () => setSession(null),
    );
  }, []);
  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={(s) => (useCsrf(s.csrf), setSession(s))} />;
  const leave = (): void => {
    void signOut().finally(() => (useCsrf(undefined), closeLive(), setSession(null)));
  };
  return (
    <>
      <header class="top">
        <span class="brand">Patchcast</span>
        <nav aria-label="Main">
          {NAV.map(([href, label]) => (
            <Link href={href} aria-current={current(href, path) ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <span class="who">
          {session.name} ({session.role})
        </span>
        <button type="button" onClick={leave}>
          Sign out
        </button>
      </header>
      <main>{page(path, session)}</main>
    </>
  );
}
