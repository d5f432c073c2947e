#!/usr/bin/env node
// Runs every benchmark (`patchcast bench all`) through the built CLI; results go to bench/results/.
// Usage: node scripts/run-bench.mjs [patchcast bench options]   e.g. npm run bench -- --agents 10000
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../packages/cli/bin/patchcast.js', import.meta.url));
const results = fileURLToPath(new URL('../bench/results', import.meta.url));
const args = process.argv.slice(2);
const out = args.includes('--out') ? [] : ['--out', results];
const result = spawnSync(process.execPath, [bin, 'bench', 'all', ...out, ...args], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
