import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { buildProgram } from '../../server/src/cli/main.ts';

const NYU = fileURLToPath(new URL('../../../shared/data/nyu-debate-2023/', import.meta.url));

/** Runs `arena …` in this process and returns what it printed with console.log. */
export async function runArena(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'arena', ...args]);
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

/** A small copy of the NYU dataset's layout with the named rooms; returns its rooms folder. */
export function nyuSample(folder: string, rooms: string[]): string {
  const official = join(folder, 'debates', 'official');
  mkdirSync(official, { recursive: true });
  for (const name of rooms) copyFileSync(join(NYU, 'debates', 'official', `${name}.json`), join(official, `${name}.json`));
  copyFileSync(join(NYU, 'debates-metadata.json'), join(folder, 'debates-metadata.json'));
  return official;
}
