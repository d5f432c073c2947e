/**
 * Builds the console into dist/: hashed assets under /assets/, no source maps, nothing fetched
 * from elsewhere at run time (the server serves every file; it works air-gapped).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
