/**
 * `arena export sft | preferences | dataset | inspect` through the command line on an
 * embedded store in a temp folder: self-play with LLM agents against a local fake model
 * server (a best-of-N debater among them, and a debate with cross-examination), built-in self-play, imported NYU rooms, two
 * forks of a stored debate made by hand and one played by `arena fork`. Every export is read back with a reader of its own (zod
 * schemas for the JSON Lines and the Inspect log, hyparquet for Parquet, yaml for the
 * dataset card) and its row counts are checked against counts made from the store.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { judgedCorrect, replay, type DebateEvent, type DebateHeader, type TranscriptRecord } from '@arena/shared';
import { commandStores } from '../../server/src/cli/store.ts';
import { runArena } from '../helpers/cli.ts';
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server.ts';
import { NYU_FIXTURE, writeNyuFixture } from '../helpers/nyu-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'exports-cli-'));
const db = join(root, 'db');
let llm: FakeLlmServer;
let calls = 0;

/** Debaters quote a different sentence of the story at each call (so best-of-N drafts differ); judges favour answer 1. */
function respond(prompt: string): string {
  if (/Reply with JSON only/.test(prompt)) {
    const labels = [...prompt.matchAll(/^([1-4])\. /gm)].map((m) => m[1] as string);
    return JSON.stringify({ probabilities: Object.fromEntries(labels.map((l, i) => [l, i === 0 ? 0.6 : 0.4 / (labels.length - 1)])), end: true, comment: 'Weighed the quotes.' });
  }
  const story = /<story>\n?([\s\S]*?)<\/story>/.exec(prompt)?.[1] ?? '';
  const sentences = story.split(/(?<=[.!?])\s+/).filter((s) => s.split(/\s+/).length >= 6);
  const sentence = sentences[calls++ % Math.max(1, sentences.length)] ?? '';
  return `My answer is right. The story says <quote>${sentence.split(/\s+/).slice(0, 10).join(' ')}</quote>, which settles it.`;
}

const Message = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().min(1) }).strict();
const SftRow = z
  .object({
    messages: z.tuple([Message.extend({ role: z.literal('system') }), Message.extend({ role: z.literal('user') }), Message.extend({ role: z.literal('assistant') })]),
    metadata: z
      .object({
        debate_id: z.string(),
        event: z.number().int().nonnegative(),
        seat: z.enum(['A', 'B', 'C', 'D', 'judge']),
        role: z.enum(['debater', 'judge']),
        agent: z.string(),
        action: z.enum(['speech', 'judge', 'choose', 'question', 'answer']),
        preset: z.string(),
        scenario_id: z.string(),
        answer: z.string().nullable(),
        correct_answer: z.string(),
        honest: z.boolean().nullable(),
        won: z.boolean().nullable(),
      })
      .strict()
      .optional(),
  })
  .strict();
const Assistant = z.tuple([Message.extend({ role: z.literal('assistant') })]);
const PreferenceRow = z
  .object({
    prompt: z.tuple([Message.extend({ role: z.literal('system') }), Message.extend({ role: z.literal('user') })]),
    chosen: Assistant,
    rejected: Assistant,
    debate_id: z.string(),
    event: z.number().int().nonnegative(),
    seat: z.string(),
    agent: z.string(),
    answer: z.string().nullable(),
    correct_answer: z.string(),
    evidence: z.union([
      z
        .object({
          kind: z.enum(['best-of-n', 'critique-and-refine']),
          scorer: z.string().nullable(),
          chosen_score: z.number(),
          rejected_score: z.number(),
          chosen_candidate: z.number().int(),
          rejected_candidate: z.number().int(),
          spoken_candidate: z.number().int(),
          chosen_stage: z.enum(['draft', 'refined']),
          rejected_stage: z.enum(['draft', 'refined']),
          chosen_round: z.number().int(),
          rejected_round: z.number().int(),
        })
        .strict(),
      z.object({ kind: z.literal('fork'), parent_id: z.string(), chosen_debate: z.string(), rejected_debate: z.string(), chosen_p: z.number(), rejected_p: z.number() }).strict(),
    ]),
  })
  .strict();
