/** Rendering of a rollout for people: a summary line, a progress bar, and per-device states. */
import type { PatchcastClient, Rollout } from '@patchcast/protocol';
import type { Io } from './command.js';

export function progressLine(rollout: Rollout, width = 30): string {
  const { installed, failed, pending, total } = rollout.counts;
  const done = total === 0 ? 0 : Math.round(((installed + failed) / total) * width);
  const bar = `${'#'.repeat(done)}${'.'.repeat(width - done)}`;
  return `[${bar}] ${installed} installed, ${failed} failed, ${pending} pending of ${total}  (${rollout.state})`;
}

export function renderRollout(rollout: Rollout): string {
  const lines = [
    `rollout ${rollout.id}: ${rollout.patch.name}@${rollout.patch.version}`,
    progressLine(rollout),
    ...rollout.devices.map(
      (d) =>
        `  ${d.name.padEnd(24)} ${d.state}${d.error ? `  ${d.error.code}: ${d.error.message}` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** Polls until the rollout leaves in-progress; draws progress on stderr as it goes. */
export async function watchRollout(
  client: PatchcastClient,
  id: string,
  io: Io,
  draw: boolean,
  intervalMs = 250,
): Promise<Rollout> {
  let last = '';
  for (;;) {
    const rollout = await client.rollout(id);
    const line = progressLine(rollout);
    if (draw && line !== last) io.err(io.isTty ? `\r\x1b[2K${line}` : `${line}\n`);
    last = line;
    if (rollout.state !== 'in-progress') {
      if (draw && io.isTty) io.err('\n');
      if (draw) io.out(renderRollout(rollout));
      return rollout;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
