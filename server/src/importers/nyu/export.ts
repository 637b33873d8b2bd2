/**
 * Arena transcripts → the NYU dataset's own JSON format (a room file per debate, plus
 * debates-metadata.json), so the NYU tools and this one can share debates. A debate
 * imported from the dataset comes back as it was; a debate held in the arena is
 * written in the same shape (Debater A argues the first shown answer, and so on).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  passageText,
  segmentText,
  apply,
  initialState,
  type DebateEvent,
  type DebateState,
  type DebaterSeat,
  type RoundKind,
  type Rules,
  type TranscriptRecord,
} from '@arena/shared';
import type { ListFilter, Store } from '../../store/store.ts';
import { NYU_SOURCE, commentContent, type NyuMeta } from './convert.ts';
import { tokenStrings } from './passage.ts';
import type { NyuContent } from './schema.ts';

export interface NyuSpeechJson {
  speaker: string;
  timestamp: number;
  content: NyuContent[];
}
export type NyuRoundJson =
  | { JudgeFeedback: { distribution: number[]; feedback: NyuSpeechJson; endDebate: boolean } }
  | { SimultaneousSpeeches: { speeches: Record<string, NyuSpeechJson> } }
  | { SequentialSpeeches: { speeches: Record<string, NyuSpeechJson> } }
  | Record<string, unknown>;

export interface NyuRoomJson {
  setup: {
    rules: unknown;
    sourceMaterial: { QuALITYSourceMaterial: { articleId: string; title: string; contents: string[] } };
    question: string;
    answers: string[];
    correctAnswerIndex: number;
    roles: Record<string, string>;
    offlineJudges: Record<string, unknown>;
    creationTime: number;
  };
  rounds: NyuRoundJson[];
  feedback: Record<string, unknown>;
  scratchpads: Record<string, unknown>;
}

export interface NyuExport {
  /** Room name: the dataset's for imported debates, else the arena id. */
  name: string;
  room: NyuRoomJson;
  metadata: Record<string, unknown>;
}

const LETTERS = ['A', 'B', 'C', 'D'] as const;

function nyuMetaOf(record: TranscriptRecord): Partial<NyuMeta> | null {
  if (record.header.source?.name !== NYU_SOURCE) return null;
  return (record.header.meta?.['nyu'] ?? null) as Partial<NyuMeta> | null;
}

function rulesToNyu(rules: Rules): unknown {
  const speech = (kind: 'SimultaneousSpeechesRound' | 'SequentialSpeechesRound') => ({
    [kind]: { charLimit: rules.speechChars, quoteLimit: rules.quoteChars, assignedDebatersOnly: rules.debaters === 'one' },
  });
  const round = (k: RoundKind) =>
    k === 'judge'
      ? { JudgeFeedbackRound: { reportBeliefs: true, charLimit: rules.judgeCommentChars } }
      : speech(k === 'simultaneous' ? 'SimultaneousSpeechesRound' : 'SequentialSpeechesRound');
  return {
    fixedOpening: rules.opening.map(round),
    repeatingStructure: rules.repeating.map(round),
    fixedClosing: null,
    globalQuoteRestriction: null,
    scoringFunction: {
      LogScoreWithLinearPenalty: { baseCoefficient: 1.0, constant: 0.0, logBase: 2.0, perTurnPenalty: rules.judgePenalty },
    },
  };
}

interface EventNyuMeta {
  speaker?: string;
  round?: number;
  spans?: [number, number][];
  content?: NyuContent[];
}
const eventMeta = (e: DebateEvent | undefined): EventNyuMeta => ((e?.meta?.['nyu'] ?? {}) as EventNyuMeta);

