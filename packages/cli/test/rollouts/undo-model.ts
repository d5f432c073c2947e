/**
 * The model the rollback-sequence property test checks real agents against (ADR 0015): per
 * device, the stack of installs in force, newest last. A rollout pushes onto every targeted
 * device (unless it would downgrade one), a rollback pops its rollout where it is on top and is
 * refused where it is not, and a cascade first rolls back, newest first, whatever is above it.
 * What a device's disk must hold follows from its stack alone: each undo puts back exactly the
 * files from before the install.
 */
export interface Install {
  readonly rollout: string;
  readonly version: string;
  /** Creation order of the rollout: installs of later rollouts are newer. */
  readonly order: number;
}

export type Outcome =
  'ok' | 'PATCH_DOWNGRADE_REFUSED' | 'ROLLOUT_NEWER_INSTALLED' | 'ROLLOUT_TRANSITION_REFUSED';

export class UndoModel {
  readonly stacks = new Map<string, Install[]>();
  readonly rolledBack = new Set<string>();
  readonly rollouts: { id: string; order: number }[] = [];

  constructor(devices: readonly string[]) {
    for (const d of devices) this.stacks.set(d, []);
  }

  top(device: string): Install | undefined {
    return this.stacks.get(device)?.at(-1);
  }

  /** The outcome of rolling out `version` to `targets`, before it is known to be accepted. */
  rolloutOutcome(targets: readonly string[], version: string): Outcome {
    const higher = targets.some((d) => compare(this.top(d)?.version, version) > 0);
    return higher ? 'PATCH_DOWNGRADE_REFUSED' : 'ok';
  }

  rolledOut(id: string, targets: readonly string[], version: string): void {
    const order = this.rollouts.length;
    this.rollouts.push({ id, order });
    for (const d of targets) this.stacks.get(d)?.push({ rollout: id, version, order });
  }

  rollbackOutcome(id: string, cascade: boolean): Outcome {
    if (this.rolledBack.has(id)) return 'ROLLOUT_TRANSITION_REFUSED';
    if (!cascade && this.#above(id).length > 0) return 'ROLLOUT_NEWER_INSTALLED';
    return 'ok';
  }

  /** Applies an accepted rollback: newest first, everything above `id`, then `id`. */
  rollBack(id: string): void {
    for (;;) {
      const newest = this.#above(id).sort((a, b) => b.order - a.order)[0];
      if (newest === undefined) break;
      this.rollBack(newest.rollout);
    }
    for (const stack of this.stacks.values()) {
      const index = stack.findIndex((i) => i.rollout === id);
      if (index >= 0) stack.splice(index, 1);
    }
    this.rolledBack.add(id);
  }

  /** Installs above `id`'s on the devices where `id` is installed. */
  #above(id: string): Install[] {
    return [...this.stacks.values()].flatMap((stack) => {
      const index = stack.findIndex((i) => i.rollout === id);
      return index < 0 ? [] : stack.slice(index + 1);
    });
  }

  /** The files a device must hold: the shared version file of its top install, and every
   * version-only file of an install in force (as `path=content`, sorted). */
  expectedFiles(device: string, name: string): string[] {
    const stack = this.stacks.get(device) ?? [];
    const top = stack.at(-1);
    if (top === undefined) return [];
    const only = [...new Set(stack.map((i) => i.version))].map(
      (v) => `etc/${name}/only-${v}=written by ${v}\n`,
    );
    return [...only, `etc/${name}/version=${top.version}\n`].sort();
  }
}

/** Versions in the test are x.y.0 with one digit each: text order is version order. */
function compare(a: string | undefined, b: string): number {
  if (a === undefined) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}
