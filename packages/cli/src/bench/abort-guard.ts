/**
 * Synchronous cleanups that must run even when a benchmark is interrupted (Ctrl-C, SIGTERM) or the
 * process exits early: stop child processes, remove temporary folders.
 */
const cleanups = new Set<() => void>();
let installed = false;

/** Registers `cleanup`; the returned function unregisters it (call it after a normal cleanup). */
export function atAbort(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', runAll);
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        runAll();
        process.kill(process.pid, signal);
      });
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function runAll(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // best effort: the process is going away
    }
  }
  cleanups.clear();
}
