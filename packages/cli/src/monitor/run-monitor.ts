/**
 * `patchcast audit monitor`: follows a log pass after pass (follow-log.ts), checks each new
 * publication's signers against the allowed-signers file, and keeps its state only after a pass
 * that found nothing wrong, so that a problem is reported again after a restart until resolved.
 */
import {
  CompactRange,
  PatchcastError,
  SecurityError,
  entryBundlePath,
  parseEntryBundle,
  parseVerifierKey,
  TILE_WIDTH,
} from '@patchcast/core';
import { consistencyProofResponse, keyTransitionsResponse } from '@patchcast/protocol';
import type { PatchcastClient } from '@patchcast/protocol';
import type { z } from 'zod';
import type { AllowedSigners } from './allowed-signers.js';
import { allowedAs } from './allowed-signers.js';
import { followLog } from './follow-log.js';
import type { LogReader, NewEntry, Pass } from './follow-log.js';
import { loadState, saveState } from './monitor-state.js';
import type { MonitorState } from './monitor-state.js';
import { RepositoryView } from './publication-signers.js';

/** A problem the monitor found. Webhooks (issue 17, built separately) will subscribe here. */
export interface MonitorAlert {
  readonly code: string;
  readonly message: string;
  readonly server: string;
  readonly at: string;
}

export interface PassReport {
  readonly ok: true;
  readonly server: string;
  readonly size: number;
  readonly newEntries: number;
  readonly publications: number;
  readonly keyTransitions: number;
}

export interface MonitorOptions {
  readonly client: PatchcastClient;
  readonly stateDir: string;
  /** The log key obtained out of band; else the server's /log/key on the first run. */
  readonly logKey?: string | undefined;
  readonly allowed?: AllowedSigners | undefined;
  readonly intervalMs: number;
  readonly once: boolean;
  readonly signal: AbortSignal;
  readonly print: (line: string) => void;
  readonly onPass: (report: PassReport) => void;
  /** Awaited before the monitor ends with the alert's error (a webhook is sent from here). */
  readonly onAlert: (alert: MonitorAlert) => Promise<void> | void;
}

export async function runMonitor(options: MonitorOptions): Promise<void> {
  const reader = httpLogReader(options.client);
  let state = await initialState(options);
  for (;;) {
    try {
      state = await onePass(options, reader, state);
    } catch (error) {
      if (error instanceof SecurityError) {
        await options.onAlert({
          code: error.code,
          message: error.message,
          server: options.client.server,
          at: new Date().toISOString(),
        });
      }
      if (options.once || error instanceof SecurityError || !isTransient(error)) throw error;
      options.print(`WARNING: monitor pass failed: ${(error as Error).message}; retrying`);
    }
    if (options.once || !(await pause(options.intervalMs, options.signal))) return;
  }
}

async function onePass(
  options: MonitorOptions,
  reader: LogReader,
  state: MonitorState,
): Promise<MonitorState> {
  const pass = await followLog(state, reader);
  const publications = await checkSigners(options, pass.entries);
  await saveState(options.stateDir, pass.state);
  options.onPass(passReport(options, pass, publications));
  return pass.state;
}

function passReport(options: MonitorOptions, pass: Pass, publications: number): PassReport {
  return {
    ok: true,
    server: options.client.server,
    size: pass.checkpoint.size,
    newEntries: pass.entries.length,
    publications,
    keyTransitions: pass.state.transitions.length,
  };
}

