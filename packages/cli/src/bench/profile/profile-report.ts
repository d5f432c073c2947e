/** A CPU profile as a result: the raw file next to the results, and its hot spots as markdown. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext, Section } from '../benchmark.js';
import { hotSpots } from './cpu-profile.js';
import type { CpuProfile } from './cpu-profile.js';

export async function saveProfile(dir: string, name: string, profile: CpuProfile): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.cpuprofile`);
  await writeFile(path, JSON.stringify(profile));
  return path;
}

export function profileSection(title: string, profile: CpuProfile, file: string): Section {
  const seconds = ((profile.endTime - profile.startTime) / 1e6).toFixed(2);
  const table = (rows: ReturnType<typeof hotSpots>) => [
    '| self ms | self % | where |',
    '| ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.selfMs} | ${r.percent} | \`${r.name.replace(/\|/g, '\\|')}\` |`),
  ];
  return {
    title,
    lines: [
      `${seconds} s of server CPU profile (${file}); self time by module, then by function:`,
      '',
      ...table(hotSpots(profile, 'module', 10)),
      '',
      ...table(hotSpots(profile, 'function', 15)),
    ],
  };
}

/** Saves each phase's profile under `<out>/profiles/` and summarises it as a section. */
export async function profileSections(
  context: BenchContext,
  benchmark: string,
  profiles: ReadonlyMap<string, CpuProfile>,
): Promise<Section[]> {
  const sections: Section[] = [];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const [phase, profile] of profiles) {
    const name = `${stamp}-${benchmark}-${phase}`;
    const file = await saveProfile(join(context.outDir, 'profiles'), name, profile);
    sections.push(profileSection(`Server CPU profile: ${phase} phase`, profile, file));
  }
  return sections;
}
