import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import MissingSummary from './tests/helpers/missing-summary.ts';

/**
 * Three projects: `fast` (tests/unit: the engine, statistics on small inputs and other pure
 * units; `npm run test:fast`), `slow` (tests/slow: power simulations, pixel search, load-shaped
 * tests) and `integration` (tests/integration: real servers, stores and processes).
 *
 * Tests that need something optional record it in the file ARENA_TEST_MISSING names
 * (tests/helpers/requirements.ts); scripts/test.ts sets it and writes the summary, and when
 * Vitest runs on its own the reporter below does.
 */
const onItsOwn = !process.env.ARENA_TEST_MISSING;
process.env.ARENA_TEST_MISSING ??= join(tmpdir(), `arena-tests-missing-${process.pid}.jsonl`);

const project = (name: string, folder: string) => ({ extends: true as const, test: { name, include: [`tests/${folder}/**/*.test.ts`] } });

export default defineConfig({
  test: {
    projects: [project('fast', 'unit'), project('slow', 'slow'), project('integration', 'integration')],
    reporters: onItsOwn ? ['default', new MissingSummary()] : ['default'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration test files each start their own server on their own port.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
