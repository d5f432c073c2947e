import { join, sep } from 'node:path';

export function ancestorsOfPath(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

export function underRoot(root: string, path: string): string {
  return join(root, ...path.split('/'));
}

export function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}
