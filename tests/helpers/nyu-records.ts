import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TranscriptRecord } from '@arena/shared';
import { convertFile, metadataFile, readMetadata } from '../../server/src/importers/nyu/import.ts';

/** The public NYU dataset, outside the repository. */
export const NYU_DIR = fileURLToPath(new URL('../../../shared/data/nyu-debate-2023/', import.meta.url));

/** Every room of the real NYU dataset converted to a transcript (no store), with its raw room file. */
export async function nyuRecords(): Promise<{ record: TranscriptRecord; raw: { setup: { roles: Record<string, string>; answers: string[]; correctAnswerIndex: number; question: string; sourceMaterial: { QuALITYSourceMaterial: { title: string } } } } }[]> {
  const dir = join(NYU_DIR, 'debates', 'official');
  const meta = await readMetadata(metadataFile(dir));
  const out = [];
  const { readFile } = await import('node:fs/promises');
  for (const f of readdirSync(dir).sort()) {
    const r = await convertFile(join(dir, f), meta);
    if ('room' in r) out.push({ record: r.room.record, raw: JSON.parse(await readFile(join(dir, f), 'utf8')) });
  }
  return out;
}
