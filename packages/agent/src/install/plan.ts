/** Step 1: look at the managed root (lstat only) and decide every action, before touching it. */
import { PatchcastError } from '@patchcast/core/base';
import { ancestorsOfPath } from './paths.js';
import type { BundleFileEntry, BundleManifest, BundleSymlinkEntry } from '@patchcast/protocol';
import type { OriginalFile } from './journal-model.js';
import { TreeInspector } from './tree-inspector.js';
import type { NodeKind } from './tree-inspector.js';

/** What a create or replace puts at its path: a file's content or a symbolic link. */
export type NewNode = { readonly file: BundleFileEntry } | { readonly link: BundleSymlinkEntry };

export type PlannedAction =
  | ({ readonly kind: 'create'; readonly path: string } & NewNode)
  | ({ readonly kind: 'replace'; readonly path: string; readonly original: OriginalFile } & NewNode)
  | { readonly kind: 'remove'; readonly path: string; readonly original: OriginalFile };

export interface InstallPlan {
  readonly root: string;
  readonly createdDirs: readonly string[];
  readonly actions: readonly PlannedAction[];
}

export async function planInstall(
  manifest: BundleManifest,
  root: string,
  stateInRoot?: string,
): Promise<InstallPlan> {
  if (stateInRoot !== undefined) checkOutsideState(manifest, stateInRoot);
  const inspector = new TreeInspector(root);
  const createdDirs = new Set<string>();
  const actions: PlannedAction[] = [];
  for (const file of manifest.files) {
    for (const dir of await missingParents(inspector, file.path)) createdDirs.add(dir);
    actions.push(await planFile(inspector, file));
  }
  for (const link of manifest.symlinks ?? []) {
    for (const dir of await missingParents(inspector, link.path)) createdDirs.add(dir);
    actions.push(await planLink(inspector, link));
  }
  for (const path of manifest.removals ?? []) {
    const action = await planRemoval(inspector, path);
    if (action !== undefined) actions.push(action);
  }
  return { root, createdDirs: [...createdDirs], actions };
}

async function missingParents(inspector: TreeInspector, path: string): Promise<string[]> {
  const missing: string[] = [];
  for (const dir of ancestorsOfPath(path)) {
    const kind = missing.length > 0 ? 'missing' : await inspector.kind(dir);
    if (kind === 'missing') missing.push(dir);
    else if (kind === 'symlink') throw symlinkInRoot(dir);
    else if (kind !== 'dir') throw installFailed(`"${dir}" is a ${kind} where a folder is needed`);
  }
  return missing;
}

async function planFile(inspector: TreeInspector, file: BundleFileEntry): Promise<PlannedAction> {
  const kind = await inspector.kind(file.path);
  if (kind === 'missing') return { kind: 'create', path: file.path, file };
  if (kind === 'file') {
    return {
      kind: 'replace',
      path: file.path,
      file,
      original: await inspector.original(file.path),
    };
  }
  throw kind === 'symlink'
    ? symlinkInRoot(file.path)
    : installFailed(
        `"${file.path}" is a ${kind} in the managed root; the bundle puts a file there`,
      );
}

/** A link replaces a file or a link at its path (the old link itself, never what it names). */
async function planLink(
  inspector: TreeInspector,
  link: BundleSymlinkEntry,
): Promise<PlannedAction> {
  const kind = await inspector.kind(link.path);
  if (kind === 'missing') return { kind: 'create', path: link.path, link };
  if (kind === 'file' || kind === 'symlink') {
    return {
      kind: 'replace',
      path: link.path,
      link,
      original: await inspector.original(link.path),
    };
  }
  throw installFailed(
    `"${link.path}" is a ${kind} in the managed root; the bundle puts a link there`,
  );
}

async function planRemoval(inspector: TreeInspector, path: string) {
  for (const dir of ancestorsOfPath(path)) {
    const kind = await inspector.kind(dir);
    if (kind === 'symlink') throw symlinkInRoot(dir);
    if (kind !== 'dir') return undefined;
  }
  const kind: NodeKind = await inspector.kind(path);
  if (kind === 'missing') return undefined;
  if (kind === 'file') {
    return { kind: 'remove', path, original: await inspector.original(path) } as const;
  }
  throw kind === 'symlink'
    ? symlinkInRoot(path)
    : installFailed(`"${path}" is a ${kind}; removals remove files only`);
}

function checkOutsideState(manifest: BundleManifest, state: string): void {
  const paths = [
    ...manifest.files.map((file) => file.path),
    ...(manifest.symlinks ?? []).map((link) => link.path),
    ...(manifest.removals ?? []),
  ];
  const inside = paths.find((path) => path === state || path.startsWith(`${state}/`));
  if (inside !== undefined) {
    throw new PatchcastError('BUNDLE_PATH_UNSAFE', `"${inside}" is inside the agent state folder`, {
      hint: 'bundles may not write into the agent state folder',
    });
  }
}

function symlinkInRoot(path: string): PatchcastError {
  return new PatchcastError(
    'BUNDLE_PATH_UNSAFE',
    `"${path}" is a symbolic link in the managed root; refusing to write through it`,
    { hint: 'replace the link with a real folder or file, or remove it from the bundle' },
  );
}

function installFailed(message: string): PatchcastError {
  return new PatchcastError('INSTALL_FAILED', message, {
    hint: 'the managed root was not changed; fix the conflicting path and retry',
  });
}
