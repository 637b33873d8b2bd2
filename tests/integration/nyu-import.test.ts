/**
 * The whole NYU human-debate dataset (Michael et al. 2023), imported into an in-memory
 * store: counts against debates-metadata.json, rooms field by field, replay to the
 * data's final judgement, idempotency, malformed files, and the round trip back to the
 * dataset's format.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passageIndex, passageText, replay, spanText, tokenize, type TranscriptRecord } from '@arena/shared';
import { openStore } from '../../server/src/store/open.ts';
import type { Store } from '../../server/src/store/store.ts';
import { importNyuFolder, type NyuImportSummary } from '../../server/src/importers/nyu/import.ts';
import { exportNyu, transcriptToNyu } from '../../server/src/importers/nyu/export.ts';
import { formatNyuReport, nyuReport } from '../../server/src/importers/nyu/report.ts';
import { nyuData } from '../helpers/requirements.ts';

/** The real dataset, or '' when it is not there (the tests are then left out and named in the summary). */
const DATA = nyuData('nyu-import: the whole NYU dataset imported, room by room') ?? '';
const ROOMS = join(DATA, 'debates', 'official');

interface Meta {
  name: string;
  setting: { isHuman: boolean; isDebate: boolean };
  includedInPaper: boolean;
  status: Record<string, { result?: { correctAnswerIndex: number; judgingInfo: { finalJudgement: number[]; numContinues: number; correctAnswerIndex: number } | null } }>;
}
type Content = { Text: { text: string } } | { Quote: { span: [number, number] } };
interface RawSpeech {
  speaker: string;
  timestamp: number;
  content: Content[];
}
type RawRound = Record<string, { speeches?: Record<string, RawSpeech>; distribution?: number[]; feedback?: RawSpeech; endDebate?: boolean }>;
interface RawRoom {
  setup: {
    question: string;
    answers: string[];
    correctAnswerIndex: number;
    roles: Record<string, string>;
    creationTime: number;
    sourceMaterial: { QuALITYSourceMaterial: { title: string; contents: string[] } };
  };
  rounds: RawRound[];
  feedback: unknown;
  scratchpads: unknown;
}

const metadata: Meta[] = DATA ? JSON.parse(readFileSync(join(DATA, 'debates-metadata.json'), 'utf8')) : [];
const metaByName = new Map(metadata.map((m) => [m.name, m]));
const rawRoom = (name: string): RawRoom => JSON.parse(readFileSync(join(ROOMS, `${name}.json`), 'utf8'));
const judged = (m: Meta) => m.status['Complete']?.result?.judgingInfo ?? null;
const settingKey = (s: { isHuman: boolean; isDebate: boolean }) => `${s.isHuman ? 'human' : 'ai'}-${s.isDebate ? 'debate' : 'consultancy'}`;
/** A round's speeches in the order the import enters them: simultaneous by time, sequential by debater. */
const speechesOf = (r: RawRound): [string, RawSpeech][] => {
  const sp = r['SimultaneousSpeeches'] ?? r['SequentialSpeeches'];
  if (!sp?.speeches) return [];
  return Object.entries(sp.speeches).sort(([a, x], [b, y]) => (r['SimultaneousSpeeches'] ? x.timestamp - y.timestamp : 0) || Number(a) - Number(b));
};
const countBy = <T,>(xs: T[], key: (x: T) => string) => xs.reduce<Record<string, number>>((acc, x) => ((acc[key(x)] = (acc[key(x)] ?? 0) + 1), acc), {});

let store: Store;
let summary: NyuImportSummary;
let records: TranscriptRecord[];
const byRoom = new Map<string, TranscriptRecord>();
const temps: string[] = [];

