/**
 * One study served by two server processes sharing Postgres and Redis: participants
 * arriving at the same moment through both never draw the same slot (the per-study lock
 * is a Postgres advisory lock), an item's verdict is recorded whichever process the
 * judge's page asks, and the dashboard's live progress on one process hears changes made
 * through the other. Needs Redis and Postgres, as cluster.test.ts does.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SeatClient } from '../helpers/arena.ts';
import { startTwoProcesses, type TwoProcesses } from '../helpers/cluster.ts';
import { apiAs, servicesFor } from '../helpers/services.ts';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { parseSpec, type StudySpec } from '../../server/src/studies/spec.ts';

const TOKEN = 'study-cluster-token-0123456789';
const missing = await servicesFor('the study cluster test');

const clients: SeatClient[] = [];
let cluster: TwoProcesses | undefined;

afterAll(async () => {
  await Promise.all(clients.map((c) => c.leave().catch(() => {})));
  await cluster?.stop('SIGKILL');
});

/** The API as the researcher, or as a participant with `token`; a body means POST. */
const api = (base: string, path: string, init: { method?: string; json?: unknown; token?: string } = {}) =>
  apiAs(init.token ?? TOKEN, base, path, { method: init.method ?? (init.json ? 'POST' : 'GET'), json: init.json });

const base = parseSpec(EXAMPLE_SPEC);
const spec: StudySpec = {
  ...base,
  id: 'cluster-study',
  scenarios: { packs: [], ids: ['the-lantern-room', 'log-of-the-petrel', 'the-quiet-relay', 'above-the-ninth-camp', 'growth-cabinet-three', 'hollis-and-daughter'] },
  conditions: [{ name: 'blind', preset: 'blind' }],
  itemsPerParticipant: 2,
  judgementsPerCell: 2,
  practice: [],
  attentionChecks: [],
};

/** Reads server-sent events until `test` accepts one, or fails after `ms`. */
async function awaitEvent(url: string, test: (data: any) => boolean, ms: number, opened: () => Promise<void>): Promise<any> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let first = true;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const chunk = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(chunk)?.[1];
        if (!data) continue;
        const parsed = JSON.parse(data);
        // The first event is the state on connecting; the change comes after.
        if (first) {
          first = false;
          await opened();
          continue;
        }
        if (test(parsed)) return parsed;
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

describe.skipIf(!!missing)('a study served by several processes', () => {
  it('never draws one slot twice, records verdicts through either process, and relays progress', async () => {
    cluster = await startTwoProcesses('study_cluster', 26_000, TOKEN, { ARENA_STUDY_SWEEP_SECONDS: '3600' });
    const { one, two } = cluster;
    const launched = await api(one.http, '/api/studies', { json: { spec } });
    expect(launched.slots).toBe(12);

    // Six participants arrive at once, alternately through each process, and start together.
    const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => api([one, two][i % 2]!.http, `/api/studies/${spec.id}/enter`, { json: { pid: `PANEL-C${i}` } }).then((r) => r.token as string)));
    await Promise.all(tokens.map((t, i) => api([one, two][i % 2]!.http, `/api/studies/${spec.id}/me/consent`, { json: { agree: true }, token: t })));
    await Promise.all(tokens.map((t, i) => api([two, one][i % 2]!.http, `/api/studies/${spec.id}/me/start`, { json: {}, token: t })));
    const progress = await api(two.http, `/api/studies/${spec.id}/progress`);
    const drawn: string[] = [];
    for (const p of progress.participants as { participant: string }[]) {
      const { items } = await api(one.http, `/api/studies/${spec.id}/participants/${p.participant}`);
      drawn.push(...(items as { slot: string | null }[]).map((i) => i.slot!).filter(Boolean));
    }
    expect(drawn).toHaveLength(12);
    expect(new Set(drawn).size).toBe(12);
    expect(progress.plan).toMatchObject({ assigned: 12, open: 0 });

    // The first participant started through process two, which created their item's debate and serves
    // its session; the dashboard on process one hears the verdict.
    const first = tokens[0]!;
    const page = await api(one.http, `/api/studies/${spec.id}/me`, { token: first });
    const heard = awaitEvent(`${one.http}/api/studies/${spec.id}/events`, (d) => d.plan.done === 1, 30_000, async () => {
      const judge = await SeatClient.join(one.ws, { debateId: page.item.debateId, seat: 'judge', token: page.item.token });
      clients.push(judge);
      await judge.until((c) => c.views.length > 0 && c.view.legal.some((l) => l.type === 'judge'), 'the judge turn', 20_000);
      await judge.act({ type: 'judge', probabilities: judge.view.answers.map((_, i) => (i === 0 ? 0.7 : 0.3 / (judge.view.answers.length - 1))), end: true });
    });
    const event = await heard;
    expect(event.plan.done).toBe(1);
    // Either process gives the participant the same place: the item is done, the next comes.
    expect((await api(two.http, `/api/studies/${spec.id}/me`, { token: first })).item).toMatchObject({ position: 1, status: 'done' });
    expect((await api(two.http, `/api/studies/${spec.id}/me/next`, { json: {}, token: first })).item).toMatchObject({ position: 2, status: 'open' });
  }, 120_000);
});