const Score = z.object({ value: z.unknown(), answer: z.string().nullable(), explanation: z.string().nullable(), metadata: z.record(z.string(), z.unknown()).nullable(), history: z.array(z.unknown()) });
const InspectLog = z.object({
  version: z.literal(2),
  status: z.literal('success'),
  eval: z.object({ eval_id: z.string(), run_id: z.string(), created: z.iso.datetime(), task: z.string(), task_id: z.string(), task_version: z.number(), model: z.string(), dataset: z.object({ samples: z.number() }), config: z.object({}), packages: z.record(z.string(), z.string()) }),
  plan: z.object({ name: z.string(), steps: z.array(z.object({ solver: z.string(), params: z.object({}) })), config: z.object({}) }),
  results: z.object({ total_samples: z.number(), completed_samples: z.number(), scores: z.array(z.object({ name: z.string(), scorer: z.string(), metrics: z.record(z.string(), z.object({ name: z.string(), value: z.number() })) })) }),
  stats: z.object({ started_at: z.string(), completed_at: z.string(), model_usage: z.object({}) }),
  samples: z.array(
    z.object({
      id: z.string(),
      epoch: z.literal(1),
      input: z.string(),
      choices: z.array(z.string()),
      target: z.string(),
      messages: z.array(z.object({ id: z.string(), role: z.enum(['system', 'user', 'assistant']), content: z.string(), source: z.enum(['input', 'generate']) })).min(3),
      output: z.object({ model: z.string(), choices: z.array(z.object({ message: z.object({ role: z.literal('assistant'), content: z.string() }), stop_reason: z.literal('stop') })).length(1), completion: z.string() }),
      scores: z.object({ correct: Score.extend({ value: z.enum(['C', 'I']) }), p_correct: Score.extend({ value: z.number() }), judge_probabilities: Score.extend({ value: z.record(z.string(), z.number()) }) }).strict(),
      metadata: z.object({ debate_id: z.string(), preset: z.string(), seed: z.string(), seats: z.record(z.string(), z.unknown()), assignment: z.object({ answerOrder: z.array(z.number()), correctIndex: z.number(), debaters: z.record(z.string(), z.number()), speakingOrder: z.array(z.string()) }) }),
      store: z.object({}),
      events: z.array(z.unknown()),
    }),
  ),
});

const ACTING = new Set(['speech', 'judge', 'choose', 'question', 'answer']);
const isTurn = (e: DebateEvent) => ACTING.has(e.action.type) && e.seat !== 'system' && e.seat !== 'observer';
/** A debate's own events: a fork's from `parent.at` on (the ones before are its parent's, copied, and exported with the parent). */
const own = (r: TranscriptRecord): DebateEvent[] => r.events.slice(r.header.parent?.at ?? 0);
type Kept = { stage: string; round: number; text: string; score: number | null };
/** The preference pairs an event's candidates make: every two scored ones with different scores. */
const candidatePairs = (e: DebateEvent): number => {
  const kept = (e.meta?.['candidates'] as Kept[] | undefined) ?? [];
  let n = 0;
  for (const a of kept) for (const b of kept) if (a.score !== null && b.score !== null && a.score > b.score) n++;
  return n;
};
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);

/** Every stored transcript, read straight from the store. */
async function stored(): Promise<TranscriptRecord[]> {
  const stores = await commandStores(db);
  try {
    const out: TranscriptRecord[] = [];
    for await (const r of stores.debates.transcripts()) out.push(r);
    return out;
  } finally {
    await stores.close();
  }
}

/** A fork of `parent` at its event `at`: the same events before it, another speech there, the rest replayed with the last judgement's probabilities given. */
function fork(parent: TranscriptRecord, id: string, at: number, text: string, finalProbabilities: number[]): TranscriptRecord {
  const header = { ...parent.header, id, parent: { id: parent.header.id, at } } as DebateHeader;
  const lastJudge = parent.events.findLastIndex((e) => e.action.type === 'judge');
  const events = parent.events.map((e, i): DebateEvent => {
    if (i === at) return { seq: e.seq, at: e.at, seat: e.seat, action: { type: 'speech', text } };
    if (i === lastJudge && e.action.type === 'judge') return { ...e, action: { ...e.action, probabilities: finalProbabilities } };
    return e;
  });
  const state = replay(header, events);
  return { header, events, status: state.status, verdict: state.verdict } as TranscriptRecord;
}

