/**
 * Writing an Inspect log over a stream of debates: samples go to a side file as they
 * come, then the log is the header (which needs the totals) followed by the samples,
 * copied through in chunks; the folder's listing.json gains the log's entry so
 * Inspect's viewer, served over plain HTTP, lists it.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_VERSION, type TranscriptRecord } from '@arena/shared';
import { inspectHeader, inspectSample, InspectTotals, listingEntry } from './inspect.ts';
import { StreamedFile } from './jsonl.ts';

export interface InspectLogFile {
  file: string;
  samples: number;
  /** Debates in the selection that are not samples (unfinished, or image debates). */
  skipped: number;
}

/** Writes `records` as one Inspect log in `dir` (which must exist); `each` is called per debate with the samples so far. */
export async function writeInspectLog(dir: string, task: string, filter: Record<string, unknown>, records: AsyncIterable<TranscriptRecord>, each: (samples: number) => void = () => {}): Promise<InspectLogFile> {
  const created = new Date();
  const evalId = randomUUID().replace(/-/g, '').slice(0, 22);
  const name = `${created.toISOString().replace(/[:.]/g, '-')}_${task.replace(/[^A-Za-z0-9_-]+/g, '-')}_${evalId}.json`;
  const file = join(dir, name);
  const side = `${file}.samples`;
  const totals = new InspectTotals();
  let skipped = 0;
  const samples = new StreamedFile(side);
  try {
    for await (const r of records) {
      const sample = inspectSample(r);
      if (sample) {
        await samples.write((totals.samples ? ',\n' : '') + JSON.stringify(sample));
        totals.add(r, sample);
      } else skipped++;
      each(totals.samples);
    }
    await samples.close();
    const header = inspectHeader(totals, { task, evalId, runId: randomUUID().replace(/-/g, '').slice(0, 22), created, filter, version: ENGINE_VERSION });
    const out = new StreamedFile(file);
    const head = JSON.stringify(header, null, 2);
    await out.write(`${head.slice(0, -2)},\n  "samples": [\n`);
    for await (const chunk of createReadStream(side)) await out.write(chunk as Buffer);
    await out.write('\n  ]\n}\n');
    await out.close();
    const listing = join(dir, 'listing.json');
    const entries = existsSync(listing) ? (JSON.parse(readFileSync(listing, 'utf8')) as Record<string, unknown>) : {};
    entries[name] = listingEntry(header);
    writeFileSync(listing, JSON.stringify(entries, null, 2));
  } finally {
    rmSync(side, { force: true });
  }
  return { file, samples: totals.samples, skipped };
}
