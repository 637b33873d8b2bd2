/**
 * Builds the page that hosts Inspect's log viewer into `outDir` (Vite, the client's own
 * bundler), for the browser test that opens an exported log in it.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export async function buildInspectViewer(outDir: string): Promise<void> {
  await build({ root: dirname(fileURLToPath(import.meta.url)), base: './', logLevel: 'warn', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 20_000 } });
}
