/** Constants of the package inventory (docs/protocol/inventory.md), without its zod schemas. */
export const INVENTORY_FORMAT = 'patchcast-inventory/v1';

/** Far above real hosts (a desktop Debian has ~3,000 dpkg packages; big monorepos ~100,000 npm). */
export const INVENTORY_LIMITS = {
  dpkg: 100_000,
  rpm: 100_000,
  npm: 1_000_000,
  pypi: 100_000,
  text: 1024,
} as const;

/** dpkg status words for packages whose files are on disk (dpkg(1) "Package states"). */
export const DPKG_PRESENT_STATES = [
  'installed',
  'triggers-pending',
  'triggers-awaited',
  'half-configured',
  'unpacked',
  'half-installed',
] as const;
export type DpkgPresentState = (typeof DPKG_PRESENT_STATES)[number];
