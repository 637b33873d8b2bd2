/**
 * Debates as an Inspect AI evaluation log (its JSON log format, version 2): one sample
 * per finished debate. A sample's messages are the judge's side of the debate, each
 * judge turn as the prompt the LLM judge is sent (the same templates, chat.ts) and the
 * reply that gave the judgement; its scores are the judge's final probabilities (keyed
 * by answer number), whether the verdict was correct (C / I, which Inspect's accuracy
 * reads) and p(correct); its metadata the preset, seats, seed and assignment. The log's
 * header (eval, plan, results, stats) comes first, as Inspect writes it, so the samples
 * are written to a side file as they stream and joined after (inspect-log.ts).
 */
import { answerLabel, familyOf, favouredAnswer, judgedCorrect, type TranscriptRecord } from '@arena/shared';
import { promptMessages, replyText, type ChatMessage } from './chat.ts';
import { debateTurns, hasChatPrompts } from './seat-turns.ts';
import { seatAgent } from './sft.ts';

type InspectRole = ChatMessage['role'];

interface InspectMessage {
  id: string;
  role: InspectRole;
  content: string;
  source: 'input' | 'generate' | null;
  metadata: Record<string, unknown> | null;
  model?: string | null;
  tool_calls?: null;
}

const message = (id: string, m: ChatMessage, metadata: Record<string, unknown> | null, model?: string): InspectMessage =>
  m.role === 'assistant'
    ? { id, role: 'assistant', content: m.content, source: 'generate', metadata, model: model ?? null, tool_calls: null }
    : { id, role: m.role, content: m.content, source: 'input', metadata };

const score = (value: unknown, answer: string | null, explanation: string | null, metadata: Record<string, unknown> | null = null) => ({ value, answer, explanation, metadata, history: [] });

/** A finished debate as an Inspect sample (null: unfinished, or an image debate, which has no chat prompt). */
export function inspectSample(r: TranscriptRecord): Record<string, unknown> | null {
  if (r.status !== 'finished' || !r.verdict || !hasChatPrompts(r)) return null;
  const { header, verdict } = r;
  const a = header.assignment;
  const judgeModel = seatAgent(r, 'judge');
  // The judge's whole run as the debate replays it. A fork's includes the judgements it copied
  // from its parent: history its judge was given (source input, no model), not what it generated.
  const { turns } = debateTurns(r, { inherited: true });
  const copiedBefore = header.parent?.at ?? 0;
  const messages: InspectMessage[] = [];
  let last: InspectMessage | null = null;
  let comment = '';
  for (const t of turns) {
    if (t.seat !== 'judge' || t.event.action.type !== 'judge') continue;
    const [system, user] = promptMessages(t);
    if (messages.length === 0 && system) messages.push(message(`${header.id}:system`, system, null));
    if (user) messages.push(message(`${header.id}:${t.index}:user`, user, { event: t.index }));
    const reply = { role: 'assistant' as const, content: replyText(t.event.action) };
    if (t.index < copiedBefore) {
      messages.push({ ...message(`${header.id}:${t.index}:judge`, reply, { event: t.index, end: t.event.action.end, copiedFromParent: true }), source: 'input', model: null });
      continue;
    }
    last = message(`${header.id}:${t.index}:judge`, reply, { event: t.index, end: t.event.action.end }, judgeModel);
    messages.push(last);
    comment = t.event.action.comment ?? '';
  }
  const answers = a.answerOrder.map((i) => header.scenario.answers[i] as string);
  const probabilities = Object.fromEntries(verdict.probabilities.map((p, i) => [answerLabel(i), p]));
  const favoured = favouredAnswer(verdict.probabilities);
  const favouredLabel = favoured === null ? null : answerLabel(favoured);
  const correct = judgedCorrect(verdict.probabilities, a.correctIndex);
  const first = r.events[0]?.at ?? 0;
  const end = r.events.at(-1)?.at ?? 0;
  return {
    id: header.id,
    epoch: 1,
    input: `${header.scenario.question}\n\n${answers.map((x, i) => `${answerLabel(i)}. ${x}`).join('\n')}`,
    choices: answers,
    target: answerLabel(a.correctIndex),
    sandbox: null,
    files: null,
    setup: null,
    messages,
    output: {
      model: judgeModel,
      choices: last ? [{ message: last, stop_reason: 'stop', logprobs: null }] : [],
      completion: last?.content ?? '',
      usage: null,
      time: null,
      metadata: null,
      error: null,
    },
    scores: {
      correct: score(correct ? 'C' : 'I', favouredLabel, null),
      p_correct: score(verdict.probabilities[a.correctIndex] ?? 0, null, null),
      judge_probabilities: score(probabilities, favouredLabel, comment || null, { correct_answer: answerLabel(a.correctIndex) }),
    },
    metadata: {
      debate_id: header.id,
      preset: header.rules.preset,
      protocol: familyOf(header.rules),
      source: header.source?.name ?? 'arena',
      pack: header.scenario.pack ?? null,
      scenario_id: header.scenario.id,
      seed: header.seed,
      seats: header.seats,
      assignment: { ...a, correctPosition: a.correctIndex + 1 },
      judge_score: verdict.judgeScore,
      continues: verdict.continues,
    },
    store: {},
    events: [],
    model_usage: {},
    total_time: first > 0 && end > 0 ? Math.max(0, (end - first) / 1000) : null,
    working_time: null,
    uuid: null,
    error: null,
    error_retries: null,
    attachments: {},
    limit: null,
  };
}

