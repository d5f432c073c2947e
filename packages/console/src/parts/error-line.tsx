/** An API refusal as the user sees it: code, message, what to do. */
import type { JSX } from 'preact';
import { ApiError } from '../api/client.js';

export function ErrorLine(props: { error: unknown }): JSX.Element | null {
  const { error } = props;
  if (error === undefined || error === null) return null;
  if (error instanceof ApiError)
    return (
      <p class="error" role="alert">
        <strong>{error.code}</strong>: {error.message}
        {error.hint === undefined ? null : <span class="hint"> ({error.hint})</span>}
      </p>
    );
  return (
    <p class="error" role="alert">
      {error instanceof Error ? error.message : 'the request failed'}
    </p>
  );
}
