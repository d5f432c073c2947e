/** Test data locations, from packages/cli/dist/test/vulns/. */
import { existsSync } from 'node:fs';

const FIXTURES = new URL('../../../test/vulns/fixtures/', import.meta.url);
const SHARED_DATA = new URL('../../../../../../shared/data/', import.meta.url);

export function fixture(name: string): string {
  return new URL(name, FIXTURES).pathname;
}

export function sharedData(path: string): string | undefined {
  const url = new URL(path, SHARED_DATA);
  return existsSync(url) ? url.pathname : undefined;
}
