/**
 * The repository view this node serves (ADR 0041). Requests read the view in memory; it is
 * replaced, never changed: at once after this node commits metadata (`rebuild`), and when the
 * store holds a newer timestamp than the view, which is how another node's commit arrives. That
 * is checked (one query of the newest timestamp) by `fresh()`, which writes, publishers' reads,
 * rollout checks and notices wait for, and at most once per `maxAgeMs` in the background while
 * requests keep being answered from the view they found.
 */
import type { Store } from '../../storage/store.js';
import { readView } from './repository-view.js';
import type { RepositoryView } from './repository-view.js';

export interface CurrentViewDeps {
  readonly store: Store;
  readonly now: () => Date;
  /** How long a view is served before the store is asked again in the background. */
  readonly maxAgeMs?: number;
  /** A background check failed; the view served stays the last one read. */
  readonly onError?: (error: unknown) => void;
}

/** Another node's commit is seen by this node's requests within this time. */
export const VIEW_MAX_AGE_MS = 1000;

export class CurrentView {
  readonly #deps: CurrentViewDeps;
  #view: RepositoryView | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #checking: Promise<RepositoryView | undefined> | undefined;

  constructor(deps: CurrentViewDeps) {
    this.#deps = deps;
  }

  /** The view in memory (read once if there is none yet); undefined before initialization. */
  async get(): Promise<RepositoryView | undefined> {
    if (this.#view === undefined) return this.fresh();
    const age = this.#deps.now().getTime() - this.#checkedAt;
    if (age >= (this.#deps.maxAgeMs ?? VIEW_MAX_AGE_MS) && this.#checking === undefined)
      this.fresh().catch((error: unknown) => this.#deps.onError?.(error));
    return this.#view;
  }

  /** The view of the store's newest metadata: checked now, read again only if it moved on. */
  fresh(): Promise<RepositoryView | undefined> {
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  /** Reads the view again after this node committed metadata. */
  async rebuild(): Promise<RepositoryView | undefined> {
    await this.#checking?.catch(() => undefined);
    return this.#replace(await readView(this.#deps.store));
  }

  async #check(): Promise<RepositoryView | undefined> {
    const checkedAt = this.#deps.now().getTime();
    const latest = await this.#deps.store.latestMetadata('timestamp');
    const view =
      latest !== undefined && latest.version === this.#view?.versions.timestamp
        ? this.#view
        : await readView(this.#deps.store);
    this.#checkedAt = checkedAt;
    return this.#replace(view);
  }

  /** Keeps the newer of two views read concurrently (timestamp versions only grow). */
  #replace(view: RepositoryView | undefined): RepositoryView | undefined {
    const held = this.#view;
    if (
      view !== undefined &&
      (held === undefined || view.versions.timestamp >= held.versions.timestamp)
    )
      this.#view = view;
    return this.#view;
  }
}
