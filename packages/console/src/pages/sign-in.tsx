/** Sign in with an API token: POSTed in the body, answered with an HttpOnly session cookie. */
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { SessionResponse } from '@patchcast/protocol';
import { signIn } from '../api/endpoints.js';
import { ErrorLine } from '../parts/error-line.js';

export function SignIn(props: { onSignedIn: (s: SessionResponse) => void }): JSX.Element {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = (event: Event): void => {
    event.preventDefault();
    setBusy(true);
    signIn(token.trim()).then(
      (session) => props.onSignedIn(session),
      (e: unknown) => (setError(e), setBusy(false)),
    );
  };
  return (
    <main class="sign-in">
      <h1>Patchcast console</h1>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <ErrorLine error={error} />
        <p class="hint">
          An admin creates tokens with <code>patchcast token create</code>; the first one is in{' '}
          <code>&lt;data&gt;/initial-admin-token</code>.
        </p>
      </form>
    </main>
  );
}
