/**
 * Live updates: one EventSource on /api/v1/events for the page. A hook re-reads its data when an
 * event it cares about arrives (or the stream reconnects: it may have missed some).
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleEvent } from '@patchcast/protocol';
import { CONSOLE_API } from './api/paths.js';

type Listener = (event: ConsoleEvent) => void;
const listeners = new Set<Listener>();
let source: EventSource | undefined;

function connect(): void {
  if (source !== undefined) return;
  source = new EventSource(CONSOLE_API.events, { withCredentials: true });
  source.addEventListener('change', (message: MessageEvent<string>) => {
    const event = JSON.parse(message.data) as ConsoleEvent;
    for (const listener of listeners) listener(event);
  });
}

export function closeLive(): void {
  source?.close();
  source = undefined;
}

/**
 * Loads with `load`, and loads again on every event `wanted` accepts. Answers the latest data,
 * the error of the latest load, and a reload function.
 */
export function useLive<T>(
  load: () => Promise<T>,
  wanted: (event: ConsoleEvent) => boolean,
  deps: readonly unknown[],
): { data: T | undefined; error: Error | undefined; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && (setData(value), setError(undefined)),
      (e: unknown) => live && setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  useEffect(() => {
    connect();
    let pending: number | undefined;
    const listener: Listener = (event) => {
      if (event.kind !== 'hello' && !wanted(event)) return;
      pending ??= window.setTimeout(() => {
        pending = undefined;
        setTick((t) => t + 1);
      }, 50);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      clearTimeout(pending);
    };
  }, deps);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