/** Every new publication is signed only by keys the allowed-signers file allows for its name. */
async function checkSigners(
  options: MonitorOptions,
  entries: readonly NewEntry[],
): Promise<number> {
  const published = entries.filter((e) => e.event.type === 'patch-published');
  const { allowed } = options;
  if (allowed === undefined || published.length === 0) return published.length;
  const view = new RepositoryView((file) =>
    options.client.publicFile(`/tuf/metadata/${encodeURIComponent(file)}`),
  );
  const problems: string[] = [];
  for (const { index, event } of published) {
    if (event.type !== 'patch-published') continue;
    const what = `entry ${index} (${event.name}@${event.version})`;
    const signers = await view.signersOf(event.targetPath);
    if (signers === undefined || signers.keyids.length === 0) {
      problems.push(`${what}: no signed targets metadata lists ${event.targetPath}`);
      continue;
    }
    const unexpected = signers.keyids.filter(
      (id) => allowedAs(allowed, id, event.name).length === 0,
    );
    if (unexpected.length > 0) {
      problems.push(
        `${what}: signed in role ${signers.role} by key(s) ${unexpected.join(', ')}, not allowed for ${event.name}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new SecurityError('SECURITY_UNEXPECTED_SIGNER', problems.join('; '));
  }
  return published.length;
}

async function initialState(options: MonitorOptions): Promise<MonitorState> {
  const stored = await loadState(options.stateDir);
  if (stored !== undefined) {
    if (options.logKey !== undefined && options.logKey.trim() !== stored.logKey) {
      throw new PatchcastError('CONFIG_INVALID', `${options.stateDir} follows another log key`, {
        hint: 'a monitor keeps the key it started with; use another --state folder for another log',
      });
    }
    return stored;
  }
  let key = options.logKey?.trim();
  if (key === undefined) {
    options.print("WARNING: no --log-key given; trusting the server's /log/key on first use");
    key = new TextDecoder().decode(await need(options.client, '/log/key')).trim();
  }
  parseVerifierKey(key);
  return { logKey: key, transitions: [], checkpoint: undefined, tree: new CompactRange() };
}

function httpLogReader(client: PatchcastClient): LogReader {
  return {
    checkpoint: async () => new TextDecoder().decode(await need(client, '/log/checkpoint')),
    keyTransitions: async () => {
      const bytes = await client.publicFile('/log/key-transitions');
      return bytes === undefined ? [] : parsed(keyTransitionsResponse, bytes).transitions;
    },
    consistency: async (from, to) => {
      const bytes = await client.publicFile(`/log/proof/consistency/${from}/${to}`);
      if (bytes === undefined) {
        throw new SecurityError(
          'SECURITY_LOG_FORKED',
          `the log cannot prove that its tree of ${to} entries extends the one of ${from}`,
        );
      }
      const { hashes } = parsed(consistencyProofResponse, bytes);
      return hashes.map((hash) => new Uint8Array(Buffer.from(hash, 'base64')));
    },
    entries: async (start, end) => {
      const leaves: Uint8Array[] = [];
      for (let index = Math.floor(start / TILE_WIDTH); index * TILE_WIDTH < end; index += 1) {
        const width = Math.min(TILE_WIDTH, end - index * TILE_WIDTH);
        const bytes = await need(client, `/log/${entryBundlePath({ index, width })}`);
        const bundle = parseEntryBundle(bytes, width);
        leaves.push(...bundle.slice(Math.max(0, start - index * TILE_WIDTH)));
      }
      return leaves;
    },
  };
}

async function need(client: PatchcastClient, path: string): Promise<Uint8Array> {
  const bytes = await client.publicFile(path);
  if (bytes === undefined) throw new PatchcastError('NOT_FOUND', `the server has no ${path}`);
  return bytes;
}

function json(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new SecurityError('SECURITY_METADATA_MALFORMED', 'the log answered with invalid JSON');
  }
}

function parsed<T>(schema: z.ZodType<T>, bytes: Uint8Array): T {
  const result = schema.safeParse(json(bytes));
  if (!result.success) {
    throw new SecurityError(
      'SECURITY_METADATA_MALFORMED',
      'the log answered with an unexpected shape',
    );
  }
  return result.data;
}

/** The server is down or answering errors: the monitor keeps trying (not with --once). */
function isTransient(error: unknown): boolean {
  return (
    !(error instanceof PatchcastError) ||
    ['SERVER_UNREACHABLE', 'NOT_FOUND', 'INTERNAL'].includes(error.code)
  );
}

/** Waits `ms`; false if the monitor was asked to stop. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
