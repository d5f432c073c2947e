/**
 * What matching needs to know about one device: its OS release and installed packages. The
 * agent's inventory (docs/protocol/inventory.md) has this shape; Debian packages carry their
 * source package name and version, which is what Debian advisories name.
 */
export interface OsIdentity {
  /** os-release ID, e.g. 'debian'. */
  readonly id: string;
  /** os-release VERSION_ID, e.g. '12'; absent on testing and unstable. */
  readonly versionId?: string | undefined;
  /** os-release VERSION_CODENAME, e.g. 'bookworm'. */
  readonly versionCodename?: string | undefined;
}

export interface DpkgEntry {
  /** The binary package name. */
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** The source package name (the binary name when the stanza has no Source field). */
  readonly source: string;
  /** The source version (the binary version unless Source says "name (version)"). */
  readonly sourceVersion: string;
}

export interface RpmEntry {
  /** The binary package name (rpm NAME), which RPM-based advisories name. */
  readonly name: string;
  /** rpm EPOCH, absent when the package has none. */
  readonly epoch?: string | undefined;
  readonly version: string;
  readonly release: string;
  readonly arch: string;
}

export interface NpmEntry {
  readonly name: string;
  readonly version: string;
  /** Where it was found, e.g. '/srv/app/package-lock.json#node_modules/a/node_modules/b'. */
  readonly path: string;
}

export interface PypiEntry {
  readonly name: string;
  readonly version: string;
  readonly path: string;
}

export interface InventoryView {
  readonly os: OsIdentity | null;
  readonly dpkg: readonly DpkgEntry[];
  readonly npm: readonly NpmEntry[];
  readonly pypi?: readonly PypiEntry[] | undefined;
  readonly rpm?: readonly RpmEntry[] | undefined;
}
