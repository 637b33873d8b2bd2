/**
 * A dry run of a study with AI judges in the participants' place, through the real
 * server path: a server on a free port with its own store, the study launched over HTTP,
 * each simulated participant arriving by the study link, consenting, judging every item
 * as the judge seat of a live debate over a Colyseus connection, and some dropping out
 * (their items go back to the pool and later arrivals take them). The same exports as a
 * real study are then downloaded.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@colyseus/sdk';
import { followViews, PROTOCOL_VERSION, ROOM_NAME, rngFromSeed, type DebateView, type LegalAction, type StudyProgress } from '@arena/shared';
import { createAgent } from '../agent-catalog.ts';
import type { AgentsConfig } from '../agents/llm/config.ts';
import { createArena } from '../app.ts';
import { loadConfig } from '../config.ts';
import { newToken } from '../tokens.ts';
import type { StudySpec } from '../studies/spec.ts';

export interface SimulateOptions {
  spec: StudySpec;
  participants: number;
  out: string;
  /** Share of participants who leave part-way. */
  dropoutRate: number;
  /** Share of attention checks answered wrongly on purpose. */
  failCheckRate: number;
  /** The AI judge in every participant's place. */
  judge: string;
  /** Participants in the study at once. */
  concurrency: number;
  agentsConfig?: AgentsConfig | undefined;
  onParticipant?: (done: number, total: number) => void;
}

export interface SimulationSummary {
  participants: number;
  outcomes: Record<string, number>;
  dropouts: number;
  refills: number;
  /** Judges who joined the waitlist (every place held by judges at work), and those of them given a place that came back. */
  waitlist: { waited: number; admitted: number };
  /** Judgements planned, usable ones done (top-ups beyond the plan included), and cells whose planned judgements are all done. */
  slots: { planned: number; done: number; cells: number; cellsMet: number };
  judgements: number;
  seconds: number;
  files: string[];
}

