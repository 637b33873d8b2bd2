/**
 * POST /selfplay (researcher token): runs a self-play batch inside the server, each
 * debate a live session, so its seats may be remote agents (`remote:<name>`). Body:
 * `{ presets, debaters, judges, seeds, seedPrefix?, pack?, scenarios?, limit?, concurrency? }`
 * as `arena selfplay` takes them. The answer streams JSON lines: `{ type: 'start', planned }`,
 * one `{ type: 'debate', id, outcome, correct?, error? }` per debate, a `{ type: 'waiting' }`
 * every 20 s, and `{ type: 'summary', … }`. Debate ids are self-play's: a re-run skips
 * what is stored. `arena selfplay --server <url>` calls it.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { PRESET_NAMES, type PresetName, type Scenario } from '@arena/shared';
import type { AgentCatalog } from '../agents/registry.ts';
import type { CreateDeps } from '../debates/create.ts';
import type { Sessions } from '../sessions/sessions.ts';
import type { Store } from '../store/store.ts';
import { planDebates, runBatch, selectScenarios, type SeatAgents } from '../selfplay/batch.ts';
import { playLive } from '../selfplay/live.ts';
import { requireResearcher } from './access.ts';
import { HttpError, parseOr400 } from './errors.ts';

const AgentList = z.array(z.string().min(1).max(400)).min(1).max(20);
const SelfplayRequest = z
  .object({
    presets: z.array(z.enum(PRESET_NAMES as [PresetName, ...PresetName[]])).min(1).max(10),
    debaters: AgentList,
    judges: AgentList,
    seeds: z.number().int().min(1).max(1000),
    seedPrefix: z.string().min(1).max(50).default('s'),
    pack: z.string().max(200).optional(),
    scenarios: z.array(z.string().max(200)).max(1000).optional(),
    limit: z.number().int().min(1).optional(),
    concurrency: z.number().int().min(1).max(200).default(4),
  })
  .strict();

export interface SelfplayRouterDeps {
  store: Store;
  sessions: Pick<Sessions, 'on'>;
  scenarios: ReadonlyMap<string, Scenario>;
  creating: CreateDeps;
  agents: Pick<AgentCatalog, 'capabilities' | 'make'>;
  researcherToken: string;
}

export function selfplayRouter(deps: SelfplayRouterDeps): Router {
  const api = express.Router();
  api.post('/selfplay', async (req, res) => {
    requireResearcher(req, deps);
    const body = parseOr400(SelfplayRequest, req.body ?? {}, 'self-play request');
    const assignments: SeatAgents[] = [];
    for (const d of body.debaters) for (const judge of body.judges) assignments.push({ debaters: d.split('/'), judge });
    for (const id of new Set(assignments.flatMap((a) => [...a.debaters, a.judge]))) {
      try {
        deps.agents.make(id, 'probe');
      } catch (err) {
        throw new HttpError(400, (err as Error).message);
      }
    }
    const scenarios = selectScenarios([...deps.scenarios.values()], { presets: body.presets, ...(body.pack ? { pack: body.pack } : {}), ...(body.scenarios ? { ids: body.scenarios } : {}) });
    if (scenarios.length === 0) throw new HttpError(400, 'no scenarios match');
    const plan = { scenarios, presets: body.presets, assignments, seeds: Array.from({ length: body.seeds }, (_, i) => `${body.seedPrefix}${i + 1}`) };
    res.type('application/x-ndjson');
    const line = (o: Record<string, unknown>) => res.write(`${JSON.stringify(o)}\n`);
    line({ type: 'start', planned: planDebates(plan).length });
    // Keeps the stream alive while long debates play (HTTP clients time out silent bodies).
    const keepAlive = setInterval(() => line({ type: 'waiting' }), 20_000);
    const stop = new AbortController();
    res.on('close', () => stop.abort());
    try {
      const summary = await runBatch(plan, {
        store: deps.store,
        agents: deps.agents,
        concurrency: body.concurrency,
        ...(body.limit ? { limit: body.limit } : {}),
        signal: stop.signal,
        play: (item) => playLive(deps, item),
        onDebate: ({ item, outcome, correct, error }) => line({ type: 'debate', id: item.id, outcome, ...(correct !== undefined ? { correct } : {}), ...(error ? { error } : {}) }),
      });
      line({ type: 'summary', ...summary });
    } finally {
      clearInterval(keepAlive);
      res.end();
    }
  });
  return api;
}
