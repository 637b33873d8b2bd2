/**
 * Imports a folder of the NYU debate dataset into the store: every room file becomes a
 * transcript with the deterministic id `nyu-<room name>`; importing twice changes nothing.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Visibility } from '@arena/shared';
import type { Store } from '../../store/store.ts';
import { convertRoom, MalformedRoomError, type ConvertedRoom } from './convert.ts';
import { NyuMetadata } from './schema.ts';

export interface ImportedRoom {
  name: string;
  id: string;
  replay: 'finished' | 'running';
  completeInData: boolean;
  problems: string[];
  notes: string[];
}

export interface NyuImportSummary {
  folder: string;
  files: number;
  imported: number;
  alreadyPresent: number;
  /** Files that could not be read as a room, with the reason. */
  skipped: { file: string; reason: string }[];
  /** Imported (or already present) rooms by replay outcome. */
  finished: number;
  running: number;
  /** Rooms the data marks complete whose replay does not finish, grouped by reason. */
  notReplayed: { reason: string; rooms: string[] }[];
  /** Where the rules had to bend, with how many rooms. */
  notes: { note: string; rooms: number }[];
  metadataFile: string | null;
  seconds: number;
}

export interface ImportOptions {
  /** Called after each file with (done, total, file). */
  onProgress?: (done: number, total: number, file: string) => void;
  /** Room files parsed concurrently (file reads overlap with conversion). */
  concurrency?: number;
  /** Who may read the imported transcripts: private (researchers only, the default) or public. */
  visibility?: Visibility;
}

/** The folder of room files inside a dataset folder (debates/official), or the folder itself. */
export function roomsFolder(folder: string): string {
  for (const sub of [join(folder, 'debates', 'official'), join(folder, 'official')]) {
    if (existsSync(sub) && statSync(sub).isDirectory()) return sub;
  }
  return folder;
}

/** debates-metadata.json next to the rooms (in the dataset folder or above debates/official). */
export function metadataFile(folder: string): string | null {
  for (const f of [join(folder, 'debates-metadata.json'), join(folder, '..', 'debates-metadata.json'), join(folder, '..', '..', 'debates-metadata.json')]) {
    if (existsSync(f)) return f;
  }
  return null;
}

export async function readMetadata(file: string | null): Promise<Map<string, NyuMetadata>> {
  const out = new Map<string, NyuMetadata>();
  if (!file) return out;
  const list = JSON.parse(await readFile(file, 'utf8')) as unknown;
  if (!Array.isArray(list)) throw new Error(`${file}: expected a JSON array of room metadata`);
  for (const item of list) {
    const parsed = NyuMetadata.safeParse(item);
    if (parsed.success) out.set(parsed.data.name, parsed.data);
  }
  return out;
}

/** Converts one room file; a malformed file becomes { error }. */
export async function convertFile(path: string, metadata: Map<string, NyuMetadata>): Promise<{ room: ConvertedRoom } | { error: string }> {
  const name = basename(path).replace(/\.json$/i, '');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    return { error: `not valid JSON (${(e as Error).message})` };
  }
  try {
    return { room: convertRoom(name, raw, metadata.get(name) ?? null) };
  } catch (e) {
    if (e instanceof MalformedRoomError) return { error: e.message };
    return { error: `cannot convert: ${(e as Error).message}` };
  }
}

export async function importNyuFolder(store: Store, folder: string, options: ImportOptions = {}): Promise<NyuImportSummary> {
  const t0 = performance.now();
  if (!existsSync(folder)) throw new Error(`no such folder: ${folder}`);
  const dir = roomsFolder(folder);
  const metaFile = metadataFile(dir === folder ? folder : join(dir, '..', '..'));
  const metadata = await readMetadata(metaFile);
  const files = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.json') && f !== 'debates-metadata.json' && f !== 'profiles.json' && f !== 'open-feedback.json').sort();

  const summary: NyuImportSummary = {
    folder,
    files: files.length,
    imported: 0,
    alreadyPresent: 0,
    skipped: [],
    finished: 0,
    running: 0,
    notReplayed: [],
    notes: [],
    metadataFile: metaFile,
    seconds: 0,
  };
  const reasons = new Map<string, string[]>();
  const notes = new Map<string, number>();
  const record = (room: ConvertedRoom) => {
    if (room.replay === 'finished') summary.finished++;
    else summary.running++;
    if (room.completeInData && room.replay !== 'finished') {
      for (const p of room.problems.length ? room.problems : ['unknown']) reasons.set(p, [...(reasons.get(p) ?? []), room.record.header.source?.id ?? room.record.header.id]);
    }
    for (const n of room.notes) {
      const key = n.replace(/\d+/g, '#');
      notes.set(key, (notes.get(key) ?? 0) + 1);
    }
  };

  // Read and convert a few files ahead while the store writes the previous ones.
  const concurrency = Math.max(1, options.concurrency ?? 4);
  let next = 0;
  const pending: Promise<{ file: string; result: Awaited<ReturnType<typeof convertFile>> }>[] = [];
  const launch = () => {
    const file = files[next++];
    if (file === undefined) return;
    pending.push(convertFile(join(dir, file), metadata).then((result) => ({ file, result })));
  };
  for (let i = 0; i < concurrency; i++) launch();
  let done = 0;
  while (pending.length) {
    const { file, result } = await (pending.shift() as (typeof pending)[number]);
    launch();
    if ('error' in result) summary.skipped.push({ file, reason: result.error });
    else {
      const saved = await store.saveTranscript(result.room.record, options.visibility ?? 'private');
      if (saved) summary.imported++;
      else summary.alreadyPresent++;
      record(result.room);
    }
    options.onProgress?.(++done, files.length, file);
  }
  summary.notReplayed = [...reasons].map(([reason, rooms]) => ({ reason, rooms })).sort((a, b) => b.rooms.length - a.rooms.length);
  summary.notes = [...notes].map(([note, rooms]) => ({ note, rooms })).sort((a, b) => b.rooms - a.rooms);
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

/** The human-readable summary that ends an import run. */
export function formatImportSummary(s: NyuImportSummary): string {
  const lines = [
    `NYU debate import from ${s.folder}${s.metadataFile ? '' : ' (no debates-metadata.json found: settings inferred, includedInPaper unknown)'}`,
    `  files:            ${s.files}`,
    `  imported:         ${s.imported}`,
    `  already present:  ${s.alreadyPresent}`,
    `  skipped:          ${s.skipped.length}`,
  ];
  for (const k of s.skipped) lines.push(`    ${k.file}: ${k.reason}`);
  lines.push(`  replayed to the end (finished): ${s.finished}; still running: ${s.running}`);
  const notFinished = s.notReplayed.reduce((n, r) => n + r.rooms.length, 0);
  if (notFinished) {
    lines.push(`  complete in the data but not finished by the engine: ${notFinished}`);
    for (const r of s.notReplayed) {
      const shown = r.rooms.slice(0, 5).join(', ') + (r.rooms.length > 5 ? `, … (${r.rooms.length - 5} more)` : '');
      lines.push(`    ${r.rooms.length} × ${r.reason}: ${shown}`);
    }
  }
  if (s.notes.length) {
    lines.push('  rules adapted to the engine (rooms):');
    for (const n of s.notes) lines.push(`    ${n.rooms} × ${n.note}`);
  }
  lines.push(`  time: ${s.seconds.toFixed(1)} s`);
  return lines.join('\n');
}
