import { createHash } from 'node:crypto';
import { drawAssignment, PRESETS, rulesFor, rulesSuitEvidence, type PresetName, type Scenario, type Seat, type SeatConfig, type TranscriptRecord, type Visibility } from '@arena/shared';
import type { Agent } from '../agents/agent.ts';
import type { AgentCatalog } from '../agents/registry.ts';
import { prepareDebate, recordDebate, type CreateDeps, type NewDebate } from '../debates/create.ts';
import type { Store } from '../store/store.ts';
import { playHeader } from './run-debate.ts';

/** Who sits where: one debater agent per debater seat (cycled when fewer are named) and a judge. */
export interface SeatAgents {
  debaters: string[];
  judge: string;
}

export interface BatchPlan {
  scenarios: Scenario[];
  presets: PresetName[];
  assignments: SeatAgents[];
  seeds: string[];
}

export interface PlannedDebate {
  id: string;
  scenario: Scenario;
  preset: PresetName;
  seed: string;
  /** Agent id per seat the preset has. */
  seats: Partial<Record<Seat, string>>;
  /** More of the header's meta (a tournament's round and match), beside `selfplay`. */
  meta?: Record<string, unknown>;
}

export interface BatchOptions {
  store: Store;
  /** The agents a seat may name (the command's or the server's catalog). */
  agents: Pick<AgentCatalog, 'capabilities' | 'make'>;
  /** Debates in flight at once (LLM calls are further limited per provider). Default 4. */
  concurrency?: number;
  /** Play at most this many new debates, then stop (finished ones are kept; a re-run resumes). */
  limit?: number;
  /** Stops scheduling new debates (SIGINT); debates in flight finish and are saved. */
  signal?: AbortSignal;
  turnTimeoutMs?: number;
  /** Virtual clock origin of every debate; default the batch's start time. */
  startAt?: number;
  /**
   * Plays one planned debate and stores it, resolving with its transcript. Default: in
   * this process, through the engine with a virtual clock, stored whole at the end. The
   * server passes one that runs it as a live session (remote agents need one).
   */
  play?: (item: PlannedDebate) => Promise<TranscriptRecord>;
  /** Who may read the transcripts: private (researchers only, the default) or public. */
  visibility?: Visibility;
  onDebate?: (event: { item: PlannedDebate; outcome: 'played' | 'skipped' | 'failed'; correct?: boolean; error?: string }) => void;
  log?: (line: string) => void;
}

export interface BatchSummary {
  planned: number;
  skipped: number;
  played: number;
  failed: number;
  unfinished: number;
  correct: number;
  seconds: number;
  debatesPerSecond: number;
  errors: { id: string; error: string }[];
}

/** The seats a preset has, with their agents. */
function seatAgents(preset: PresetName, scenario: Scenario, a: SeatAgents): Partial<Record<Seat, string>> {
  const rules = rulesFor(preset);
  const seats: Partial<Record<Seat, string>> = { judge: a.judge };
  const count = rules.debaters === 'all' ? scenario.answers.length : rules.debaters === 'one' ? 1 : 0;
  const names = ['A', 'B', 'C', 'D'] as const;
  for (let i = 0; i < count; i++) seats[names[i] as Seat] = a.debaters[i % a.debaters.length] as string;
  return seats;
}

/**
 * A debate's id, a function of (scenario, preset, seated agents, seed) only, so a re-run
 * of the same plan finds the debates it already played and skips them.
 */
export function selfplayId(scenario: string, preset: string, seats: Partial<Record<Seat, string>>, seed: string): string {
  const agents = Object.entries(seats)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([s, id]) => `${s}=${id}`)
    .join(',');
  const hash = createHash('sha256').update(JSON.stringify([scenario, preset, agents, seed])).digest('hex').slice(0, 12);
  return `sp-${preset}-${scenario}-${hash}`.slice(0, 200);
}

/**
 * The scenarios a batch plays: those of `pack` or `ids` when given, else every passage
 * scenario; image scenarios only when asked for (by pack, by id, or with an image preset),
 * so blind debates over digits are not judged by a passage judge and mixed into passage figures.
 */
export function selectScenarios(all: Scenario[], opts: { presets: PresetName[]; pack?: string; ids?: string[] }): Scenario[] {
  let scenarios = all;
  const imageOnly = opts.presets.some((p) => !rulesSuitEvidence(rulesFor(p), 'passage'));
  if (!opts.pack && !opts.ids && !imageOnly) scenarios = scenarios.filter((s) => s.evidence.kind === 'passage');
  if (opts.pack) scenarios = scenarios.filter((s) => s.pack === opts.pack);
  if (opts.ids) {
    const wanted = new Set(opts.ids);
    scenarios = scenarios.filter((s) => wanted.has(s.id));
  }
  return scenarios;
}

/**
 * Two debaters that are different agents: the seats they take for the `turn`-th seed of a
 * (scenario, preset, agents) combination. The seed decides which seat argues the correct
 * answer (balanced only over blocks of 2 × answers seeds); the agents trade seats where
 * needed so that they take the correct answer in turn (the first agent on even turns),
 * and each argues it in half the seeds (one more when the count is odd).
 */
