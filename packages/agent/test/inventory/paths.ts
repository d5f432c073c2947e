/** Where the inventory fixtures are, from packages/agent/dist/test/inventory/. */
export const FIXTURES = new URL('../../../test/inventory/fixtures/', import.meta.url);

export function fixture(name: string): string {
  return new URL(name, FIXTURES).pathname;
}