let records: TranscriptRecord[] = [];
const forkedParent = { id: '', at: 0 };
/** The fork `arena fork` played: its id, its parent and how many of the parent's events it starts with. */
const played = { id: '', parent: '', at: 0 };

beforeAll(async () => {
  llm = await startFakeLlmServer(respond);
  const agents = join(root, 'agents.json');
  writeFileSync(
    agents,
    JSON.stringify({
      agents: {
        'llm-judge': { provider: 'openai', model: 'fake-judge', baseURL: llm.openaiBaseURL, timeoutMs: 10_000 },
        'llm-debater': { provider: 'openai', model: 'fake-debater', baseURL: llm.openaiBaseURL, timeoutMs: 10_000, bestOf: 3, bestOfJudge: 'builtin:passage-judge' },
        'llm-refiner': { provider: 'openai', model: 'fake-debater', baseURL: llm.openaiBaseURL, timeoutMs: 10_000, bestOf: 2, refineRounds: 1, bestOfJudge: 'builtin:passage-judge' },
        'llm-forker': { provider: 'openai', model: 'fake-debater', baseURL: llm.openaiBaseURL, timeoutMs: 10_000 },
      },
    }),
  );
  await runArena('selfplay', '--agents', agents, '--debaters', 'llm-debater,llm-refiner', '--judges', 'llm-judge', '--presets', 'debate,consultancy', '--seeds', '2', '--scenario', 'the-lantern-room,above-the-ninth-camp', '--data-dir', db, '--no-progress', '--json');
  await runArena('selfplay', '--agents', agents, '--debaters', 'llm-forker', '--judges', 'llm-judge', '--presets', 'debate-cross-exam', '--seeds', '1', '--scenario', 'the-lantern-room', '--data-dir', db, '--no-progress', '--json');
  await runArena('selfplay', '--presets', 'debate,consultancy,open-debate,blind', '--seeds', '2', '--scenario', 'the-lantern-room,hollis-and-daughter', '--data-dir', db, '--no-progress', '--json');
  await runArena('import', 'nyu', writeNyuFixture(join(root, 'nyu'), [NYU_FIXTURE.consultancy, NYU_FIXTURE.noLiveJudge]), '--data-dir', db, '--json');
  process.exitCode = 0;
  // Two forks of one LLM debate at its first speech: one the judge ends up believing more, one less.
  const all = await stored();
  const parent = all.find((r) => r.header.rules.preset === 'debate' && r.header.seats.judge?.agent === 'llm-judge' && r.status === 'finished')!;
  const at = parent.events.findIndex((e) => e.action.type === 'speech');
  const seat = parent.events[at]!.seat as 'A' | 'B';
  const side = parent.header.assignment.debaters[seat]!;
  const more = parent.verdict!.probabilities.map((_, i) => (i === side ? 0.9 : 0.1));
  const less = parent.verdict!.probabilities.map((_, i) => (i === side ? 0.2 : 0.8));
  Object.assign(forkedParent, { id: parent.header.id, at });
  const stores = await commandStores(db);
  await stores.debates.saveTranscript(fork(parent, `${parent.header.id}-fork-1`, at, 'A different opening, with no quote at all.', more), 'private');
  await stores.debates.saveTranscript(fork(parent, `${parent.header.id}-fork-2`, at, 'Yet another opening, just as bare.', less), 'private');
  await stores.close();
  // A fork played by `arena fork`: another best-of-N debate's first events up to its last speech, both debaters then another agent.
  const lastSpeech = (r: TranscriptRecord) => r.events.findLastIndex((e) => e.action.type === 'speech');
  const other = all.find((r) => r.header.rules.preset === 'debate' && r.header.id !== parent.header.id && r.status === 'finished' && r.header.seats.A?.agent === 'llm-debater' && r.events.slice(0, lastSpeech(r)).some((e) => candidatePairs(e) > 0))!;
  const last = lastSpeech(other);
  const out = JSON.parse(await runArena('fork', other.header.id, '--at', String(last), '--seat', 'A=llm-forker,B=llm-forker', '--seed', 'exports', '--agents', agents, '--data-dir', db, '--json')) as { id: string; status: string };
  expect(out.status).toBe('finished');
  Object.assign(played, { id: out.id, parent: other.header.id, at: last });
  records = await stored();
}, 120_000);