beforeAll(async () => {
  if (!DATA) return;
  store = await openStore({});
  const t0 = performance.now();
  summary = await importNyuFolder(store, DATA);
  console.log(`NYU import: ${summary.imported} rooms in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  records = [];
  for await (const r of store.transcripts({ source: 'nyu-debate-2023' })) records.push(r);
  for (const r of records) byRoom.set(r.header.source?.id as string, r);
}, 120_000);

afterAll(async () => {
  await store?.close();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe.runIf(DATA)('importing the whole NYU dataset', () => {
  it('imports every room file, and counts match debates-metadata.json', async () => {
    const files = readdirSync(ROOMS).filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(metadata.length);
    expect(summary.files).toBe(files.length);
    expect(summary.imported).toBe(files.length);
    expect(summary.skipped).toEqual([]);
    expect(await store.countDebates({ source: 'nyu-debate-2023' })).toBe(metadata.length);
    expect(records.length).toBe(metadata.length);

    // Every room the live judge finished replays to 'finished'; every other room stays running.
    const finishedInData = metadata.filter((m) => judged(m) !== null);
    const finished = records.filter((r) => r.status === 'finished');
    expect(finished.length).toBe(finishedInData.length);
    expect(summary.finished).toBe(finishedInData.length);
    expect(new Set(finished.map((r) => r.header.source?.id))).toEqual(new Set(finishedInData.map((m) => m.name)));
    expect(records.filter((r) => r.status !== 'finished').every((r) => r.status === 'running')).toBe(true);

    // Per setting: all rooms, finished rooms, and rooms in the paper's analysis.
    const setting = (r: TranscriptRecord) => settingKey((r.header.meta?.['nyu'] as { setting: Meta['setting'] }).setting);
    expect(countBy(records, setting)).toEqual(countBy(metadata, (m) => settingKey(m.setting)));
    expect(countBy(finished, setting)).toEqual(countBy(finishedInData, (m) => settingKey(m.setting)));
    expect(countBy(records.filter((r) => r.header.meta?.['includedInPaper'] === true), setting)).toEqual(
      countBy(metadata.filter((m) => m.includedInPaper), (m) => settingKey(m.setting)),
    );
  });

  it('reports the complete rooms it cannot finish, with the reason', () => {
    const completeNoJudge = metadata.filter((m) => 'Complete' in m.status && judged(m) === null).map((m) => m.name);
    const reported = summary.notReplayed.flatMap((r) => r.rooms);
    expect(new Set(reported)).toEqual(new Set(completeNoJudge));
    for (const r of summary.notReplayed) expect(r.reason).toMatch(/no live judge/);
    for (const name of completeNoJudge) {
      const record = byRoom.get(name) as TranscriptRecord;
      expect(record.status).toBe('running');
      // Their speeches are all there even so.
      const speeches = rawRoom(name).rounds.flatMap((r) => Object.values(r['SimultaneousSpeeches']?.speeches ?? r['SequentialSpeeches']?.speeches ?? {}));
      expect(record.events.filter((e) => e.action.type === 'speech').length).toBe(speeches.length);
    }
  });

  it('replays every finished room to the final judgement of the data', () => {
    let checked = 0;
    for (const record of records) {
      const m = metaByName.get(record.header.source?.id as string) as Meta;
      const info = judged(m);
      const state = replay(record.header as never, record.events as never);
      expect(state.status).toBe(record.status);
      if (!info) continue;
      expect(state.status).toBe('finished');
      expect(state.verdict?.probabilities).toEqual(info.finalJudgement);
      expect(state.verdict?.correctIndex).toBe(info.correctAnswerIndex);
      expect(state.verdict?.continues).toBe(info.numContinues);
      expect(record.verdict?.probabilities).toEqual(info.finalJudgement);
      checked++;
    }
    expect(checked).toBe(metadata.filter((m) => judged(m) !== null).length);
  });

  it('builds passages whose tokens are the dataset tokens, so quote spans carry over unchanged', () => {
    let exact = 0;
    let quotes = 0;
    for (const record of records) {
      const name = record.header.source?.id as string;
      const room = rawRoom(name);
      const tokens = room.setup.sourceMaterial.QuALITYSourceMaterial.contents;
      const text = passageText(record.header.scenario);
      const plain = tokens.every((t) => t === '\n' || /^\S+$/.test(t));
      const nyu = record.header.meta?.['nyu'] as { tokens?: string[] };
      if (!plain) {
        // The few rooms of an older tokenization keep their original tokens for the export.
        expect(nyu.tokens).toEqual(tokens);
        continue;
      }
      expect(tokenize(text).map((t) => text.slice(t.start, t.end))).toEqual(tokens);
      exact++;
      const index = passageIndex(text);
      const spansInData = room.rounds.flatMap((r) => speechesOf(r).flatMap(([, s]) => s.content.flatMap((c) => ('Quote' in c ? [c.Quote.span] : []))));
      const spansImported = record.events.flatMap((e) =>
        e.action.type === 'speech' ? (e.action.segments ?? []).flatMap((g) => ('quote' in g ? [g.quote] : [])) : [],
      );
      const clipped = spansInData.filter((s) => s[1] > tokens.length).length;
      if (clipped === 0) expect(spansImported).toEqual(spansInData);
      for (const [s, e] of spansImported) {
        expect(spanText(index, s, e).split(/\s+/).filter(Boolean)).toEqual(tokens.slice(s, e).filter((t) => t !== '\n'));
      }
      quotes += spansImported.length;
    }
    expect(exact).toBeGreaterThan(600);
    expect(quotes).toBeGreaterThan(8000);
  });

  it('keeps a human debate field by field', () => {
    const name = metadata.find((m) => m.includedInPaper && m.setting.isHuman && m.setting.isDebate)?.name as string;
    const room = rawRoom(name);
    const m = metaByName.get(name) as Meta;
    const { header, events } = byRoom.get(name) as TranscriptRecord;
    expect(header.id).toBe(`nyu-${name}`);
    expect(header.source).toMatchObject({ name: 'nyu-debate-2023', id: name });
    expect(header.createdAt).toBe(room.setup.creationTime);
    expect(header.scenario).toMatchObject({
      title: room.setup.sourceMaterial.QuALITYSourceMaterial.title,
      question: room.setup.question,
      answers: room.setup.answers,
      correctIndex: room.setup.correctAnswerIndex,
      source: 'QuALITY / Project Gutenberg via NYU debate 2023',
      licence: 'CC-BY-4.0',
    });
    expect(header.assignment).toEqual({ answerOrder: [0, 1], correctIndex: room.setup.correctAnswerIndex, debaters: { A: 0, B: 1 }, speakingOrder: ['A', 'B'] });
    expect(header.rules).toMatchObject({ preset: 'debate', debaters: 'all', opening: ['judge', 'simultaneous', 'judge'], repeating: ['sequential', 'judge'], judgePenalty: 0.05 });
    expect(header.seats).toEqual({ A: { kind: 'human' }, B: { kind: 'human' }, judge: { kind: 'human' } });
    const nyu = header.meta?.['nyu'] as { includedInPaper: boolean; roles: unknown; metadata: unknown; setting: { label: string } };
    expect(header.meta?.['includedInPaper']).toBe(true);
    expect(nyu.roles).toEqual(room.setup.roles);
    expect(nyu.metadata).toEqual(m);
    expect(nyu.setting.label).toBe('Human debate');

    // Events: start, then every judge turn and speech of the data, in order, at the data's times.
    expect(events[0]).toMatchObject({ seq: 0, seat: 'system', action: { type: 'start' }, at: room.setup.creationTime });
    const expected: { seat: string; at: number; action: unknown }[] = [];
    for (const r of room.rounds) {
      if (r['JudgeFeedback']) {
        const j = r['JudgeFeedback'];
        const comment = (j.feedback?.content ?? []).map((c) => ('Text' in c ? c.Text.text : '')).join('');
        expected.push({ seat: 'judge', at: j.feedback?.timestamp as number, action: { type: 'judge', probabilities: j.distribution, comment, end: j.endDebate } });
      }
      for (const [k, s] of speechesOf(r)) {
        expected.push({
          seat: k === '0' ? 'A' : 'B',
          at: s.timestamp,
          action: { type: 'speech', segments: s.content.map((c) => ('Text' in c ? { text: c.Text.text } : { quote: c.Quote.span })) },
        });
      }
    }
    expect(events.slice(1).map((e) => ({ seat: e.seat, at: e.at, action: e.action }))).toEqual(expected);
    expect(events.map((e) => e.seq)).toEqual([...events.keys()]);
  });

  it('keeps a consultancy with the consultant as Debater B, and an AI consultancy with a GPT-4 seat', () => {
    const human = metadata.find((m) => m.setting.isHuman && !m.setting.isDebate && judged(m) && 'Debater B' in rawRoom(m.name).setup.roles)?.name as string;
    const h = byRoom.get(human) as TranscriptRecord;
    expect(h.header.rules).toMatchObject({ preset: 'consultancy', debaters: 'one', opening: ['judge'], repeating: ['sequential', 'judge'] });
    expect(h.header.assignment.debaters).toEqual({ B: 1 });
    expect(h.header.assignment.speakingOrder).toEqual(['B']);
    expect(h.events.filter((e) => e.action.type === 'speech').every((e) => e.seat === 'B')).toBe(true);

    const ai = metadata.find((m) => !m.setting.isHuman && !m.setting.isDebate && judged(m))?.name as string;
    const a = byRoom.get(ai) as TranscriptRecord;
    const seat = Object.keys(a.header.assignment.debaters)[0] as 'A' | 'B';
    expect(a.header.seats[seat]).toEqual({ kind: 'agent', agent: 'GPT-4' });
    expect(a.header.seats.judge).toEqual({ kind: 'human' });
    expect((a.header.meta?.['nyu'] as { setting: { label: string } }).setting.label).toBe('AI consultancy');
  });

  it('keeps the edge cases: a span past the story end, an empty speech, offline judgments, older tokens', () => {
    const pail = byRoom.get('a-pail-of-air-7') as TranscriptRecord;
    expect(pail.status).toBe('finished');
    const clipped = pail.events.find((e) => Array.isArray((e.meta?.['nyu'] as { spans?: unknown })?.spans));
    expect(clipped).toBeDefined();

    const manners = byRoom.get('manners-and-customs-of-the-0') as TranscriptRecord;
    expect(manners.status).toBe('finished');
    const state = replay(manners.header as never, manners.events as never);
    expect(state.rounds.some((r) => r.speeches.some((s) => s.segments.length === 0))).toBe(true);

    const withOffline = records.find((r) => (r.header.meta?.['nyu'] as { extraRounds: { round: object }[] }).extraRounds.some((x) => 'OfflineJudgments' in x.round));
    expect(withOffline).toBeDefined();

    const old = rawRoom('ambition-0');
    const oldRecord = byRoom.get('ambition-0') as TranscriptRecord;
    expect((oldRecord.header.meta?.['nyu'] as { tokens: string[] }).tokens).toEqual(old.setup.sourceMaterial.QuALITYSourceMaterial.contents);
  });

  it('changes nothing when imported twice', async () => {
    const again = await importNyuFolder(store, DATA);
    expect(again.imported).toBe(0);
    expect(again.alreadyPresent).toBe(metadata.length);
    expect(await store.countDebates({ source: 'nyu-debate-2023' })).toBe(metadata.length);
  });

  it('skips a malformed file, naming it, and imports the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nyu-malformed-'));
    temps.push(dir);
    const official = join(dir, 'debates', 'official');
    mkdirSync(official, { recursive: true });
    copyFileSync(join(ROOMS, 'ambition-8.json'), join(official, 'ambition-8.json'));
    writeFileSync(join(official, 'broken-room.json'), '{"setup": {"rules": ');
    writeFileSync(join(official, 'wrong-shape.json'), JSON.stringify({ setup: { question: 'q' }, rounds: 'none' }));
    const fresh = await openStore({});
    try {
      const s = await importNyuFolder(fresh, dir);
      expect(s.imported).toBe(1);
      expect(s.skipped.map((k) => k.file).sort()).toEqual(['broken-room.json', 'wrong-shape.json']);
      expect(s.skipped.find((k) => k.file === 'broken-room.json')?.reason).toMatch(/JSON/);
      expect(s.skipped.find((k) => k.file === 'wrong-shape.json')?.reason).toMatch(/setup|rounds/);
      expect(await fresh.exists('nyu-ambition-8')).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('exports every room back to the dataset format unchanged, field by field', () => {
    for (const record of records) {
      const name = record.header.source?.id as string;
      const room = rawRoom(name);
      const out = transcriptToNyu(record);
      expect(out.name).toBe(name);
      expect(out.room.setup).toEqual(room.setup);
      expect(out.room.rounds.length).toBe(room.rounds.length);
      out.room.rounds.forEach((r, i) => {
        const src = room.rounds[i] as RawRound;
        const kind = Object.keys(src)[0] as string;
        expect(Object.keys(r)).toEqual([kind]);
        const a = (r as RawRound)[kind];
        const b = src[kind];
        if (b?.speeches) {
          expect(Object.keys(a?.speeches ?? {})).toEqual(Object.keys(b.speeches));
          for (const [k, s] of Object.entries(b.speeches)) {
            const e = a?.speeches?.[k] as RawSpeech;
            expect(e.speaker).toBe(s.speaker);
            expect(e.timestamp).toBe(s.timestamp);
            expect(e.content).toEqual(s.content); // every text and every span
          }
        } else if (b?.distribution) {
          expect(a?.distribution).toEqual(b.distribution); // every probability, exactly
          expect(a?.endDebate).toBe(b.endDebate);
          expect(a?.feedback).toEqual(b.feedback);
        } else {
          expect(a).toEqual(b);
        }
      });
      expect(out.room.feedback).toEqual(room.feedback);
      expect(out.room.scratchpads).toEqual(room.scratchpads);
      expect(out.metadata).toEqual(metaByName.get(name));
    }
  });

  it('writes a folder that imports again to the same transcripts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nyu-export-'));
    temps.push(dir);
    const s = await exportNyu(store, dir, { source: 'nyu-debate-2023' });
    expect(s.rooms).toBe(metadata.length);
    expect(JSON.parse(readFileSync(join(dir, 'debates-metadata.json'), 'utf8'))).toHaveLength(metadata.length);
    const names = ['ambition-8', 'a-pail-of-air-7', 'manners-and-customs-of-the-0', 'ambition-0', 'pied-piper-of-mars-3'];
    const small = mkdtempSync(join(tmpdir(), 'nyu-reimport-'));
    temps.push(small);
    mkdirSync(join(small, 'debates', 'official'), { recursive: true });
    for (const n of names) copyFileSync(join(dir, 'debates', 'official', `${n}.json`), join(small, 'debates', 'official', `${n}.json`));
    copyFileSync(join(dir, 'debates-metadata.json'), join(small, 'debates-metadata.json'));
    const again = await openStore({});
    try {
      const r = await importNyuFolder(again, small);
      expect(r.imported).toBe(names.length);
      for (const n of names) {
        const back = await again.getTranscript(`nyu-${n}`);
        const orig = byRoom.get(n) as TranscriptRecord;
        expect(back?.header).toEqual(orig.header);
        expect(back?.events).toEqual(orig.events);
        expect(back?.verdict).toEqual(orig.verdict);
      }
    } finally {
      await again.close();
    }
  });

  it('reports judge accuracy by setting, for the paper rooms and all finished rooms', () => {
    const report = nyuReport(records);
    expect(report.rooms).toBe(metadata.length);
    const paper = metadata.filter((m) => m.includedInPaper && judged(m));
    const fin = metadata.filter((m) => judged(m));
    for (const row of report.rows) {
      const pool = (row.subset === 'paper' ? paper : fin).filter((m) => m.setting.isHuman === row.isHuman && m.setting.isDebate === row.isDebate);
      expect(row.n).toBe(pool.length);
      // Correct: more probability on the correct answer in the data's own final judgement.
      const correct = pool.filter((m) => {
        const info = judged(m) as NonNullable<ReturnType<typeof judged>>;
        const pc = info.finalJudgement[info.correctAnswerIndex] as number;
        return info.finalJudgement.every((p, i) => i === info.correctAnswerIndex || p < pc);
      }).length;
      expect(row.accuracy.successes).toBe(correct);
      expect(row.accuracy.low).toBeLessThan(row.accuracy.rate);
      expect(row.accuracy.high).toBeGreaterThan(row.accuracy.rate);
      expect(row.ece).toBeGreaterThanOrEqual(0);
      expect(row.brier).toBeGreaterThan(0);
    }
    const text = formatNyuReport(report);
    expect(text).toContain('| in paper | Human debate |');
    expect(text).toContain('| all finished | AI consultancy |');
  });
});
