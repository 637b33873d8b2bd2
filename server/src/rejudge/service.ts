/**
 * The re-judging service: a researcher re-judges a stored debate `count` times (a human
 * judge gets one judge link per debate; an AI judge's debates are played through the
 * engine at once and stored), and lists a debate's re-judgings. Both are for researchers
 * only: a judge who learnt which debate theirs re-judges could read the original.
 */
import type { Seat } from '@arena/shared';
import { researcherOnly } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import { ok, refuse, type Result } from '../access/refusal.ts';
import type { Agent } from '../agents/agent.ts';
import type { AgentCatalog } from '../agents/registry.ts';
import { createDebate, CreateRefused, prepareDebate, recordDebate, type CreateDeps } from '../debates/create.ts';
import { refusalOfCreate } from '../debates/service.ts';
import { playHeader } from '../selfplay/run-debate.ts';
import type { Store } from '../store/store.ts';
import { newDebateId, newToken } from '../tokens.ts';
import { listRejudges, NotRejudgeable, rejudgeHeader } from './header.ts';

export interface RejudgeDeps {
  store: Store;
  /** The creation service's dependencies; its agents are the server's catalog, replay agents included. */
  creating: CreateDeps;
  agents: Pick<AgentCatalog, 'make'>;
  /** An AI judge's turn budget, ms. */
  agentTurnMs: number;
}

export interface RejudgeRequest {
  debateId: string;
  judge: { kind: 'human' } | { kind: 'agent'; agent: string };
  count: number;
}

export interface Rejudged {
  rejudgeOf: string;
  debates: { id: string; judge: string; path: string; token?: string; status: string }[];
}

export class RejudgeService {
  private readonly deps: RejudgeDeps;

  constructor(deps: RejudgeDeps) {
    this.deps = deps;
  }

  /**
   * Creates the re-judgings of a stored debate. With a human judge, the original becomes
   * private (its full transcript for researchers only): a person re-judging must not be
   * able to read it; the re-judgings are private too.
   */
  async rejudge(p: Principal, request: RejudgeRequest): Promise<Result<Rejudged>> {
    const allowed = researcherOnly(p);
    if (!allowed.ok) return allowed;
    const { store, creating } = this.deps;
    const original = await store.getTranscript(request.debateId);
    if (!original) return refuse('not-found', `no debate "${request.debateId}"`);
    const judgeAgent = request.judge.kind === 'agent' ? request.judge.agent : null;
    const debates: Rejudged['debates'] = [];
    const played: Promise<unknown>[] = [];
    for (let i = 0; i < request.count; i++) {
      const id = `rj-${newDebateId()}`;
      let header;
      try {
        header = rejudgeHeader(original, { id, seed: newToken(), createdAt: Date.now(), judge: judgeAgent ? { kind: 'agent', agent: judgeAgent } : { kind: 'human' } });
        // Checked (the judge agent can judge this evidence) before anything is written.
        prepareDebate(creating, { header });
      } catch (err) {
        if (err instanceof NotRejudgeable) return refuse('unprocessable', err.message);
        if (err instanceof CreateRefused) {
          const refusal = refusalOfCreate(err);
          return { ...refusal, reason: refusal.reason.replace(/^seat judge: /, 'judge: ') };
        }
        throw err;
      }
      if (i === 0 && !judgeAgent) await store.setVisibility(original.header.id, 'private');
      if (!judgeAgent) {
        const { tokens } = await createDebate(creating, { header }, 'private');
        const token = tokens.judge as string;
        debates.push({ id, judge: 'human', token, path: `/debate/${id}/judge?token=${token}`, status: 'waiting' });
        continue;
      }
      // An AI judge: the whole debate runs through the engine now; its transcript is stored when done.
      const agents: Partial<Record<Seat, Agent>> = {};
      for (const [seat, c] of Object.entries(header.seats)) agents[seat as Seat] = this.deps.agents.make(c.agent as string, `${header.seed}/${seat}`);
      played.push(recordDebate(creating, { header }, 'private', (h) => playHeader(h, agents, { turnTimeoutMs: this.deps.agentTurnMs })));
      debates.push({ id, judge: judgeAgent, path: `/debate/${id}/observer`, status: 'finished' });
    }
    await Promise.all(played);
    return ok({ rejudgeOf: original.header.id, debates });
  }

  /** The re-judgings of a debate. */
  async rejudges(p: Principal, debateId: string): Promise<Result<{ debateId: string; rejudges: Awaited<ReturnType<typeof listRejudges>> }>> {
    const allowed = researcherOnly(p);
    if (!allowed.ok) return allowed;
    if (!(await this.deps.store.exists(debateId))) return refuse('not-found', `no debate "${debateId}"`);
    return ok({ debateId, rejudges: await listRejudges(this.deps.store, debateId) });
  }
}