export function transcriptToNyu(record: TranscriptRecord): NyuExport {
  const { header, events } = record;
  const nyu = nyuMetaOf(record);
  const { scenario, assignment, rules } = header;
  const answers = assignment.answerOrder.map((i) => scenario.answers[i] as string);
  const indexOf = (seat: DebaterSeat) => assignment.debaters[seat] ?? LETTERS.indexOf(seat as (typeof LETTERS)[number]);
  const roles: Record<string, string> = {};
  if (nyu?.roles) Object.assign(roles, nyu.roles);
  else {
    for (const seat of Object.keys(assignment.debaters) as DebaterSeat[]) {
      const cfg = header.seats[seat];
      roles[`Debater ${LETTERS[indexOf(seat)]}`] = cfg?.kind === 'agent' ? (cfg.agent ?? 'agent') : `Debater ${LETTERS[indexOf(seat)]}`;
    }
    if (header.seats.judge) roles['Judge'] = header.seats.judge.kind === 'agent' ? (header.seats.judge.agent ?? 'agent') : 'Judge';
  }
  const speakerOf = (seat: string) => roles[seat === 'judge' ? 'Judge' : `Debater ${LETTERS[indexOf(seat as DebaterSeat)]}`] ?? seat;

  // Replay, noting which engine round each event acted in.
  let state: DebateState = initialState(header);
  const byRound = new Map<number, DebateEvent[]>();
  for (const e of events) {
    const current = state.rounds.length - 1;
    const result = apply(state, e.action, e.seat, e.at);
    if (!result.ok) break;
    state = result.state;
    if (current >= 0) byRound.set(current, [...(byRound.get(current) ?? []), e]);
  }

  const firstUnreplayed = Math.min(...(nyu?.unreplayedRounds ?? []).map((r) => r.index));
  const rounds: NyuRoundJson[] = [];
  for (const round of state.rounds) {
    const evs = byRound.get(round.index) ?? [];
    if (evs.some((e) => (eventMeta(e).round ?? -1) >= firstUnreplayed)) continue;
    if (round.kind === 'judge') {
      const turn = round.judge;
      if (!turn) continue;
      const e = evs.find((x) => x.action.type === 'judge') ?? evs.at(-1);
      const m = eventMeta(e);
      rounds.push({
        JudgeFeedback: {
          distribution: [...turn.probabilities],
          feedback: { speaker: m.speaker ?? speakerOf('judge'), timestamp: turn.at, content: m.content ?? commentContent(turn.comment) },
          endDebate: turn.end,
        },
      });
      continue;
    }
    if (round.speeches.length === 0) continue;
    const speeches: Record<string, NyuSpeechJson> = {};
    for (const sp of round.speeches) {
      const e = evs.find((x) => (x.action.type === 'speech' && x.seat === sp.seat) || ('seat' in x.action && x.action.seat === sp.seat));
      const m = eventMeta(e);
      let content: NyuContent[];
      if (e?.action.type === 'speech' && e.action.segments) {
        let q = 0;
        content = e.action.segments.map((g): NyuContent => {
          if ('text' in g) return { Text: { text: g.text } };
          if ('reveal' in g) throw new Error('a debate over an image has no form in the NYU dataset');
          const span = m.spans?.[q++] ?? g.quote;
          return { Quote: { span: [span[0], span[1]] } };
        });
      } else if (m.content) content = m.content;
      else {
        content = sp.segments.map((g): NyuContent =>
          g.kind === 'quote' && g.verified ? { Quote: { span: [g.span[0], g.span[1]] } } : { Text: { text: g.kind === 'text' ? g.text : segmentText(g) } },
        );
      }
      speeches[String(indexOf(sp.seat))] = { speaker: m.speaker ?? speakerOf(sp.seat), timestamp: sp.at, content };
    }
    rounds.push(round.kind === 'simultaneous' ? { SimultaneousSpeeches: { speeches } } : { SequentialSpeeches: { speeches } });
  }
  for (const extra of [...(nyu?.extraRounds ?? []), ...(nyu?.unreplayedRounds ?? [])].sort((a, b) => a.index - b.index)) {
    rounds.splice(extra.index, 0, extra.round as NyuRoundJson);
  }

  const name = header.source?.name === NYU_SOURCE && header.source.id ? header.source.id : header.id;
  const room: NyuRoomJson = {
    setup: {
      rules: nyu?.rules ?? rulesToNyu(rules),
      sourceMaterial: {
        QuALITYSourceMaterial: {
          articleId: nyu?.articleId ?? scenario.id,
          title: scenario.title,
          contents: nyu?.tokens ?? tokenStrings(passageText(scenario)),
        },
      },
      question: scenario.question,
      answers,
      correctAnswerIndex: assignment.correctIndex,
      roles,
      offlineJudges: nyu?.offlineJudges ?? {},
      creationTime: header.createdAt,
    },
    rounds,
    feedback: nyu?.feedback ?? {},
    scratchpads: nyu?.scratchpads ?? {},
  };
  const metadata = (nyu?.metadata as Record<string, unknown> | null | undefined) ?? metadataFor(record, name, roles, state);
  return { name, room, metadata };
}

