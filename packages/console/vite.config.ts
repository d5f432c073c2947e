/**
 * Builds the console into dist/: hashed assets under /assets/, no source maps, nothing fetched
 * from elsewhere at run time (the server serves every file; it works air-gapped).
 *
 * The log page verifies inclusion proofs with @patchcast/core's own code. core calls node:crypto
 * (SHA-256, constant-time comparison) and, for Ed25519, tlog/ed25519-raw.ts: the bundle gets
 * src/shims/node-crypto.ts and src/shims/ed25519-raw.ts in their place (@noble/hashes and
 * @noble/curves), and the `buffer` package as Buffer (src/shims/buffer-global.ts).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

const shim = (name: string): string => fileURLToPath(new URL(`src/shims/${name}`, import.meta.url));

/** core's tlog/ed25519-raw.js, wherever core is imported from, becomes the browser shim. */
const browserEd25519: Plugin = {
  name: 'patchcast-browser-ed25519',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === './ed25519-raw.js' && importer?.includes('/core/') === true)
      return shim('ed25519-raw.ts');
    return null;
  },
};

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  plugins: [browserEd25519],
  resolve: { alias: { 'node:crypto': shim('node-crypto.ts') } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
