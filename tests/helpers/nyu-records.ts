import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TranscriptRecord } from '@arena/shared';
import { convertFile, metadataFile, readMetadata } from '../../server/src/importers/nyu/import.ts';
import { NYU_DIR } from './requirements.ts';

/** Every room of the real NYU dataset (NYU_DIR; ask `nyuData` first) converted to a transcript (no store), with its raw room file. */
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
