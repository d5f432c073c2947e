export { readPatchSource } from './patch-source.js';
export { parseSourceConfig, readSourceConfig } from './source-config.js';
export type { SourceConfig } from './source-config.js';
export { nodeAtomicWriteOps, writeFileAtomic } from './write-file-atomic.js';
export type { AtomicWriteOps } from './write-file-atomic.js';
