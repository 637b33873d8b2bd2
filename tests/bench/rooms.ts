import { apply, rngFromSeed, rulesFor, setup, type Action, type Actor, type DebateState, type Scenario } from '@arena/shared';
import { startArena, type SeatClient } from '../helpers/arena.ts';

/** Engine throughput: whole debates played with apply(), counted in apply calls per second. */
export function benchEngine(scenario: Scenario, seconds = 2): { applyPerSecond: number; debates: number } {
  const rules = rulesFor('debate', { maxSpeechRounds: 4 });
  const judge = (end: boolean): Action => ({ type: 'judge', probabilities: [0.4, 0.6], end });
  const speech: Action = { type: 'speech', text: 'The passage says <quote>the lamp</quote> and that settles it.' };
  let calls = 0;
  let debates = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    let s: DebateState = setup({ id: `b${debates}`, scenario, rules, seed: `s${debates}`, createdAt: 0 });
    const step = (action: Action, actor: Actor) => {
      const r = apply(s, action, actor, calls);
      calls++;
      if (!r.ok) throw new Error(r.refusal.message);
      s = r.state;
    };
    step({ type: 'start' }, 'system');
    step(judge(false), 'judge');
    for (let round = 0; round < 4; round++) {
      for (const seat of s.header.assignment.speakingOrder) step(speech, seat);
      step(judge(round === 3), 'judge');
    }
    debates++;
  }
  return { applyPerSecond: calls / seconds, debates };
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/**
 * Latency from a debater's action to the judge's update, with `rooms` debates live
 * at once (three SDK clients each), all in this process against the real server.
 * Each debater "thinks" a random 0–`thinkMs` before speaking, as people and agents
 * do, so the figure is latency under load rather than the queue of a lockstep burst.
 */
export async function benchRoomLatency(
  rooms = 100,
  roundsPerRoom = 3,
  thinkMs = 2000,
): Promise<{ rooms: number; samples: number; p50: number; p95: number; p99: number }> {
  const rng = rngFromSeed(`bench-${rooms}`);
  const think = () => new Promise((resolve) => setTimeout(resolve, rng() * thinkMs));
  const t = await startArena({ env: { ARENA_RECONNECT_SECONDS: '0', ARENA_CONNECTIONS_PER_ADDRESS: '1000000' } });
  try {
    const scenarioId = [...t.arena.services.scenarios.values()].find((s) => s.evidence.kind === 'passage')!.id;
    const seated: { judge: SeatClient; A: SeatClient; B: SeatClient }[] = [];
    for (let i = 0; i < rooms; i++) {
      const created = await t.createDebate({ scenarioId, preset: 'debate', seed: `bench-${i}`, rules: { maxSpeechRounds: 10, speechSeconds: null, judgeSeconds: null } });
      const [judge, A, B] = await Promise.all(
        (['judge', 'A', 'B'] as const).map((seat) => t.join({ debateId: created.id, seat, token: created.seats[seat]!.token! })),
      );
      seated.push({ judge: judge!, A: A!, B: B! });
    }
    const latencies: number[] = [];
    const judgeTurn = { type: 'judge', probabilities: [0.5, 0.5], end: false };
    await Promise.all(
      seated.map(async ({ judge, A, B }) => {
        await judge.myTurn();
        await judge.act(judgeTurn);
        for (let r = 0; r < roundsPerRoom; r++) {
          // Simultaneous opening first, then sequential rounds: the judge sees each once it is complete.
          const speakers = r === 0 ? [A, B] : judge.view.speakingOrder.map((s) => (s === 'A' ? A : B));
          for (const [k, d] of speakers.entries()) {
            await d.myTurn();
            await think();
            // The judge hears of a round only when it is complete: time the speech that completes it.
            if (k < speakers.length - 1) {
              await d.act({ type: 'speech', text: `Round ${r}: my answer is right.` });
              continue;
            }
            const before = judge.views.length;
            const sent = performance.now();
            d.send('action', { type: 'speech', text: `Round ${r}: my answer is right.` });
            await judge.until((c) => c.views.length > before, 'the judge update');
            latencies.push(performance.now() - sent);
          }
          await judge.myTurn();
          await judge.act(judgeTurn);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    return { rooms, samples: latencies.length, p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99) };
  } finally {
    await t.close();
  }
}
