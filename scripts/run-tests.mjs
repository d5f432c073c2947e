#!/usr/bin/env node
// Runs every compiled test file (packages/*/dist/test/**/*.test.js) with node's test runner.
// Usage: node scripts/run-tests.mjs [substring ...]  (only files whose path contains a substring)
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync('packages')) {
  const dir = join('packages', pkg, 'dist', 'test');
  if (existsSync(dir)) walk(dir, files);
}
// The longest files (a minute or more on 2 cores), longest first: started first, so that none of
// them starts last and runs alone while the other core idles. Node starts files in this order.
const SLOW_FIRST = [
  'cli/dist/test/tour/tour.test.js',
  'cli/dist/test/apply/crash.test.js',
  'cli/dist/test/devices/lifecycle.test.js',
  'cli/dist/test/cluster/planned-failover.test.js',
  'cli/dist/test/devices/device-results.test.js',
  'cli/dist/test/devices/identity.test.js',
  'cli/dist/test/cluster/failover.test.js',
  'cli/dist/test/apply/apply.test.js',
  'cli/dist/test/apply/offline.test.js',
  'cli/dist/test/trust/attacks.test.js',
  'cli/dist/test/ci/ci-pipeline.test.js',
];
const rank = (file) => {
  const at = SLOW_FIRST.findIndex((slow) => file.endsWith(slow));
  return at < 0 ? SLOW_FIRST.length : at;
};
const selected = files
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
if (selected.length === 0) {
  console.error('run-tests: no test files found; run `npm run build` first');
  process.exit(1);
}
const concurrency = String(Math.max(2, availableParallelism()));
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, ...selected],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
