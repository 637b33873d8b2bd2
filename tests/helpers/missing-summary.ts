/**
 * A Vitest reporter for when Vitest runs on its own (scripts/test.ts writes its own
 * summary): at the end, names what did not run for want of something (requirements.ts).
 */
import { rmSync } from 'node:fs';
import { missingSummary } from './requirements.ts';

export default class MissingSummary {
  onTestRunEnd(): void {
    const file = process.env.ARENA_TEST_MISSING!;
    const lines = missingSummary(file);
    rmSync(file, { force: true });
    if (lines.length) console.log(`\n${lines.join('\n')}`);
  }
}