function metadataFor(record: TranscriptRecord, name: string, roles: Record<string, string>, state: DebateState): Record<string, unknown> {
  const { header } = record;
  const debaters = Object.keys(header.assignment.debaters).length;
  const isHuman = Object.values(header.seats).every((s) => s?.kind !== 'agent');
  const v = state.verdict;
  const last = record.events.at(-1)?.at ?? header.createdAt;
  const status = v
    ? {
        Complete: {
          result: {
            timestamp: last,
            correctAnswerIndex: v.correctIndex,
            endedBy: { JudgeDecided: {} },
            judgingInfo: { correctAnswerIndex: v.correctIndex, numContinues: v.continues, finalJudgement: v.probabilities, judgeReward: v.judgeScore },
          },
          offlineJudgingResults: {},
          feedbackProviders: [],
        },
      }
    : state.status === 'running'
      ? { InProgress: {} }
      : { WaitingToBegin: {} };
  return {
    setting: { isHuman, isDebate: debaters > 1 },
    name,
    sourceMaterialId: { Custom: { id: header.scenario.id, title: header.scenario.title } },
    storyTitle: header.scenario.title,
    question: header.scenario.question,
    roleAssignments: roles,
    offlineJudges: {},
    creationTime: header.createdAt,
    status,
    latestUpdateTime: last,
    includedInPaper: false,
  };
}

/** File-system-safe room name. */
function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

export interface NyuExportSummary {
  folder: string;
  rooms: number;
  /** Debates over an image: the dataset has no form for them, so they are left out. */
  skippedImages: number;
}

/**
 * Writes every matching debate to `<folder>/debates/official/<name>.json` and their
 * metadata to `<folder>/debates-metadata.json`: the dataset's layout, which
 * `arena import nyu <folder>` reads back.
 */
export async function exportNyu(store: Store, folder: string, filter: ListFilter = {}, onProgress?: (done: number) => void): Promise<NyuExportSummary> {
  const dir = join(folder, 'debates', 'official');
  await mkdir(dir, { recursive: true });
  const metadata: Record<string, unknown>[] = [];
  let n = 0;
  let skippedImages = 0;
  for await (const record of store.transcripts(filter)) {
    if (record.header.scenario.evidence.kind !== 'passage') {
      skippedImages++;
      continue;
    }
    const out = transcriptToNyu(record);
    await writeFile(join(dir, `${fileName(out.name)}.json`), JSON.stringify(out.room));
    metadata.push(out.metadata);
    n++;
    onProgress?.(n);
  }
  await writeFile(join(folder, 'debates-metadata.json'), JSON.stringify(metadata, null, 2));
  await writeFile(join(folder, 'debates-metadata.jsonl'), metadata.map((m) => JSON.stringify(m)).join('\n') + (metadata.length ? '\n' : ''));
  return { folder, rooms: n, skippedImages };
}
