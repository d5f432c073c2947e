/** Run by crash.test.ts in a child process, which is then killed with SIGKILL mid-install. */
import { readFile } from 'node:fs/promises';
import { readBundle } from '@patchcast/protocol';
import { installBundle } from '../../src/install/index.js';

const [bundlePath = '', root = '', stateDir = '', marker = ''] = process.argv.slice(2);
const bundle = readBundle(new Uint8Array(await readFile(bundlePath)));
await installBundle({ bundle, root, stateDir, env: { MARKER: marker } });