interface Page {
  stage: string;
  lobby?: { waitingSince: number | null };
  item?: { kind: string; status: string; debateId: string; token: string };
  end?: { outcome: string; code: string; redirect: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the study with simulated participants and writes its exports to `out`. */
export async function simulateStudy(o: SimulateOptions): Promise<SimulationSummary> {
  const started = Date.now();
  const dataDir = await mkdtemp(join(tmpdir(), 'arena-simulate-'));
  const researcher = newToken() + newToken();
  // Dropouts are noticed after a few idle seconds in a dry run, not minutes.
  const spec: StudySpec = { ...o.spec, timeLimits: { ...o.spec.timeLimits, idleSeconds: 2 } };
  // Every simulated participant comes from this machine: the per-address entry limit does not apply to the dry run.
  const arena = await createArena(
    loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', ARENA_DATA_DIR: dataDir, ARENA_RESEARCHER_TOKEN: researcher, ARENA_STUDY_SWEEP_SECONDS: '0.5', DATABASE_URL: '', ARENA_STUDY_ENTRIES_PER_ADDRESS: '1000000', ARENA_STUDY_ENTRIES_PER_MINUTE: '1000000' }),
  );
  const port = await arena.listen();
  const base = `http://127.0.0.1:${port}/api`;
  const call = async <T>(path: string, init: { method?: string; json?: unknown; token?: string } = {}): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? (init.json ? 'POST' : 'GET'),
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
    return (path.includes('/export/') ? text : JSON.parse(text)) as T;
  };
  try {
    await call('/studies', { json: { spec }, token: researcher });
    const rng = rngFromSeed(`${spec.seed}|simulate`);
    const plans = Array.from({ length: o.participants }, (_, i) => ({
      pid: `sim-${String(i + 1).padStart(4, '0')}`,
      // A dropout leaves after this many items (practice included); -1: stays to the end.
      leaveAfter: rng() < o.dropoutRate ? Math.floor(rng() * (spec.practice.length + spec.itemsPerParticipant)) : -1,
      checkRng: rngFromSeed(`${spec.seed}|simulate|${i}`),
    }));
    let finished = 0;
    const runOne = async (plan: (typeof plans)[number]) => {
      const { token } = await call<{ token: string }>(`/studies/${spec.id}/enter`, { json: { PROLIFIC_PID: plan.pid, STUDY_ID: 'simulated', SESSION_ID: `s-${plan.pid}` } });
      // The page's heartbeat, as a browser's study page sends it, several times within idleSeconds.
      const seen = () => call<Page>(`/studies/${spec.id}/me/seen`, { json: {}, token });
      const heartbeat = setInterval(() => void seen().catch(() => {}), (spec.timeLimits.idleSeconds * 1000) / 4);
      try {
        let page = await call<Page>(`/studies/${spec.id}/me/consent`, { json: { agree: true }, token });
        page = await call<Page>(`/studies/${spec.id}/me/start`, { json: {}, token });
        // On the waitlist (every place held by participants at work): the page beats until a place comes back or the study is full.
        while (page.stage === 'instructions' && page.lobby) {
          await sleep(200);
          page = await seen();
        }
        let judged = 0;
        while (page.stage === 'items' && page.item) {
          if (judged === plan.leaveAfter) {
            // Leave without a word: the page stops asking, the server notices the silence.
            clearInterval(heartbeat);
            await sleep((spec.timeLimits.idleSeconds + 1.5) * 1000);
            break;
          }
          if (page.item.status !== 'done') await judgeItem(port, page.item, o, spec, plan.checkRng);
          // The verdict reaches the study a moment after the judge's last action.
          for (let i = 0; i < 100 && page.item?.status !== 'done' && page.stage === 'items'; i++) {
            await sleep(50);
            page = await seen();
          }
          judged++;
          page = await call<Page>(`/studies/${spec.id}/me/next`, { json: {}, token });
        }
      } finally {
        clearInterval(heartbeat);
      }
      o.onParticipant?.(++finished, o.participants);
    };
    // Participants arrive over time, a few at once, so later arrivals can take up what dropouts leave.
    const queue = [...plans];
    await Promise.all(
      Array.from({ length: Math.min(o.concurrency, plans.length) }, async () => {
        for (let plan = queue.shift(); plan; plan = queue.shift()) await runOne(plan);
      }),
    );
    await arena.services.studies.sweep();
    const files = ['judgements.csv', 'turns.csv', 'transcripts.jsonl', 'spec.json', 'bonuses.csv', 'approvals.csv'];
    await mkdir(o.out, { recursive: true });
    for (const f of files) await writeFile(join(o.out, f), await call<string>(`/studies/${spec.id}/export/${f}`, { token: researcher }));
    const progress = await call<StudyProgress>(`/studies/${spec.id}/progress`, { token: researcher });
    const waited = progress.participants.filter((p) => p.flags.includes('waitlisted'));
    await writeFile(join(o.out, 'progress.json'), `${JSON.stringify(progress, null, 2)}\n`);
    files.push('progress.json');
    const judgements = (await call<string>(`/studies/${spec.id}/export/judgements.csv`, { token: researcher })).trim().split('\n').length - 1;
    return {
      participants: o.participants,
      outcomes: progress.outcomes,
      dropouts: progress.dropouts,
      refills: progress.refills,
      waitlist: { waited: waited.length, admitted: waited.filter((p) => p.outcome !== 'noCapacity').length },
      slots: { planned: progress.plan.planned, done: progress.plan.done, cells: progress.cells.length, cellsMet: progress.cells.filter((c) => c.done >= c.planned).length },
      judgements,
      seconds: (Date.now() - started) / 1000,
      files,
    };
  } finally {
    await arena.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.lock`, { force: true });
  }
}

/** Judges one item as its judge seat, over the same Colyseus room a browser uses. */
async function judgeItem(port: number, item: NonNullable<Page['item']>, o: SimulateOptions, spec: StudySpec, checkRng: () => number): Promise<void> {
  const judge = createAgent(o.judge, { seed: `${spec.seed}|${item.debateId}`, ...(o.agentsConfig ? { config: o.agentsConfig } : {}) });
  const room = await new Client(`ws://127.0.0.1:${port}`).joinOrCreate(ROOM_NAME, { debateId: item.debateId, seat: 'judge', token: item.token, protocol: PROTOCOL_VERSION });
  const failCheck = item.kind === 'check' && checkRng() < o.failCheckRate;
  try {
    await new Promise<void>((resolve, reject) => {
      let busy = false;
      const timer = setTimeout(() => reject(new Error(`item ${item.debateId} did not finish in time`)), 120_000);
      room.onMessage('refused', () => {});
      room.onMessage('presence', () => {});
      room.onMessage('welcome', () => {});
      const onView = async (view: DebateView) => {
        if (view.status === 'finished' || view.status === 'ended') {
          clearTimeout(timer);
          resolve();
          return;
        }
        const legal = view.legal.find((l): l is Extract<LegalAction, { type: 'judge' }> => l.type === 'judge');
        if (!legal || busy) return;
        busy = true;
        try {
          if (failCheck) {
            // A careless participant: an even split, which is never a correct verdict (a tie for the most).
            const n = view.answers.length;
            room.send('action', { type: 'judge', probabilities: Array.from({ length: n }, () => 1 / n), end: true });
          } else {
            const reply = await judge.act({ view, legal: view.legal, signal: AbortSignal.timeout(60_000) });
            room.send('action', reply.action);
          }
        } catch (err) {
          reject(err as Error);
        } finally {
          busy = false;
        }
      };
      // The whole view on joining, then only what changed (the protocol's view changes).
      followViews<DebateView>(room, (view) => void onView(view));
    });
  } finally {
    await Promise.race([room.leave(true), sleep(1000)]);
  }
}
