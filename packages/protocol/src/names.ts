/** Patch names, versions and how they map onto TUF target paths. */
import { PatchcastError } from '@patchcast/core/base';

export const PATCH_NAME = /^[a-z0-9][a-z0-9._+-]{0,127}$/;
export const PATCH_VERSION = /^[A-Za-z0-9][A-Za-z0-9.+~:_-]{0,63}$/;

export interface PatchRef {
  readonly name: string;
  readonly version: string;
}

/** The TUF target path of a patch bundle: `<name>/<version>/bundle.tar`. */
export function targetPathOf(ref: PatchRef): string {
  return `${ref.name}/${ref.version}/bundle.tar`;
}

/** Inverse of targetPathOf; undefined for paths that are not patch bundles. */
export function patchOfTargetPath(path: string): PatchRef | undefined {
  const parts = path.split('/');
  if (parts.length !== 3 || parts[2] !== 'bundle.tar') return undefined;
  const [name = '', version = ''] = parts;
  return PATCH_NAME.test(name) && PATCH_VERSION.test(version) ? { name, version } : undefined;
}

/** Parses `NAME@VERSION` as typed by a user. */
export function parsePatchRef(text: string): PatchRef {
  const at = text.lastIndexOf('@');
  const ref = { name: text.slice(0, at), version: text.slice(at + 1) };
  if (at <= 0) {
    throw new PatchcastError('USAGE', `"${text}" is not NAME@VERSION`, {
      hint: 'write the patch as name@version, e.g. openssl-fix@1.0.1',
    });
  }
  assertPatchRef(ref);
  return ref;
}

export function assertPatchRef(ref: PatchRef): void {
  if (!PATCH_NAME.test(ref.name)) {
    throw new PatchcastError('INVALID_INPUT', `invalid patch name "${ref.name}"`, {
      hint: 'use lowercase letters, digits and . _ + - (at most 128 characters, starting with a letter or digit)',
    });
  }
  if (!PATCH_VERSION.test(ref.version)) {
    throw new PatchcastError('INVALID_INPUT', `invalid patch version "${ref.version}"`, {
      hint: 'use letters, digits and . + ~ : _ - (at most 64 characters, starting with a letter or digit)',
    });
  }
}

export function formatPatchRef(ref: PatchRef): string {
  return `${ref.name}@${ref.version}`;
}

/** The reserved patch name of the agent's own updates (ADR 0036): installer `agent`, one file. */
export const AGENT_PATCH_NAME = 'patchcast-agent';
/** The one file of an agent update: the new single executable. */
export const AGENT_EXE_FILE = 'patchcast-agent';