/** What the log's header needs from the samples, gathered as they stream past. */
export class InspectTotals {
  samples = 0;
  correct = 0;
  pCorrect = 0;
  pCorrectSquares = 0;
  private readonly judges = new Set<string>();
  startedAt = Infinity;
  completedAt = -Infinity;

  add(r: TranscriptRecord, sample: Record<string, unknown>): void {
    const scores = sample['scores'] as { correct: { value: string }; p_correct: { value: number } };
    this.samples++;
    if (scores.correct.value === 'C') this.correct++;
    this.pCorrect += scores.p_correct.value;
    this.pCorrectSquares += scores.p_correct.value ** 2;
    if (this.judges.size <= 1) this.judges.add(seatAgent(r, 'judge'));
    const first = r.events[0]?.at ?? r.header.createdAt;
    const end = r.events.at(-1)?.at ?? first;
    if (first > 0) this.startedAt = Math.min(this.startedAt, first);
    if (end > 0) this.completedAt = Math.max(this.completedAt, end);
  }

  /** The judge every sample shares, or "mixed". */
  get model(): string {
    return this.judges.size === 1 ? ([...this.judges][0] as string) : this.judges.size === 0 ? 'none' : 'mixed';
  }
}

const metric = (name: string, value: number) => ({ name, value, params: {}, metadata: null });

function meanAndStderr(sum: number, squares: number, n: number): { mean: number; stderr: number } {
  if (n === 0) return { mean: 0, stderr: 0 };
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (squares - n * mean * mean) / (n - 1)) : 0;
  return { mean, stderr: Math.sqrt(variance / n) };
}

export interface InspectRun {
  task: string;
  evalId: string;
  runId: string;
  created: Date;
  /** The selection, as the command line gave it. */
  filter: Record<string, unknown>;
  version: string;
}

/** The log without its samples: eval, plan, results and stats, in the order Inspect writes them. */
export function inspectHeader(t: InspectTotals, run: InspectRun): Record<string, unknown> {
  const accuracy = meanAndStderr(t.correct, t.correct, t.samples);
  const p = meanAndStderr(t.pCorrect, t.pCorrectSquares, t.samples);
  const iso = (ms: number, fallback: Date) => (Number.isFinite(ms) ? new Date(ms) : fallback).toISOString();
  return {
    version: 2,
    status: 'success',
    eval: {
      eval_set_id: null,
      eval_id: run.evalId,
      run_id: run.runId,
      created: run.created.toISOString(),
      task: run.task,
      task_id: run.evalId,
      task_version: 0,
      task_file: null,
      task_display_name: null,
      task_registry_name: null,
      task_attribs: {},
      task_args: run.filter,
      task_args_passed: run.filter,
      solver: null,
      solver_args: null,
      tags: null,
      dataset: { name: 'oversight-arena', location: null, samples: t.samples, sample_ids: null, shuffled: false },
      sandbox: null,
      model: t.model,
      model_generate_config: {},
      model_base_url: null,
      model_args: {},
      model_roles: null,
      config: {},
      revision: null,
      packages: { 'oversight-arena': run.version },
      metadata: { exported_by: 'arena export inspect' },
      scorers: null,
      metrics: null,
    },
    plan: { name: 'debate', steps: [{ solver: 'debate', params: {} }], finish: null, config: {} },
    results: {
      total_samples: t.samples,
      completed_samples: t.samples,
      scores: [
        { name: 'correct', scorer: 'correct', reducer: null, scored_samples: t.samples, unscored_samples: 0, params: {}, metrics: { accuracy: metric('accuracy', accuracy.mean), stderr: metric('stderr', accuracy.stderr) }, metadata: null },
        { name: 'p_correct', scorer: 'p_correct', reducer: null, scored_samples: t.samples, unscored_samples: 0, params: {}, metrics: { mean: metric('mean', p.mean), stderr: metric('stderr', p.stderr) }, metadata: null },
      ],
      metadata: null,
    },
    stats: { started_at: iso(t.startedAt, run.created), completed_at: iso(t.completedAt, run.created), model_usage: {} },
    error: null,
  };
}

/** The log's entry in a folder's listing.json (what Inspect's viewer reads to list the logs it serves). */
export function listingEntry(header: Record<string, unknown>): Record<string, unknown> {
  const ev = header['eval'] as Record<string, unknown>;
  const results = header['results'] as { scores: { metrics: Record<string, unknown> }[] };
  const stats = header['stats'] as Record<string, unknown>;
  return {
    eval_id: ev['eval_id'],
    run_id: ev['run_id'],
    task: ev['task'],
    task_id: ev['task_id'],
    task_version: ev['task_version'],
    version: header['version'],
    status: header['status'],
    error: null,
    model: ev['model'],
    started_at: stats['started_at'],
    completed_at: stats['completed_at'],
    primary_metric: results.scores[0]?.metrics['accuracy'],
  };
}
