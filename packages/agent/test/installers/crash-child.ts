/** Run by the conformance suite in a child process that kills itself at PATCHCAST_CRASH_AT. */
import { readFile } from 'node:fs/promises';
import { readBundle } from '@patchcast/protocol';
import { installBundle } from '../../src/install/index.js';

const [bundlePath = '', root = '', stateDir = ''] = process.argv.slice(2);
const bundle = readBundle(new Uint8Array(await readFile(bundlePath)));
await installBundle({ bundle, root, stateDir });
