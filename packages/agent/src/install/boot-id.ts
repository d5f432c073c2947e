/**
 * Which boot of the machine this is, so that a "reboot required" the agent reported can be
 * cleared once the machine has really rebooted. Linux gives a random id per boot; elsewhere the
 * boot time (to the minute) stands in for it. `PATCHCAST_BOOT_ID` overrides both (tests only).
 */
import { readFile } from 'node:fs/promises';
import { uptime } from 'node:os';

const LINUX_BOOT_ID = '/proc/sys/kernel/random/boot_id';

export async function currentBootId(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const forced = env.PATCHCAST_BOOT_ID;
  if (forced !== undefined && forced !== '') return forced.slice(0, 64);
  try {
    const id = (await readFile(LINUX_BOOT_ID, 'utf8')).trim();
    if (/^[0-9a-f-]{8,64}$/i.test(id)) return id;
  } catch {
    // not Linux, or /proc is not mounted: fall back to the boot time
  }
  const bootedAt = Math.round((Date.now() / 1000 - uptime()) / 60);
  return `booted-${bootedAt}`;
}
