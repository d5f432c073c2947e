/** The rules zod cannot express: path safety, path-set consistency, modes, canonical order. */
import { malformed, quote, unsafe } from './bundle-error.js';
import type { BundleLimits } from './limits.js';
import { AGENT_EXE_FILE, AGENT_PATCH_NAME } from './manifest.js';
import type { BundleManifest } from './manifest.js';
import { ancestorsOf, checkPath, checkSymlink } from './paths.js';

const SPECIAL_BITS = 0o7000;

export function checkManifestRules(manifest: BundleManifest, limits: BundleLimits): void {
  const files = manifest.files;
  const removals = manifest.removals ?? [];
  if (files.length > limits.maxFiles) {
    throw malformed(`manifest lists ${files.length} files; the limit is ${limits.maxFiles}`);
  }
  if (removals.length > limits.maxFiles) {
    throw malformed(`manifest lists ${removals.length} removals; the limit is ${limits.maxFiles}`);
  }
  const links = manifest.symlinks ?? [];
  if (links.length > limits.maxFiles) {
    throw malformed(`manifest lists ${links.length} symlinks; the limit is ${limits.maxFiles}`);
  }
  files.forEach((file, i) => checkPath(file.path, `files[${i}].path`));
  removals.forEach((path, i) => checkPath(path, `removals[${i}]`));
  links.forEach((link, i) => checkSymlink(link.path, link.target, `symlinks[${i}]`));
  checkNoDuplicates([...files, ...links.map((link) => ({ path: link.path }))], removals);
  checkNoNesting([...files.map((file) => file.path), ...links.map((l) => l.path), ...removals]);
  checkSorted(
    links.map((link) => link.path),
    'symlinks',
    'path',
  );
  checkInstaller(manifest);
  checkProbes(manifest);
  checkModes(manifest, limits.allowSpecialModes);
  checkSorted(
    files.map((file) => file.path),
    'files',
    'path',
  );
  checkSorted(removals, 'removals', 'value');
  checkBlobSizes(manifest);
}

function checkNoDuplicates(
  files: readonly { readonly path: string }[],
  removals: readonly string[],
): void {
  const seen = new Set<string>();
  files.forEach((file, i) => {
    if (seen.has(file.path)) throw unsafe(`files[${i}].path ${quote(file.path)} is listed twice`);
    seen.add(file.path);
  });
  const removed = new Set<string>();
  removals.forEach((path, i) => {
    if (seen.has(path)) throw unsafe(`removals[${i}] ${quote(path)} is also a file of the bundle`);
    if (removed.has(path)) throw unsafe(`removals[${i}] ${quote(path)} is listed twice`);
    removed.add(path);
  });
}

function checkNoNesting(paths: readonly string[]): void {
  const all = new Set(paths);
  for (const path of paths) {
    const parent = ancestorsOf(path).find((ancestor) => all.has(ancestor));
    if (parent !== undefined) {
      throw unsafe(`${quote(parent)} is a file or removal and also a folder of ${quote(path)}`);
    }
  }
}

function checkModes(manifest: BundleManifest, allowSpecial: boolean): void {
  manifest.files.forEach((file, i) => {
    if (!allowSpecial && (file.mode & SPECIAL_BITS) !== 0) {
      throw unsafe(
        `files[${i}].mode 0o${file.mode.toString(8)} of ${quote(file.path)} sets setuid, setgid or sticky bits`,
      );
    }
  });
}

function checkSorted(values: readonly string[], field: string, what: string): void {
  for (let i = 1; i < values.length; i++) {
    if ((values[i - 1] ?? '') >= (values[i] ?? '')) {
      throw malformed(`${field} must be sorted by ${what}: ${field}[${i}] is out of order`);
    }
  }
}

function checkBlobSizes(manifest: BundleManifest): void {
  const sizes = new Map<string, number>();
  manifest.files.forEach((file, i) => {
    const size = sizes.get(file.sha256);
    if (size !== undefined && size !== file.size) {
      throw malformed(`files[${i}].size differs from another file with the same sha256`);
    }
    sizes.set(file.sha256, file.size);
  });
}

const PACKAGE_SUFFIX = { dpkg: '.deb', rpm: '.rpm', npm: '.tgz', pip: '.whl' } as const;

/** dpkg, rpm, npm and pip bundles carry package files only; removals, symlinks and hooks are for files. */
function checkInstaller(manifest: BundleManifest): void {
  const installer = manifest.installer;
  checkAgentName(manifest);
  if (installer === undefined || installer.kind === 'files') return;
  for (const field of ['removals', 'symlinks', 'hooks'] as const) {
    if (manifest[field] !== undefined) {
      throw malformed(`manifest.${field} is only allowed with the files installer`);
    }
  }
  if (installer.kind === 'agent') return checkAgentUpdate(manifest);
  if (installer.kind === 'npm') checkPath(installer.prefix, 'installer.prefix');
  if (installer.kind === 'pip') checkPath(installer.venv, 'installer.venv');
  const suffix = PACKAGE_SUFFIX[installer.kind];
  manifest.files.forEach((file, i) => {
    if (!file.path.endsWith(suffix)) {
      throw malformed(`files[${i}].path ${quote(file.path)} is not a ${suffix} package`);
    }
  });
  if (manifest.files.length === 0) throw malformed(`a ${installer.kind} bundle needs a package`);
}

/** The reserved name `patchcast-agent` is the agent's own update, and only that is (ADR 0036). */
function checkAgentName(manifest: BundleManifest): void {
  const reserved = manifest.name === AGENT_PATCH_NAME;
  if (reserved !== (manifest.installer?.kind === 'agent')) {
    throw malformed(
      reserved
        ? `the patch name ${AGENT_PATCH_NAME} is reserved for agent updates (installer kind "agent")`
        : `installer kind "agent" is only for the patch named ${AGENT_PATCH_NAME}`,
    );
  }
}

/** One executable file, `patchcast-agent`; its health is the new agent reconnecting. */
function checkAgentUpdate(manifest: BundleManifest): void {
  const [exe, ...more] = manifest.files;
  if (exe?.path !== AGENT_EXE_FILE || more.length > 0)
    throw malformed(`an agent update holds exactly one file, ${quote(AGENT_EXE_FILE)}`);
  if ((exe.mode & 0o111) === 0) throw malformed(`${quote(AGENT_EXE_FILE)} is not executable`);
  if (manifest.health !== undefined || manifest.probes !== undefined)
    throw malformed('an agent update is health-checked by reconnecting; no health or probes');
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Probes name distinct checks; HTTP probes stay on this machine; file probes use path rules. */
function checkProbes(manifest: BundleManifest): void {
  const probes = manifest.probes;
  if (probes === undefined) return;
  if (probes.intervalMs > probes.deadlineMs) {
    throw malformed('manifest.probes.intervalMs is longer than its deadlineMs');
  }
  const names = new Set<string>();
  probes.checks.forEach((probe, i) => {
    if (names.has(probe.name))
      throw malformed(`probes.checks[${i}].name "${probe.name}" is used twice`);
    names.add(probe.name);
    if (probe.kind === 'file') checkPath(probe.path, `probes.checks[${i}].path`);
    if (probe.kind === 'http') checkLoopbackUrl(probe.url, `probes.checks[${i}].url`);
  });
}

function checkLoopbackUrl(text: string, field: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw malformed(`${field} ${quote(text)} is not a URL`);
  }
  if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname) || url.username !== '') {
    throw malformed(
      `${field} ${quote(text)} must be an http:// URL on loopback (127.0.0.1, [::1], localhost)`,
    );
  }
}