function balancedSeats(preset: PresetName, scenario: Scenario, seats: Partial<Record<Seat, string>>, seed: string, turn: number): Partial<Record<Seat, string>> {
  const rules = rulesFor(preset);
  if (rules.debaters !== 'all' || scenario.answers.length !== 2 || !seats.A || !seats.B || seats.A === seats.B) return seats;
  const drawn = drawAssignment(scenario, rules, seed);
  const honest = (['A', 'B'] as const).find((s) => drawn.debaters[s] === drawn.correctIndex);
  const wanted = turn % 2 === 0 ? seats.A : seats.B;
  return honest === undefined || seats[honest] === wanted ? seats : { ...seats, A: seats.B, B: seats.A };
}

/** Every debate of the plan, in a fixed order, without duplicates (blind seats no debaters, so debater lists collapse); two different debater agents take the correct answer in turn over the seeds. */
export function planDebates(plan: BatchPlan): PlannedDebate[] {
  const out = new Map<string, PlannedDebate>();
  for (const [turn, seed] of plan.seeds.entries()) {
    for (const scenario of plan.scenarios) {
      for (const preset of plan.presets) {
        if (!rulesSuitEvidence(PRESETS[preset].rules, scenario.evidence.kind)) continue;
        for (const a of plan.assignments) {
          const seats = balancedSeats(preset, scenario, seatAgents(preset, scenario, a), seed, turn);
          const id = selfplayId(scenario.id, preset, seats, seed);
          if (!out.has(id)) out.set(id, { id, scenario, preset, seed, seats });
        }
      }
    }
  }
  return [...out.values()];
}

/**
 * Runs a batch through the engine and saves every debate as an ordinary transcript in
 * the store (private by default: researchers only). Debates already stored (same id) are skipped, so an interrupted batch
 * resumes where it stopped. Each transcript is saved in one transaction: a debate is
 * stored whole or not at all.
 */
export async function runBatch(plan: BatchPlan, options: BatchOptions): Promise<BatchSummary> {
  return runPlanned(planDebates(plan), options);
}

/** Runs planned debates (a batch's, a tournament round's) as runBatch does: checked first, stored whole, finished ones skipped. */
export async function runPlanned(items: readonly PlannedDebate[], options: BatchOptions): Promise<BatchSummary> {
  const started = Date.now();
  const startAt = options.startAt ?? started;
  const deps: Pick<CreateDeps, 'store' | 'scenarios' | 'agentCapabilities'> = {
    store: options.store,
    scenarios: new Map(items.map((i) => [i.scenario.id, i.scenario])),
    agentCapabilities: (id) => options.agents.capabilities(id),
  };
  const requestOf = (item: PlannedDebate): NewDebate => {
    const seats: Partial<Record<Seat, SeatConfig>> = {};
    for (const [seat, agent] of Object.entries(item.seats)) seats[seat as Seat] = { kind: 'agent', agent };
    return {
      id: item.id,
      scenarioId: item.scenario.id,
      preset: item.preset,
      seed: item.seed,
      seats,
      createdAt: startAt,
      meta: { ...item.meta, selfplay: { seats: item.seats, seed: item.seed } },
      source: { name: 'selfplay' },
      provenance: 'selfplay',
    };
  };
  // Every debate of the plan is checked before any is played: an agent that cannot play its seat stops the batch here, named.
  for (const item of items) prepareDebate(deps, requestOf(item));
  const summary: BatchSummary = { planned: items.length, skipped: 0, played: 0, failed: 0, unfinished: 0, correct: 0, seconds: 0, debatesPerSecond: 0, errors: [] };
  let next = 0;
  let launched = 0;
  const limit = options.limit ?? Infinity;

  const worker = async () => {
    for (;;) {
      if (options.signal?.aborted || launched >= limit) return;
      const item = items[next++];
      if (!item) return;
      if (await options.store.exists(item.id)) {
        summary.skipped++;
        options.onDebate?.({ item, outcome: 'skipped' });
        continue;
      }
      if (launched >= limit) return;
      launched++;
      try {
        const record = options.play
          ? await options.play(item)
          : (
              await recordDebate(deps, requestOf(item), options.visibility ?? 'private', (header) => {
                const agents: Partial<Record<Seat, Agent>> = {};
                for (const [seat, id] of Object.entries(item.seats)) {
                  agents[seat as Seat] = options.agents.make(id, `${item.seed}/${seat}`);
                }
                return playHeader(header, agents, {
                  ...(options.turnTimeoutMs ? { turnTimeoutMs: options.turnTimeoutMs } : {}),
                  ...(options.log ? { drive: { log: options.log } } : {}),
                });
              })
            ).record;
        summary.played++;
        if (record.status !== 'finished') summary.unfinished++;
        if (record.verdict?.correct) summary.correct++;
        options.onDebate?.({ item, outcome: 'played', correct: record.verdict?.correct ?? false });
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        summary.failed++;
        summary.errors.push({ id: item.id, error });
        options.onDebate?.({ item, outcome: 'failed', error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  summary.seconds = (Date.now() - started) / 1000;
  summary.debatesPerSecond = summary.played / Math.max(summary.seconds, 1e-3);
  return summary;
}

