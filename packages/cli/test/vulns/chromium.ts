/**
 * Renders an HTML file in headless Chromium (Debian's `chromium` package; scripts/ensure-services.sh
 * installs it) to a PNG screenshot. Bounded: the browser's process group is killed after 60 s,
 * and after it exits, so no helper process outlives the test.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_ARGS } from '../../src/bench/console/browser.js';

const BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const TIMEOUT_MS = 60_000;
export const WINDOW = { width: 1200, height: 1600 } as const;

export function findBrowser(): string | undefined {
  return BROWSERS.find((b) => existsSync(b));
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group has already exited.
  }
}

function run(
  browser: string,
  args: readonly string[],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(browser, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => killGroup(child.pid), TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      killGroup(child.pid);
      resolve({ code, stderr });
    });
  });
}

/** The screenshot of `htmlFile` at WINDOW size, as PNG bytes. */
export async function screenshot(browser: string, htmlFile: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-chromium-'));
  try {
    const png = join(dir, 'page.png');
    const result = await run(browser, [
      ...CHROMIUM_ARGS,
      `--user-data-dir=${join(dir, 'profile')}`,
      `--screenshot=${png}`,
      `--window-size=${WINDOW.width},${WINDOW.height}`,
      pathToFileURL(htmlFile).href,
    ]);
    if (result.code !== 0 || !existsSync(png))
      throw new Error(`chromium exited ${result.code} without a screenshot:\n${result.stderr}`);
    return await readFile(png);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