afterAll(async () => {
  await llm?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('arena export sft', () => {
  it('writes one chat row per seated turn, rendered exactly as the LLM agents were prompted', async () => {
    const file = join(root, 'sft.jsonl');
    const summary = JSON.parse(await runArena('export', 'sft', '--data-dir', db, '--out', file, '--metadata', '--json')) as { rows: number; debates: number };
    const rows = lines(file).map((l) => SftRow.parse(l));
    const expected = records.filter((r) => r.header.scenario.evidence.kind === 'passage').reduce((n, r) => n + own(r).filter(isTurn).length, 0);
    expect(rows.length).toBe(expected);
    expect(summary).toMatchObject({ rows: expected, debates: records.length });
    // Every turn an LLM agent took: the user message is a prompt the model server received.
    const prompts = new Set(llm.requests.map((q) => q.prompt));
    // (The forks were made by this test, not played: their turns were never prompted.)
    const llmRows = rows.filter((r) => r.metadata!.agent.startsWith('llm-') && !/-fork-\d$/.test(r.metadata!.debate_id));
    expect(llmRows.length).toBeGreaterThan(10);
    for (const r of llmRows) expect(prompts.has(r.messages[1].content), `${r.metadata!.debate_id} event ${r.metadata!.event}`).toBe(true);
    // The reply is the action taken: a judge's JSON gives the stored probabilities, a speech its text.
    const byId = new Map(records.map((r) => [r.header.id, r]));
    for (const r of rows) {
      const event = byId.get(r.metadata!.debate_id)!.events[r.metadata!.event]!;
      if (event.action.type === 'judge') expect(Object.values((JSON.parse(r.messages[2].content) as { probabilities: Record<string, number> }).probabilities)).toEqual(event.action.probabilities);
      if (event.action.type === 'speech' && event.action.text !== undefined) expect(r.messages[2].content).toBe(event.action.text);
    }
    // Imported human speeches (segments) come back with their quotes in <quote> tags.
    expect(rows.some((r) => r.metadata!.agent === 'human' && r.metadata!.action === 'speech' && r.messages[2].content.includes('<quote>'))).toBe(true);
    // Without --metadata, rows are the bare chat format.
    await runArena('export', 'sft', '--data-dir', db, '--out', join(root, 'bare.jsonl'), '--no-progress');
    expect(lines(join(root, 'bare.jsonl')).every((l) => Object.keys(l as object).join() === 'messages')).toBe(true);
  });

  it('keeps only winners, honest debaters, one role or one agent when asked', async () => {
    const inDebate = records.filter((r) => r.header.rules.preset === 'debate');
    // Winning needs a verdict: unfinished debates (an imported room without a live judge) have no winners.
    const debates = inDebate.filter((r) => r.status === 'finished');
    expect(inDebate.length).toBeGreaterThan(debates.length);
    const side = (r: TranscriptRecord, seat: string) => r.header.assignment.debaters[seat as 'A'];
    const winners = debates.flatMap((r) => own(r).filter((e) => isTurn(e) && e.seat !== 'judge' && judgedCorrect(r.verdict!.probabilities, side(r, e.seat)!)));
    const file = join(root, 'winners.jsonl');
    await runArena('export', 'sft', '--preset', 'debate', '--winners', '--role', 'debater', '--data-dir', db, '--out', file, '--no-progress', '--metadata');
    const won = lines(file).map((l) => SftRow.parse(l));
    expect(won.length).toBe(winners.length);
    expect(won.every((r) => r.metadata!.won === true && r.metadata!.role === 'debater')).toBe(true);

    const honest = inDebate.flatMap((r) => own(r).filter((e) => isTurn(e) && (e.seat === 'judge' || side(r, e.seat) === r.header.assignment.correctIndex)));
    await runArena('export', 'sft', '--preset', 'debate', '--honest', '--data-dir', db, '--out', file, '--no-progress', '--metadata');
    const kept = lines(file).map((l) => SftRow.parse(l));
    expect(kept.length).toBe(honest.length);
    expect(kept.some((r) => r.metadata!.role === 'judge')).toBe(true);
    expect(kept.every((r) => r.metadata!.role === 'judge' || r.metadata!.honest === true)).toBe(true);

    const llmJudged = records.filter((r) => r.header.seats.judge?.agent === 'llm-judge').reduce((n, r) => n + own(r).filter((e) => isTurn(e) && e.seat === 'judge').length, 0);
    await runArena('export', 'sft', '--seat-agent', 'llm-judge', '--data-dir', db, '--out', file, '--no-progress');
    expect(lines(file).length).toBe(llmJudged);
  });
});

describe('arena export preferences', () => {
  it('pairs scored speech candidates (best-of-N drafts, critique-and-refine rewrites) and forked branches by the final verdicts', async () => {
    const file = join(root, 'prefs.jsonl');
    const summary = JSON.parse(await runArena('export', 'preferences', '--data-dir', db, '--out', file, '--json')) as { candidates: number; forks: number; forkPoints: number };
    const rows = lines(file).map((l) => PreferenceRow.parse(l));
    // Candidates: every two with different scores, counted from the events' meta.
    const pairs = records.reduce((n, r) => n + own(r).reduce((m, e) => m + candidatePairs(e), 0), 0);
    const fromCandidates = rows.filter((r) => r.evidence.kind !== 'fork');
    expect(fromCandidates.length).toBe(pairs);
    expect(summary.candidates).toBe(pairs);
    // Both kinds are there: drafts against drafts, and pairs with a rewrite.
    expect(fromCandidates.some((r) => r.evidence.kind === 'best-of-n')).toBe(true);
    expect(fromCandidates.some((r) => r.evidence.kind === 'critique-and-refine')).toBe(true);
    const byId = new Map(records.map((r) => [r.header.id, r]));
    for (const row of fromCandidates) {
      if (row.evidence.kind === 'fork') continue;
      const e = byId.get(row.debate_id)!.events[row.event]!;
      const kept = e.meta!['candidates'] as Kept[];
      expect(row.chosen[0].content).toBe(kept[row.evidence.chosen_candidate]!.text);
      expect(row.rejected[0].content).toBe(kept[row.evidence.rejected_candidate]!.text);
      expect(row.evidence.chosen_stage).toBe(kept[row.evidence.chosen_candidate]!.stage);
      expect(row.evidence.chosen_score).toBeGreaterThan(row.evidence.rejected_score);
      expect(row.evidence.kind === 'best-of-n').toBe(row.evidence.chosen_stage === 'draft' && row.evidence.rejected_stage === 'draft');
      expect(row.evidence.scorer).toBe('builtin:passage-judge');
      // The spoken candidate is the speech in the transcript.
      expect(e.action.type === 'speech' && e.action.text).toBe(kept[row.evidence.spoken_candidate]!.text);
      // The prompt is the debater's own, as the agents render it.
      expect(llm.requests.some((q) => q.prompt === row.prompt[1].content)).toBe(true);
    }
    // Forks: three branches at one speech (the parent's and two forks), judged 0.9 > parent > 0.2 for that debater's answer, give three pairs.
    // (The fork `arena fork` played makes a second fork point, whose branches the same fake judge believed alike: no pair.)
    const forks = rows.filter((r) => r.evidence.kind === 'fork' && r.debate_id === forkedParent.id && r.event === forkedParent.at);
    expect(summary).toMatchObject({ forkPoints: 2, forks: rows.filter((r) => r.evidence.kind === 'fork').length });
    expect(forks.length).toBe(3);
    const parent = byId.get(forkedParent.id)!;
    const seat = parent.events[forkedParent.at]!.seat as 'A';
    const p = (r: TranscriptRecord) => r.verdict!.probabilities[r.header.assignment.debaters[seat]!]!;
    for (const row of forks) {
      if (row.evidence.kind !== 'fork') continue;
      expect(row).toMatchObject({ debate_id: forkedParent.id, event: forkedParent.at, seat });
      expect(row.evidence.chosen_p).toBe(p(byId.get(row.evidence.chosen_debate)!));
      expect(row.evidence.rejected_p).toBe(p(byId.get(row.evidence.rejected_debate)!));
      expect(row.evidence.chosen_p).toBeGreaterThan(row.evidence.rejected_p);
    }
    expect(forks.find((r) => r.evidence.kind === 'fork' && r.evidence.chosen_debate.endsWith('fork-1') && r.evidence.rejected_debate.endsWith('fork-2'))!.chosen[0].content).toBe('A different opening, with no quote at all.');
  });

  it('yields no fork pairs from a store without forks', async () => {
    const file = join(root, 'prefs-nyu.jsonl');
    const summary = JSON.parse(await runArena('export', 'preferences', '--source', 'nyu', '--data-dir', db, '--out', file, '--json')) as { rows: number; forkPoints: number };
    expect(summary).toMatchObject({ rows: 0, forkPoints: 0 });
    expect(lines(file)).toEqual([]);
  });
});

describe('arena export dataset', () => {
  it('writes Parquet tables whose rows match the store, and a dataset card hubs can read', async () => {
    const out = join(root, 'dataset');
    await runArena('export', 'dataset', '--data-dir', db, '--out', out, '--no-progress');
    const read = async (name: string) => {
      const file = await asyncBufferFromFile(join(out, `${name}.parquet`));
      const meta = await parquetMetadataAsync(file);
      return { rows: await parquetReadObjects({ file }), columns: meta.schema.slice(1).map((s) => s.name) };
    };
    const debates = await read('debates');
    const turns = await read('turns');
    const judgements = await read('judgements');
    const finished = records.filter((r) => r.status === 'finished');
    const expected = { debates: records.length, turns: records.reduce((n, r) => n + own(r).filter(isTurn).length, 0), judgements: finished.length };
    expect({ debates: debates.rows.length, turns: turns.rows.length, judgements: judgements.rows.length }).toEqual(expected);
    expect(new Set(debates.rows.map((r) => r['debate_id']))).toEqual(new Set(records.map((r) => r.header.id)));
    const fork1 = debates.rows.find((r) => String(r['debate_id']).endsWith('-fork-1'))!;
    expect(fork1).toMatchObject({ fork_parent: forkedParent.id, fork_event: forkedParent.at });
    expect(judgements.rows.every((r) => typeof r['correct'] === 'boolean' && typeof r['p_correct_final'] === 'number')).toBe(true);
    expect(turns.rows.filter((r) => r['action'] === 'judge').every((r) => typeof r['probabilities'] === 'string' && typeof r['end'] === 'boolean')).toBe(true);

    // The card: YAML front matter with a config per table, its features and its split's size.
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    const front = /^---\n([\s\S]*?)\n---\n/.exec(card)![1]!;
    const yaml = parseYaml(front) as { license: unknown; configs: { config_name: string; data_files: { split: string; path: string }[] }[]; dataset_info: { config_name: string; features: { name: string; dtype: string }[]; splits: { name: string; num_examples: number }[] }[] };
    expect(yaml).toHaveProperty('license', null);
    expect(yaml.configs.map((c) => [c.config_name, c.data_files[0]!.path])).toEqual([
      ['debates', 'debates.parquet'],
      ['turns', 'turns.parquet'],
      ['judgements', 'judgements.parquet'],
    ]);
    const tables = { debates, turns, judgements };
    for (const info of yaml.dataset_info) {
      const t = tables[info.config_name as keyof typeof tables];
      expect(info.features.map((f) => f.name)).toEqual(t.columns);
      expect(info.splits).toEqual([{ name: 'train', num_examples: t.rows.length }]);
    }
  });
});

describe('cross-examination', () => {
  it('exports each question and answer as a debater turn, prompted exactly as the LLM debater was (an answer from its view when the round opened)', async () => {
    const crossed = records.filter((r) => r.header.rules.preset === 'debate-cross-exam' && r.header.seats.A?.agent === 'llm-forker');
    expect(crossed.length).toBeGreaterThan(0);
    const file = join(root, 'sft-cross.jsonl');
    await runArena('export', 'sft', '--preset', 'debate-cross-exam', '--data-dir', db, '--out', file, '--metadata', '--no-progress');
    const rows = lines(file).map((l) => SftRow.parse(l));
    const prompts = new Set(llm.requests.map((q) => q.prompt));
    for (const r of crossed) {
      const cross = r.events.flatMap((e, i) => (e.action.type === 'question' || e.action.type === 'answer' ? [{ e, i }] : []));
      expect(cross.filter(({ e }) => e.action.type === 'answer').length, r.header.id).toBeGreaterThan(0);
      const got = rows.filter((x) => x.metadata!.debate_id === r.header.id && (x.metadata!.action === 'question' || x.metadata!.action === 'answer'));
      expect(got.map((x) => [x.metadata!.event, x.metadata!.action, x.metadata!.seat, x.metadata!.role, x.metadata!.agent])).toEqual(cross.map(({ e, i }) => [i, e.action.type, e.seat, 'debater', 'llm-forker']));
      for (const [k, x] of got.entries()) {
        const action = cross[k]!.e.action as { type: 'question' | 'answer'; text: string };
        expect(x.messages[2].content).toBe(action.text);
        // The user message is the one the model server received for that turn: an answer's from the debate as it was when the cross-examination opened, with the question.
        expect(prompts.has(x.messages[1].content), `${r.header.id} event ${x.metadata!.event}`).toBe(true);
        expect(x.messages[1].content).toMatch(action.type === 'question' ? /Write one question for Debater/ : /asks you: ".+" Answer it/s);
      }
    }
    // The dataset's turns have them too.
    const out = join(root, 'dataset-cross');
    await runArena('export', 'dataset', '--preset', 'debate-cross-exam', '--data-dir', db, '--out', out, '--no-progress');
    const turns = await parquetReadObjects({ file: await asyncBufferFromFile(join(out, 'turns.parquet')) });
    const inCrossed = (id: unknown) => crossed.some((r) => r.header.id === id);
    expect(turns.filter((t) => inCrossed(t['debate_id']) && (t['action'] === 'question' || t['action'] === 'answer')).length).toBe(crossed.reduce((n, r) => n + r.events.filter((e) => e.action.type === 'question' || e.action.type === 'answer').length, 0));
  });
});

describe('a fork played by arena fork', () => {
  it("is exported from its own first event: the parent's copied turns are neither repeated nor credited to the fork's agents", async () => {
    const byId = new Map(records.map((r) => [r.header.id, r]));
    const fork = byId.get(played.id)!;
    const parent = byId.get(played.parent)!;
    expect(fork.header).toMatchObject({ provenance: 'fork', parent: { id: played.parent, at: played.at } });
    expect(fork.events.slice(0, played.at)).toEqual(parent.events.slice(0, played.at));
    // What the fork copied: speeches by the parent's best-of-N debaters, their scored candidates with them.
    const copied = fork.events.slice(0, played.at);
    const copiedPairs = copied.reduce((n, e) => n + candidatePairs(e), 0);
    expect(copiedPairs).toBeGreaterThan(0);
    const ownTurns = own(fork).filter(isTurn);
    expect(ownTurns.some((e) => e.action.type === 'speech')).toBe(true);

    // SFT: the fork's rows are its own turns; the new agent's are the speeches it made.
    const file = join(root, 'sft-fork.jsonl');
    await runArena('export', 'sft', '--data-dir', db, '--out', file, '--metadata', '--no-progress');
    const rows = lines(file).map((l) => SftRow.parse(l));
    const forkRows = rows.filter((r) => r.metadata!.debate_id === played.id);
    expect(forkRows.map((r) => r.metadata!.event)).toEqual(fork.events.flatMap((e, i) => (i >= played.at && isTurn(e) ? [i] : [])));
    // The parent's rows keep the copied turns, with the agents that took them.
    const parentRows = rows.filter((r) => r.metadata!.debate_id === played.parent);
    expect(parentRows.length).toBe(parent.events.filter(isTurn).length);
    expect(parentRows.filter((r) => r.metadata!.event < played.at && r.metadata!.role === 'debater').every((r) => r.metadata!.agent !== 'llm-forker')).toBe(true);
    // (llm-forker also argues the cross-examination debates, another preset.)
    await runArena('export', 'sft', '--seat-agent', 'llm-forker', '--preset', 'debate', '--data-dir', db, '--out', file, '--metadata', '--no-progress');
    const forker = lines(file).map((l) => SftRow.parse(l));
    const spoken = ownTurns.filter((e) => e.seat !== 'judge');
    expect(forker.length).toBe(spoken.length);
    expect(forker.every((r) => r.metadata!.debate_id === played.id && r.metadata!.event >= played.at)).toBe(true);
    expect(forker.map((r) => r.messages[2].content)).toEqual(spoken.map((e) => (e.action.type === 'speech' ? e.action.text : '')));

    // Preferences: the copied speeches' candidates give their pairs once, with the parent.
    const prefs = join(root, 'prefs-fork.jsonl');
    await runArena('export', 'preferences', '--data-dir', db, '--out', prefs, '--no-progress');
    const pairs = lines(prefs).map((l) => PreferenceRow.parse(l)).filter((r) => r.evidence.kind !== 'fork');
    expect(pairs.filter((r) => r.debate_id === played.id)).toEqual([]);
    expect(pairs.filter((r) => r.debate_id === played.parent && r.event < played.at).length).toBe(copiedPairs);

    // Dataset: the fork's turn rows start at its fork event.
    const out = join(root, 'dataset-fork');
    await runArena('export', 'dataset', '--data-dir', db, '--out', out, '--no-progress');
    const turns = await parquetReadObjects({ file: await asyncBufferFromFile(join(out, 'turns.parquet')) });
    expect(turns.filter((r) => r['debate_id'] === played.id).map((r) => r['event'])).toEqual(forkRows.map((r) => r.metadata!.event));
  });
});

describe('arena export inspect', () => {
  it('writes an Inspect log with one sample per finished debate, scored by the final probabilities', async () => {
    const out = join(root, 'logs');
    const summary = JSON.parse(await runArena('export', 'inspect', '--data-dir', db, '--out', out, '--json')) as { file: string; samples: number; skipped: number };
    const log = InspectLog.parse(JSON.parse(readFileSync(summary.file, 'utf8')));
    const finished = records.filter((r) => r.status === 'finished' && r.header.scenario.evidence.kind === 'passage');
    expect(log.samples.length).toBe(finished.length);
    expect(summary).toMatchObject({ samples: finished.length, skipped: records.length - finished.length });
    expect(log.results.total_samples).toBe(finished.length);
    const correct = finished.filter((r) => r.verdict!.correct).length;
    expect(log.results.scores.find((s) => s.name === 'correct')!.metrics['accuracy']!.value).toBeCloseTo(correct / finished.length, 10);
    const byId = new Map(finished.map((r) => [r.header.id, r]));
    for (const s of log.samples) {
      const r = byId.get(s.id)!;
      expect(Object.values(s.scores.judge_probabilities.value)).toEqual(r.verdict!.probabilities);
      expect(s.scores.correct.value).toBe(r.verdict!.correct ? 'C' : 'I');
      expect(s.metadata).toMatchObject({ preset: r.header.rules.preset, seed: r.header.seed, assignment: r.header.assignment, seats: r.header.seats });
      expect(s.messages.filter((m) => m.role === 'assistant').length).toBe(r.events.filter((e) => e.action.type === 'judge').length);
      // A fork's judgements copied from its parent are history it was given, not generated by its judge.
      const copied = r.events.filter((e, i) => e.action.type === 'judge' && i < (r.header.parent?.at ?? 0)).length;
      expect(s.messages.filter((m) => m.role === 'assistant' && m.source === 'input').length).toBe(copied);
      expect(s.messages.filter((m) => m.role === 'assistant' && m.source === 'generate').length).toBe(r.events.filter((e) => e.action.type === 'judge').length - copied);
    }
    expect(log.samples.some((s) => byId.get(s.id)!.header.parent && s.messages.some((m) => m.role === 'assistant' && m.source === 'input'))).toBe(true);
    // The folder's listing names the log for the viewer.
    const listing = JSON.parse(readFileSync(join(out, 'listing.json'), 'utf8')) as Record<string, { task: string }>;
    expect(Object.keys(listing)).toEqual(readdirSync(out).filter((f) => f !== 'listing.json'));
  });
});
