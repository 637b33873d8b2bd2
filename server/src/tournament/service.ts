/**
 * The tournaments service: a researcher runs a tournament inside the server, each debate
 * a live session created through the one creation service (the batch path's `play`), so
 * seats may be remote agents. For researchers only (the access policy's researcherOnly).
 */
import type { Scenario, TranscriptRecord, Visibility } from '@arena/shared';
import { researcherOnly } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import { ok, refuse, type Result } from '../access/refusal.ts';
import type { AgentCatalog } from '../agents/registry.ts';
import type { BatchOptions } from '../selfplay/batch.ts';
import { checkResumable, checkSpec, plannedCount, runTournament, tournamentScenarios, TournamentMismatch, type TournamentFormat, type TournamentOptions, type TournamentSpec, type TournamentSummary } from './tournament.ts';

export interface TournamentRequest {
  id: string;
  agents: string[];
  judge: string;
  format: TournamentFormat;
  rounds?: number | undefined;
  seeds?: number | undefined;
  pack?: string | undefined;
  scenarios?: string[] | undefined;
  concurrency?: number | undefined;
  /** Who may read the debates: private (researchers only, the default) or public. */
  visibility?: Visibility | undefined;
}

export interface TournamentDeps {
  store: BatchOptions['store'];
  scenarios: ReadonlyMap<string, Scenario>;
  agents: Pick<AgentCatalog, 'capabilities' | 'make'>;
  /** Plays one planned debate as a live session of this server, stored with this visibility. */
  play: (item: Parameters<NonNullable<BatchOptions['play']>>[0], visibility: Visibility) => Promise<TranscriptRecord>;
}

export interface TournamentHooks {
  onStart?: (planned: number) => void;
  onRound?: TournamentOptions['onRound'];
  onDebate?: BatchOptions['onDebate'];
  signal?: AbortSignal;
}

export class TournamentService {
  private readonly deps: TournamentDeps;

  constructor(deps: TournamentDeps) {
    this.deps = deps;
  }

  /** The specification of a request, or the reason it cannot be played. */
  spec(p: Principal, request: TournamentRequest): Result<TournamentSpec> {
    const allowed = researcherOnly(p);
    if (!allowed.ok) return allowed;
    const spec: TournamentSpec = {
      id: request.id,
      agents: request.agents,
      judge: request.judge,
      format: request.format,
      ...(request.rounds ? { rounds: request.rounds } : {}),
      ...(request.seeds ? { seeds: request.seeds } : {}),
      scenarios: tournamentScenarios([...this.deps.scenarios.values()], { ...(request.pack ? { pack: request.pack } : {}), ...(request.scenarios ? { ids: request.scenarios } : {}) }),
    };
    try {
      checkSpec(spec);
      for (const id of new Set([...spec.agents, spec.judge])) this.deps.agents.make(id, 'probe');
    } catch (err) {
      return refuse('invalid', (err as Error).message);
    }
    return ok(spec);
  }

  /** The specification, checked against what is stored under its id (another tournament's settings: a conflict). */
  async check(p: Principal, request: TournamentRequest): Promise<Result<TournamentSpec>> {
    const spec = this.spec(p, request);
    if (!spec.ok) return spec;
    try {
      await checkResumable(this.deps.store, spec.value);
    } catch (err) {
      if (err instanceof TournamentMismatch) return refuse('conflict', err.message);
      throw err;
    }
    return spec;
  }

  /** Runs (or resumes) a tournament; its debates are checked before the first is played. */
  async run(p: Principal, request: TournamentRequest, hooks: TournamentHooks = {}): Promise<Result<TournamentSummary>> {
    const spec = await this.check(p, request);
    if (!spec.ok) return spec;
    hooks.onStart?.(plannedCount(spec.value));
    try {
      const summary = await runTournament(spec.value, {
        store: this.deps.store,
        agents: this.deps.agents,
        concurrency: request.concurrency ?? 4,
        play: (item) => this.deps.play(item, request.visibility ?? 'private'),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
        ...(hooks.onRound ? { onRound: hooks.onRound } : {}),
        ...(hooks.onDebate ? { onDebate: hooks.onDebate } : {}),
      });
      return ok(summary);
    } catch (err) {
      if (err instanceof TournamentMismatch) return refuse('conflict', err.message);
      throw err;
    }
  }
}
