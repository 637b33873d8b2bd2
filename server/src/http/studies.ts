/**
 * The study routes: an adapter over the studies service. Each route parses its input,
 * resolves who asks (access/study.ts: the researcher token, a participant's token, a
 * study ticket in the URL), calls the service and maps its result or refusal to HTTP.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { mayStudy, researcherOf, studyTicketOf, type StudyPrincipal } from '../access/study.ts';
import { issueStudyTicket } from '../access/ticket.ts';
import { addressLimit, type LimitStores } from './limits.ts';
import type { PageMove, StudyService } from '../studies/service.ts';
import { parseSpec, SpecError, StudySpec } from '../studies/spec.ts';
import type { RefusalCode, Result } from '../studies/study-types.ts';
import { requestToken } from './access.ts';
import { HttpError, parseOr400 } from './errors.ts';

/**
 * A panel's parameter as the link carried it: a signed link's signature covers these exact
 * values, so they are checked untrimmed; the participant's identity trims them after.
 */
const PanelId = z
  .string()
  .max(200)
  .refine((v) => v.trim().length > 0, { message: 'empty' });
const Entry = z
  .object({
    PROLIFIC_PID: PanelId.optional(),
    STUDY_ID: PanelId.optional(),
    SESSION_ID: PanelId.optional(),
    pid: PanelId.optional(),
    /** The debater link says role=debater (recruited debaters); judges otherwise. */
    role: z.enum(['judge', 'debater']).optional(),
    /** A signed link's expiry (Unix seconds) and signature (studies that require signed links: access/study.ts). */
    exp: z.string().regex(/^\d{1,12}$/, 'Unix seconds').optional(),
    sig: z.string().max(200).optional(),
  })
  .refine((e) => e.PROLIFIC_PID || e.pid, { message: 'the study link needs the panel id (PROLIFIC_PID, or pid for other panels)' });
const Launch = z.union([z.object({ spec: z.unknown() }).strict(), z.object({ text: z.string().max(200_000) }).strict()]);
const Consent = z.object({ agree: z.boolean() }).strict();
/** Answers to the post-item questions of one item, by question id. */
const Answers = z.object({ position: z.number().int().min(1).max(10_000), answers: z.record(z.string().max(63), z.union([z.string().max(5000), z.number().finite()])) }).strict();
/** Integrity signals since the page's last report: paste events, ms hidden, ms out of focus. */
const Signals = z.object({ position: z.number().int().min(1).max(10_000), pastes: z.number().int().min(0).max(10_000), hiddenMs: z.number().min(0).max(86_400_000), blurMs: z.number().min(0).max(86_400_000) }).strict();
/** The comprehension quiz's answers (indexes), sent with the start of the items. */
const Start = z.object({ answers: z.array(z.number().int().nonnegative().max(10)).max(50).optional() }).strict();
/** A payment batch: its name, and the panel ids paid (the rows of the bonuses.csv paid; every bonus due when absent). */
const Paid = z.object({ batch: z.string().trim().min(1).max(100), participants: z.array(z.string().min(1).max(200)).max(100_000).optional() }).strict();

const STATUS: Record<RefusalCode, number> = { unauthorized: 401, forbidden: 403, 'not-found': 404, conflict: 409, paused: 503, invalid: 400 };

/** The service's value, or its refusal as an HTTP error. */
function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new HttpError(STATUS[result.code], result.reason, undefined, result.kind);
  return result.value;
}

export interface StudiesRouterDeps {
  studies: StudyService;
  /** The researcher token (study tickets are signed under it). */
  researcherToken: string;
  /** Entries one address may make in 10 minutes, and one study may take in a minute. */
  entries: { perAddress: number; perStudyPerMinute: number };
  /** Where the limits count (Redis with several processes). */
  limitStores?: LimitStores | undefined;
}

