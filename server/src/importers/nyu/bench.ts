/** Timing of the NYU import and report, for the benchmark suite. */
import type { TranscriptRecord } from '@arena/shared';
import { openStore } from '../../store/open.ts';
import { NYU_SOURCE } from './convert.ts';
import { importNyuFolder } from './import.ts';
import { nyuReport } from './report.ts';

/** Imports `folder` into a fresh in-memory store, then reports on it; wall-clock seconds of each. */
export async function benchNyu(folder: string): Promise<{ importSeconds: number; reportSeconds: number; rooms: number }> {
  const store = await openStore({});
  try {
    const t0 = performance.now();
    const summary = await importNyuFolder(store, folder);
    const t1 = performance.now();
    const records: TranscriptRecord[] = [];
    for await (const r of store.transcripts({ source: NYU_SOURCE })) records.push(r);
    nyuReport(records);
    const t2 = performance.now();
    return { importSeconds: (t1 - t0) / 1000, reportSeconds: (t2 - t1) / 1000, rooms: summary.imported + summary.alreadyPresent };
  } finally {
    await store.close();
  }
}
