/** V8 CPU profiles (the DevTools `Profiler.Profile` shape) and where their time went. */
export interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
}

export interface HotSpot {
  readonly name: string;
  readonly selfMs: number;
  readonly percent: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isNode(value: unknown): value is ProfileNode {
  return (
    isRecord(value) &&
    typeof value.id === 'number' &&
    isRecord(value.callFrame) &&
    typeof value.callFrame.functionName === 'string' &&
    typeof value.callFrame.url === 'string' &&
    typeof value.callFrame.lineNumber === 'number' &&
    (value.children === undefined ||
      (Array.isArray(value.children) && value.children.every((c) => typeof c === 'number')))
  );
}

export function isCpuProfile(value: unknown): value is CpuProfile {
  return (
    isRecord(value) &&
    Array.isArray(value.nodes) &&
    value.nodes.every(isNode) &&
    typeof value.startTime === 'number' &&
    typeof value.endTime === 'number'
  );
}

const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

/**
 * Self time per function (or per module with `by: 'module'`), largest first. Native frames (no
 * script) are charged to their nearest JavaScript caller's module, and named with that caller.
 */
export function hotSpots(profile: CpuProfile, by: 'function' | 'module', top = 12): HotSpot[] {
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = [...hits.values()].reduce((a, b) => a + b, 0);
  const msPerHit = total === 0 ? 0 : (profile.endTime - profile.startTime) / 1000 / total;
  const label = labeller(profile, by);
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? node.hitCount ?? 0;
    if (count > 0) byName.set(label(node), (byName.get(label(node)) ?? 0) + count);
  }
  return [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, count]) => ({
      name,
      selfMs: Math.round(count * msPerHit * 10) / 10,
      percent: total === 0 ? 0 : Math.round((count / total) * 1000) / 10,
    }));
}

function labeller(profile: CpuProfile, by: 'function' | 'module'): (node: ProfileNode) => string {
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node);
  const scripted = (node: ProfileNode): ProfileNode | undefined => {
    let at: ProfileNode | undefined = node;
    while (at !== undefined && at.callFrame.url === '') at = parents.get(at.id);
    return at;
  };
  return (node) => {
    const { functionName, url } = node.callFrame;
    if (SPECIAL.has(functionName)) return functionName;
    const caller = url === '' ? scripted(node) : node;
    if (by === 'module')
      return caller === undefined ? '(native)' : moduleLabel(caller.callFrame.url);
    if (url !== '') return functionLabel(node);
    return `${functionName || '(native)'} (native) < ${caller === undefined ? '?' : functionLabel(caller)}`;
  };
}

function functionLabel(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${shortPath(url)}:${lineNumber + 1}`;
}

function moduleLabel(url: string): string {
  if (url.startsWith('node:')) return url;
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency !== null) return dependency[1] ?? url;
  const own = /packages\/([^/]+)\//.exec(url);
  return own === null ? shortPath(url) : `@patchcast/${own[1]}`;
}

function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const at = path.search(/node_modules\/|packages\//);
  return at < 0 ? path.split('/').slice(-2).join('/') : path.slice(at);
}