export function studiesRouter({ studies, researcherToken, entries, limitStores }: StudiesRouterDeps): Router {
  const api = express.Router();
  // Study links are public: invented panel ids from one address, or a flood on one study, must not take its slots.
  const entriesPerAddress = addressLimit({
    name: 'study-entries',
    windowMs: 10 * 60_000,
    limit: entries.perAddress,
    what: `at most ${entries.perAddress} study entries per 10 minutes from one address`,
    stores: limitStores,
  });
  const entriesPerStudy = addressLimit({
    name: 'study-entries-per-study',
    windowMs: 60_000,
    limit: entries.perStudyPerMinute,
    key: (req) => `study:${String(req.params.id)}`,
    what: `at most ${entries.perStudyPerMinute} entries a minute into one study`,
    stores: limitStores,
  });

  /** The researcher, by the Authorization header (a token in the query string is never read). */
  const researcher = (req: Request): StudyPrincipal => researcherOf(requestToken(req), researcherToken);
  /** The researcher, or a live ticket for this study in the URL (`?ticket=`, checked before anything else). */
  const researcherOrTicket = (req: Request, studyId: string): StudyPrincipal => {
    const ticket = req.query.ticket;
    if (typeof ticket !== 'string') return researcher(req);
    const principal = studyTicketOf(ticket, researcherToken, studyId, Date.now());
    if ('ok' in principal) throw new HttpError(401, principal.reason);
    return principal;
  };
  /** A participant, by the token their study link gave them. */
  const participant = async (req: Request<{ id: string }>): Promise<StudyPrincipal> => {
    const principal = await studies.participantPrincipal(req.params.id, requestToken(req));
    if ('ok' in principal) {
      // A link to a study that is not here is told apart from a token that is not valid: the page says which.
      if (!(await studies.exists(req.params.id))) throw new HttpError(404, `no study "${req.params.id}" on this server`, undefined, 'no-such-study');
      throw new HttpError(401, principal.reason);
    }
    return principal;
  };

  // ---- participants ----
  api.post('/studies/:id/enter', entriesPerAddress, entriesPerStudy, async (req, res) => {
    const { sig, ...params } = parseOr400(Entry, req.body ?? {}, 'study link');
    const entry = { pid: ((params.PROLIFIC_PID ?? params.pid) as string).trim(), study: params.STUDY_ID?.trim() ?? null, session: params.SESSION_ID?.trim() ?? null, role: params.role ?? 'judge' };
    res.json(valueOf(await studies.enter(String(req.params.id), { ...entry, params, sig })));
  });
  /** What the participant's page shows now. It never writes: the page's heartbeat is POST …/me/seen. */
  api.get('/studies/:id/me', async (req, res) => {
    res.json(valueOf(await studies.page(await participant(req), req.params.id)));
  });
  const moveRoute = (path: string, parse: (req: Request<{ id: string }>) => PageMove) =>
    api.post(`/studies/:id/me/${path}`, async (req, res) => {
      const move = parse(req);
      res.json(valueOf(await studies.move(await participant(req), req.params.id, move)));
    });
  moveRoute('seen', () => ({ type: 'seen' }));
  moveRoute('consent', (req) => ({ type: 'consent', agree: parseOr400(Consent, req.body ?? {}, 'consent').agree }));
  moveRoute('start', (req) => {
    const { answers } = parseOr400(Start, req.body ?? {}, 'start');
    return answers ? { type: 'start', answers } : { type: 'start' };
  });
  moveRoute('next', () => ({ type: 'next' }));
  /** The answers to an item's post-item questions. */
  api.post('/studies/:id/me/answers', async (req, res) => {
    const { position, answers } = parseOr400(Answers, req.body ?? {}, 'answers');
    res.json(valueOf(await studies.answer(await participant(req), req.params.id, position, answers)));
  });
  /** The page's integrity signals for the current item since its last report. */
  api.post('/studies/:id/me/signals', async (req, res) => {
    const s = parseOr400(Signals, req.body ?? {}, 'signals');
    valueOf(await studies.signals(await participant(req), req.params.id, s));
    res.json({ ok: true });
  });
  moveRoute('leave', () => ({ type: 'leave' }));

  // ---- researchers ----
  api.get('/studies', async (req, res) => {
    res.json({ studies: valueOf(await studies.list(researcher(req))) });
  });
  api.post('/studies', async (req, res) => {
    const principal = researcher(req);
    // Who asks is decided before the body is read.
    const refused = mayStudy(principal, 'launch');
    if (refused) throw new HttpError(STATUS[refused.code], refused.reason);
    const body = parseOr400(Launch, req.body ?? {}, 'launch request');
    let spec: StudySpec;
    try {
      spec = 'text' in body ? parseSpec(body.text, 'the spec') : parseOr400(StudySpec, body.spec, 'spec');
    } catch (err) {
      throw err instanceof SpecError ? new HttpError(400, err.message) : err;
    }
    res.status(201).json(valueOf(await studies.launch(principal, spec)));
  });
  for (const action of ['pause', 'resume', 'close'] as const) {
    api.post(`/studies/:id/${action}`, async (req, res) => {
      res.json({ status: valueOf(await studies.setStatus(researcher(req), req.params.id, action)) });
    });
  }
  api.get('/studies/:id/progress', async (req, res) => {
    res.json(valueOf(await studies.progress(researcher(req), req.params.id)));
  });
  /** A short-lived ticket for the event stream and the downloads, which a browser opens without headers. */
  api.post('/studies/:id/ticket', async (req, res) => {
    valueOf(await studies.check(researcher(req), req.params.id, 'ticket'));
    res.json(issueStudyTicket(researcherToken, req.params.id, Date.now()));
  });
  /** Live progress: a server-sent event whenever the study changes (at most twice a second). */
  api.get('/studies/:id/events', async (req, res) => {
    const principal = researcherOrTicket(req, req.params.id);
    valueOf(await studies.check(principal, req.params.id, 'watch'));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let timer: NodeJS.Timeout | undefined;
    const push = () => {
      timer ??= setTimeout(async () => {
        timer = undefined;
        const progress = await studies.progress(principal, req.params.id, 'watch').catch(() => null);
        if (progress?.ok) res.write(`event: progress\ndata: ${JSON.stringify(progress.value)}\n\n`);
      }, 500);
    };
    const off = studies.onChange((id) => id === req.params.id && push());
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    // A stream opened with a ticket lasts as long as the ticket: then it says so and ends (the dashboard asks for a new one).
    const expiry =
      principal.kind === 'studyTicket'
        ? setTimeout(() => {
            res.write('event: expired\ndata: {"reason":"the ticket has expired: ask for a new one (POST /api/studies/:id/ticket)"}\n\n');
            res.end();
          }, Math.max(0, principal.expiresAt - Date.now()))
        : undefined;
    push();
    req.on('close', () => {
      off();
      clearInterval(ping);
      clearTimeout(timer);
      clearTimeout(expiry);
    });
  });
  api.get('/studies/:id/participants/:participant', async (req, res) => {
    res.json(valueOf(await studies.participantRecord(researcher(req), req.params.id, req.params.participant)));
  });
  api.get('/studies/:id/export/:file', async (req, res: Response) => {
    const file = valueOf(await studies.exportFile(researcherOrTicket(req, req.params.id), req.params.id, req.params.file));
    res.type(file.contentType);
    res.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
    res.send(file.body);
  });
  /** Marks every bonus now due as paid in one batch: it is in the ledger and leaves bonuses.csv. */
  api.post('/studies/:id/bonuses/paid', async (req, res) => {
    const principal = researcher(req);
    valueOf(await studies.check(principal, req.params.id, 'pay'));
    const { batch, participants } = parseOr400(Paid, req.body ?? {}, 'payment');
    res.json(valueOf(await studies.markPaid(principal, req.params.id, batch, participants)));
  });
  return api;
}
