/** The journal of one install transaction: what it will do, so a crash can be undone. */
export const JOURNAL_FORMAT = 'patchcast-install-journal/v1';
export const TX_STATES = ['prepared', 'applying', 'committed', 'rolling-back'] as const;
export type TxState = (typeof TX_STATES)[number];

export interface FileIdentity {
  readonly dev: string;
  readonly ino: string;
}

export interface OriginalFile {
  /** Absent for a regular file. */
  readonly type?: 'symlink';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

interface StagedContent {
  readonly path: string;
  readonly stage: string;
  readonly staged: FileIdentity;
}

export interface FileContent extends StagedContent {
  readonly mode: number;
  readonly sha256: string;
  readonly size: number;
}

/** A symbolic link the bundle creates; `link` is its (relative, checked) target. */
export interface LinkContent extends StagedContent {
  readonly link: string;
}

type NewContent = FileContent | LinkContent;

export type JournalAction =
  | ({ readonly kind: 'create' } & NewContent)
  | ({
      readonly kind: 'replace';
      readonly backup: string;
      readonly original: OriginalFile;
    } & NewContent)
  | {
      readonly kind: 'remove';
      readonly path: string;
      readonly backup: string;
      readonly original: OriginalFile;
    };

export interface Journal {
  readonly format: typeof JOURNAL_FORMAT;
  readonly txid: string;
  readonly root: string;
  readonly patch: { readonly name: string; readonly version: string };
  readonly state: TxState;
  readonly createdDirs: readonly string[];
  readonly actions: readonly JournalAction[];
}
