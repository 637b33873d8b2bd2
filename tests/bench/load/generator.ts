/**
 * The load benchmark's client side, run as its own process: sets up its share of the
 * debates (three Colyseus SDK clients each), waits for "go", then plays them. Each
 * debater thinks 0–thinkMs before speaking; the figure is the time from the speech
 * that completes a round to the judge's update (the judge hears of a round only then). Against `bare` the same script runs without
 * turn-taking (the relay room has none).
 */
import { Client } from '@colyseus/sdk';
import { applyViewChange, rngFromSeed, type ChangeMessage } from '@arena/shared';
import { LOAD_TOKEN, type GeneratorResult, type GeneratorSetup, type GeneratorTask } from './protocol.ts';

type SdkRoom = Awaited<ReturnType<Client['joinOrCreate']>>;
interface View {
  legal?: unknown[];
  speakingOrder?: ('A' | 'B')[];
}

/** One seat: counts the updates it receives and keeps the last. */
class Seat {
  updates = 0;
  last: View = {};
  private waiters: (() => void)[] = [];
  readonly room: SdkRoom;

  constructor(room: SdkRoom) {
    this.room = room;
    // The arena sends the whole view once, then changes; the bare relay sends "view" each time.
    room.onMessage('view', (m: { view?: View }) => this.update(m.view ?? this.last));
    room.onMessage('change', (m: ChangeMessage) => this.update(applyViewChange(this.last, m.change)));
    for (const type of ['welcome', 'presence']) room.onMessage(type, () => {});
    room.onMessage('refused', (r: { code: string; message: string }) => console.error(`refused: ${r.code}: ${r.message}`));
  }
  private update(view: View) {
    this.updates++;
    this.last = view;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  async until(test: () => boolean, ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
}

async function setUp(task: GeneratorTask, client: Client, scenarioId: string, i: number): Promise<Record<'judge' | 'A' | 'B', Seat>> {
  const seats = ['judge', 'A', 'B'] as const;
  if (task.kind === 'bare') {
    const debateId = `${task.seed}-${i}`;
    const rooms: SdkRoom[] = [];
    for (const seat of seats) rooms.push(await client.joinOrCreate('debate', { debateId, seat }));
    return { judge: new Seat(rooms[0]!), A: new Seat(rooms[1]!), B: new Seat(rooms[2]!) };
  }
  const res = await fetch(`http://127.0.0.1:${task.port}/api/debates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${LOAD_TOKEN}` },
    body: JSON.stringify({ scenarioId, preset: 'debate', seed: `${task.seed}-${i}`, rules: { maxSpeechRounds: 10, speechSeconds: null, judgeSeconds: null } }),
  });
  if (res.status !== 201) throw new Error(`create debate: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { id: string; seats: Record<string, { token: string }> };
  const out = {} as Record<'judge' | 'A' | 'B', Seat>;
  for (const seat of seats) out[seat] = new Seat(await client.joinOrCreate('debate', { debateId: created.id, seat, token: created.seats[seat]!.token }));
  return out;
}

async function play(task: GeneratorTask, s: Record<'judge' | 'A' | 'B', Seat>, rng: () => number, out: GeneratorResult): Promise<void> {
  const arena = task.kind === 'arena';
  const myTurn = (seat: Seat) => (arena ? seat.until(() => (seat.last.legal?.length ?? 0) > 0) : Promise.resolve());
  const judgeAct = async () => {
    await myTurn(s.judge);
    const before = s.judge.updates;
    s.judge.room.send('action', { type: 'judge', probabilities: [0.5, 0.5], end: false });
    out.actions++;
    await s.judge.until(() => s.judge.updates > before);
  };
  await judgeAct();
  for (let r = 0; r < task.rounds; r++) {
    const order = r === 0 || !arena ? (['A', 'B'] as const) : (s.judge.last.speakingOrder ?? ['A', 'B']);
    for (const [k, who] of order.entries()) {
      const d = s[who];
      await myTurn(d);
      await new Promise((resolve) => setTimeout(resolve, rng() * task.thinkMs));
      const speech = { type: 'speech', text: `Round ${r}: my answer is right, and the passage shows it.` };
      out.actions++;
      // The judge hears of a round only once it is complete: time the speech that completes it.
      if (k < order.length - 1) {
        const own = d.updates;
        d.room.send('action', speech);
        await d.until(() => d.updates > own);
        continue;
      }
      const before = s.judge.updates;
      const sent = performance.now();
      d.room.send('action', speech);
      await s.judge.until(() => s.judge.updates > before);
      out.latencies.push(performance.now() - sent);
    }
    await judgeAct();
  }
}

const task = JSON.parse(process.argv[2]!) as GeneratorTask;
const client = new Client(`ws://127.0.0.1:${task.port}`);
let scenarioId = '';
if (task.kind === 'arena') {
  const list = (await (await fetch(`http://127.0.0.1:${task.port}/api/scenarios`)).json()) as { scenarios: { id: string; evidenceKind: string; answerCount: number }[] };
  scenarioId = list.scenarios.find((x) => x.evidenceKind === 'passage' && x.answerCount === 2)!.id;
}
const started = performance.now();
const debates: Record<'judge' | 'A' | 'B', Seat>[] = [];
// A few at a time, as people arrive: setting up is measured, not raced.
for (let i = 0; i < task.debates; i += 10) {
  debates.push(...(await Promise.all(Array.from({ length: Math.min(10, task.debates - i) }, (_, k) => setUp(task, client, scenarioId, i + k)))));
}
process.send!({ load: { setupSeconds: (performance.now() - started) / 1000 } satisfies GeneratorSetup });
await new Promise<void>((resolve) => process.on('message', (m) => m === 'go' && resolve()));
const result: GeneratorResult = { latencies: [], actions: 0, errors: 0 };
const rng = rngFromSeed(task.seed);
await Promise.all(debates.map((d) => play(task, d, rng, result).catch((e: Error) => (result.errors++ === 0 && console.error(`a debate failed: ${e.message}`)))));
process.send!({ load: result }, () => process.exit(0));
