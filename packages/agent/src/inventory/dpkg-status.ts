/**
 * The dpkg status database (/var/lib/dpkg/status, dpkg(1) and deb-control(5) fields): every
 * package whose files are on disk, with its source package name and version.
 */
import { parseStanzas } from './deb822.js';
import type { Stanza } from './deb822.js';
import { DPKG_PRESENT_STATES } from './inventory-types.js';
import type { CollectWarning, DpkgPackage, DpkgPresentState } from './inventory-types.js';

export const DEFAULT_DPKG_STATUS = '/var/lib/dpkg/status';

export interface DpkgStatus {
  readonly packages: DpkgPackage[];
  /** Packages known to dpkg but not on disk (config-files, not-installed). */
  readonly absent: number;
  readonly warnings: CollectWarning[];
}

/** "Source: name" or "Source: name (version)" (deb-control(5)). */
const SOURCE = /^([a-z0-9][a-z0-9+.-]*)(?:\s+\(([^()\s]+)\))?$/;
const WANT = ['unknown', 'install', 'hold', 'deinstall', 'purge'];

function isPresent(state: string): state is DpkgPresentState {
  return (DPKG_PRESENT_STATES as readonly string[]).includes(state);
}

/** "Status: want flag state"; returns the state word or a reason it is malformed. */
function stateOf(
  status: string | undefined,
): { readonly state: string } | { readonly problem: string } {
  const words = (status ?? '').split(/\s+/);
  if (words.length !== 3 || !WANT.includes(words[0] ?? '')) {
    return { problem: `malformed Status ${JSON.stringify(status ?? '')}` };
  }
  return { state: words[2] ?? '' };
}

function packageOf(s: Stanza, state: DpkgPresentState): DpkgPackage | string {
  const name = s.fields.get('package') ?? '';
  const version = s.fields.get('version');
  const architecture = s.fields.get('architecture');
  if (version === undefined || architecture === undefined)
    return `${name}: Version and Architecture are required`;
  const source = s.fields.get('source');
  if (source === undefined)
    return { name, version, architecture, source: name, sourceVersion: version, status: state };
  const m = SOURCE.exec(source);
  if (m === null) return `${name}: malformed Source ${JSON.stringify(source)}`;
  return {
    name,
    version,
    architecture,
    source: m[1] ?? name,
    sourceVersion: m[2] ?? version,
    status: state,
  };
}

type StanzaResult =
  | { readonly kind: 'package'; readonly pkg: DpkgPackage }
  | { readonly kind: 'absent' }
  | { readonly kind: 'warning'; readonly reason: string };

function readStanza(stanza: Stanza): StanzaResult {
  const name = stanza.fields.get('package');
  if (name === undefined) return { kind: 'warning', reason: 'stanza without a Package field' };
  const state = stateOf(stanza.fields.get('status'));
  if ('problem' in state) return { kind: 'warning', reason: `${name}: ${state.problem}` };
  if (!isPresent(state.state)) return { kind: 'absent' };
  const pkg = packageOf(stanza, state.state);
  return typeof pkg === 'string' ? { kind: 'warning', reason: pkg } : { kind: 'package', pkg };
}

export function parseDpkgStatus(text: string, where = DEFAULT_DPKG_STATUS): DpkgStatus {
  const packages: DpkgPackage[] = [];
  const warnings: CollectWarning[] = [];
  let absent = 0;
  for (const stanza of parseStanzas(text)) {
    const result = readStanza(stanza);
    if (result.kind === 'absent') absent += 1;
    else if (result.kind === 'warning')
      warnings.push({ source: `${where}:${stanza.line}`, reason: result.reason });
    else packages.push(result.pkg);
  }
  return { packages, absent, warnings };
}
