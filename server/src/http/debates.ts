/**
 * Debates over HTTP: POST /debates, GET /debates, GET /debates/:id (…/view,
 * …/transcript), POST /debates/:id/cancel. Each route parses its input, reads the
 * caller's credentials and answers what the debates service answers.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { PRESET_NAMES, safeJsonRecord, safeText, Seat, type CreatedDebate, type DebateDetail, type DebatesResponse, type ForkTree, type PresetName } from '@arena/shared';
import { credentialsOf } from '../access/request.ts';
import type { DebatesService } from '../debates/service.ts';
import { lobbyLimited } from '../access/lobby.ts';
import { enforce, requestPrincipal, valueOr4xx } from './access.ts';
import { parseOr400 } from './errors.ts';
import { addressLimit, type LimitStores } from './limits.ts';

const SeatConfigInput = z
  .object({
    kind: z.enum(['human', 'agent']).default('human'),
    agent: safeText(z.string().max(200)).optional(),
    open: z.boolean().optional(),
  })
  .strict();

const CreateDebate = z
  .object({
    scenarioId: safeText(z.string().min(1).max(200)),
    preset: z.enum(PRESET_NAMES as [PresetName, ...PresetName[]]).default('debate'),
    /** Overrides of the preset's rules (limits, timers, rounds); the label comes from `preset` and the rules' structure. */
    rules: safeJsonRecord({ depth: 3, nodes: 100 })
      .refine((r) => !('preset' in r), { message: 'the preset is named by the top-level "preset" field, not inside rules' })
      .optional(),
    seats: z.partialRecord(Seat, SeatConfigInput).optional(),
    seed: safeText(z.string().min(1).max(200)).optional(),
    /** Researchers only: public or private (their default). Games of the public lobby are public. */
    visibility: z.enum(['public', 'private']).optional(),
    /** Free-form labels kept in the header (experiment, condition…), at most 10 kB as JSON. */
    meta: safeJsonRecord()
      .refine((m) => JSON.stringify(m).length <= 10_000, { message: 'at most 10 kB of JSON' })
      .optional(),
  })
  .strict();

export const ListQuery = z.object({
  status: z.enum(['waiting', 'running', 'finished', 'ended']).optional(),
  preset: safeText(z.string().max(100)).optional(),
  pack: safeText(z.string().max(200)).optional(),
  source: safeText(z.string().max(200)).optional(),
  since: z.coerce.number().finite().optional(),
  until: z.coerce.number().finite().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

const ForkBody = z
  .object({
    /** How many of the debate's events the fork starts with. */
    at: z.number().int().min(0).max(100_000),
    /** Seats to fill differently from the original's. */
    seats: z.partialRecord(Seat, SeatConfigInput).optional(),
    seed: safeText(z.string().min(1).max(200)).optional(),
    meta: safeJsonRecord()
      .refine((m) => JSON.stringify(m).length <= 10_000, { message: 'at most 10 kB of JSON' })
      .optional(),
  })
  .strict();

const CancelBody = z.object({ reason: safeText(z.string().trim().min(1).max(500)).default('by a researcher') }).strict();

const SeatQuery = z.object({ seat: z.union([Seat, z.literal('full')]).default('judge') });

export interface DebatesRouterDeps {
  debates: DebatesService;
  researcherToken: string;
  /** Debates one address may create per 10 minutes without the researcher token. */
  lobbyCreateLimit: number;
  /** Where the lobby's per-address limit counts (Redis, shared by every process, when REDIS_URL is set; else in memory). */
  limitStores?: LimitStores | undefined;
}

export function debatesRouter(deps: DebatesRouterDeps): Router {
  const { debates } = deps;
  const api = express.Router();

  /** Anonymous creations per client: counted when a debate is created, per 10 minutes. */
  const lobbyLimit = addressLimit({
    name: 'lobby',
    windowMs: 10 * 60_000,
    limit: deps.lobbyCreateLimit,
    skip: (req) => !lobbyLimited(requestPrincipal(req, deps)),
    counts: (status) => status < 400,
    what: `at most ${deps.lobbyCreateLimit} debates per 10 minutes from one address without the researcher token`,
    stores: deps.limitStores,
  });

  api.post('/debates', lobbyLimit, async (req, res) => {
    const who = debates.principal(credentialsOf(req));
    // Whether the lobby is open to the caller comes before whether the request is well-formed.
    enforce(debates.mayCreate(who));
    const body = parseOr400(CreateDebate, req.body, 'debate');
    res.status(201).json(valueOr4xx(await debates.create(who, body)) satisfies CreatedDebate);
  });

  api.get('/debates', async (req, res) => {
    const q = parseOr400(ListQuery, req.query, 'query');
    const who = debates.principal(credentialsOf(req));
    res.json(valueOr4xx(await debates.list(who, { ...q, source: q.source === 'arena' ? null : q.source })) satisfies DebatesResponse);
  });

  api.get('/debates/:id', async (req, res) => {
    res.json(valueOr4xx(await debates.summary(credentialsOf(req), req.params.id)) satisfies DebateDetail);
  });

  /** The current view of a seat, as the access policy allows. */
  api.get('/debates/:id/view', async (req, res) => {
    const { seat } = parseOr400(SeatQuery, req.query, 'query');
    res.json(valueOr4xx(await debates.view(credentialsOf(req), req.params.id, seat)));
  });

  /** A debate's transcript as a seat saw it, or with seat=full the header and events (see DebatesService.transcript). */
  api.get('/debates/:id/transcript', async (req, res) => {
    const { seat } = parseOr400(SeatQuery, req.query, 'query');
    res.json(valueOr4xx(await debates.transcript(credentialsOf(req), req.params.id, seat)));
  });

  /** A researcher ends an unfinished debate without a verdict, with a reason. */
  api.post('/debates/:id/cancel', async (req, res) => {
    const presented = credentialsOf(req);
    const who = debates.principal(presented);
    // The researcher token is checked before the body is read.
    enforce(debates.mayCancel(who, presented));
    const { reason } = parseOr400(CancelBody, req.body ?? {}, 'cancellation');
    res.json(valueOr4xx(await debates.cancel(who, req.params.id, reason)));
  });

  /** A researcher forks a debate at an event: a new private debate that continues live from there (debates/fork.ts). */
  api.post('/debates/:id/fork', async (req, res) => {
    const presented = credentialsOf(req);
    const who = debates.principal(presented);
    enforce(debates.mayFork(who, presented));
    const body = parseOr400(ForkBody, req.body ?? {}, 'fork');
    const seats = Object.fromEntries(
      Object.entries(body.seats ?? {}).map(([seat, c]) => [seat, { kind: c.kind, ...(c.agent ? { agent: c.agent } : {}), ...(c.open ? { open: true } : {}) }]),
    );
    res.status(201).json(valueOr4xx(await debates.fork(who, req.params.id, { at: body.at, seats, ...(body.seed ? { seed: body.seed } : {}), ...(body.meta ? { meta: body.meta } : {}) })));
  });

  /** A debate's fork tree (researchers). */
  api.get('/debates/:id/forks', async (req, res) => {
    const presented = credentialsOf(req);
    const who = debates.principal(presented);
    enforce(debates.mayFork(who, presented));
    res.json(valueOr4xx(await debates.forks(who, req.params.id)) satisfies ForkTree);
  });

  return api;
}
