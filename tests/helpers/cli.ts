import { vi } from 'vitest';
import { buildProgram } from '../../server/src/cli/main.ts';

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
