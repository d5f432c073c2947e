/**
 * Root draft files: what `patchcast root init` writes, `root sign` extends and `root publish`
 * uploads. A draft holds root N+1 (a TUF root envelope with the signatures so far) and root N,
 * which says whose signatures root N+1 still needs: root N's root keys must sign it too.
 *
 *   {"format": "patchcast-root-draft/v1", "previous": <root N envelope>, "root": <root N+1 envelope>}
 *
 * Both envelopes are kept as the JSON they were read from, so what was signed is never
 * re-serialised from a model (unknown fields survive).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PatchcastError, parseEnvelope } from '@patchcast/core';
import type { ParsedEnvelope, Root, Signature } from '@patchcast/core';
import { writeFileAtomic } from '../bundle/index.js';

export const ROOT_DRAFT_FORMAT = 'patchcast-root-draft/v1';
const MAX_DRAFT_BYTES = 4 * 1024 * 1024;

interface RawEnvelope {
  readonly signed: unknown;
  readonly signatures: readonly Signature[];
}

export interface RootDraft {
  readonly previous: ParsedEnvelope<Root>;
  readonly root: ParsedEnvelope<Root>;
  readonly raw: { readonly previous: RawEnvelope; readonly root: RawEnvelope };
}

export async function readRootDraft(path: string): Promise<RootDraft> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_DRAFT_BYTES) throw new Error('the file is too large for a root draft');
    text = bytes.toString('utf8');
  } catch (error) {
    throw invalid(path, (error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(path, 'it is not JSON');
  }
  const draft = json as { format?: unknown; previous?: unknown; root?: unknown };
  if (typeof json !== 'object' || json === null || draft.format !== ROOT_DRAFT_FORMAT) {
    throw invalid(path, `it is not a ${ROOT_DRAFT_FORMAT} file`);
  }
  const previous = envelope(draft.previous, path, 'previous');
  const root = envelope(draft.root, path, 'root');
  return {
    previous,
    root,
    raw: {
      previous: { signed: (draft.previous as RawEnvelope).signed, signatures: previous.signatures },
      root: { signed: (draft.root as RawEnvelope).signed, signatures: root.signatures },
    },
  };
}

/** Parses root metadata given as JSON (a draft's envelope, or a root.json file's contents). */
export function rootEnvelopeOf(bytes: Uint8Array, source: string): ParsedEnvelope<Root> {
  try {
    return parseEnvelope('root', bytes);
  } catch (error) {
    throw invalid(source, `it is not root metadata: ${(error as Error).message}`);
  }
}

function envelope(value: unknown, path: string, field: string): ParsedEnvelope<Root> {
  return rootEnvelopeOf(
    new TextEncoder().encode(JSON.stringify(value ?? null)),
    `${path} (${field})`,
  );
}

function invalid(path: string, why: string): PatchcastError {
  return new PatchcastError('ROOT_DRAFT_INVALID', `cannot use root ${path}: ${why}`, {
    hint: 'make a draft with patchcast root init',
  });
}

export function rootDraftText(previous: RawEnvelope, root: RawEnvelope): string {
  return `${JSON.stringify({ format: ROOT_DRAFT_FORMAT, previous, root }, null, 1)}\n`;
}

/** Writes the draft whole or not at all; `create` refuses to replace an existing file. */
export async function writeRootDraft(
  path: string,
  text: string,
  options: { readonly create?: boolean } = {},
): Promise<void> {
  if (options.create === true && existsSync(path)) {
    throw new PatchcastError('CONFLICT', `${path} already exists; refusing to overwrite a draft`, {
      hint: 'choose another --out file, or move the existing one away first',
    });
  }
  await writeFileAtomic(path, new TextEncoder().encode(text), 0o644);
}
