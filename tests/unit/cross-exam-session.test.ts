/**
 * A live session of a cross-examination with a person (A) and an agent (B): the agent
 * answers A's question from its view as it was at the round A named (the view bytes it
 * is handed hold nothing from after that point but the question), asks its own, and the
 * person answers live. The session replays the stored events for the forked view.
 */
import { describe, expect, it } from 'vitest';
import { rulesFor, setup, type DebateView } from '@arena/shared';
import type { Agent } from '../../server/src/agents/agent.ts';
import { agentCatalog } from '../../server/src/agent-catalog.ts';
import { DebateSession, type Subscriber } from '../../server/src/sessions/debate-session.ts';
import { MemoryDebateStore } from '../../server/src/store/memory-debates.ts';
import { FakeClock, settle } from '../helpers/fake-clock.ts';
import { LIGHTHOUSE } from '../helpers/fixtures.ts';

const agents = agentCatalog();

class Latest implements Subscriber {
  last: DebateView | null = null;
  view(view: DebateView): void {
    this.last = view;
  }
}

describe('a live cross-examination', () => {
  it('the agent answers from its forked view; the person from the live one', async () => {
    const clock = new FakeClock();
    const store = new MemoryDebateStore();
    // B is the built-in debater, wrapped to keep every view it is handed.
    const seen: { legal: string; view: string }[] = [];
    const makeAgent = (id: string, seed: string): Agent => {
      const inner = agents.make(id, seed);
      return { id, act: (turn) => (seen.push({ legal: turn.legal.map((l) => l.type).join(), view: JSON.stringify(turn.view) }), inner.act(turn)) };
    };
    const state = setup({
      id: 'cross-live',
      scenario: LIGHTHOUSE,
      rules: rulesFor('debate-cross-exam', { speechSeconds: 60, judgeSeconds: 60 }),
      seed: 'cross-live',
      createdAt: clock.now(),
      seats: { B: { kind: 'agent', agent: 'builtin:passage-debater' } },
    });
    await store.createDebate(state.header, 'waiting', null, 'private');
    const session = new DebateSession(state, { store, makeAgent, agentTurnMs: 30_000, waitingMs: 600_000, log: () => {}, clock });
    const a = new Latest();
    const judge = new Latest();
    const handles = { A: session.subscribe('A', a), judge: session.subscribe('judge', judge) };
    await settle();
    expect(await handles.judge.submit({ type: 'judge', probabilities: [0.5, 0.5], end: false })).toBeNull();
    expect(await handles.A.submit({ type: 'speech', text: 'OPENING-OF-A: the harbour master ordered the dark.' })).toBeNull();
    await settle();
    // B spoke, then asked its question at once (the cross-examination opened).
    const asked = seen.find((s) => s.legal === 'question');
    expect(asked).toBeDefined();
    expect(a.last?.legal[0]?.type).toBe('question');
    // A asks B as B was when round 1 (the openings) opened: before both openings.
    expect(await handles.A.submit({ type: 'question', text: 'QUESTION-OF-A: where did the oil go?', round: 1 })).toBeNull();
    await settle();
    const answering = seen.filter((s) => s.legal === 'answer');
    expect(answering).toHaveLength(1);
    const bytes = answering[0]!.view;
    expect(bytes).toContain('QUESTION-OF-A');
    expect(bytes).not.toContain('OPENING-OF-A');
    // Nor B's own opening, nor its own question: both came after the point A named.
    const record = (await store.getTranscript('cross-live'))!;
    const bOpening = record.events.find((e) => e.seat === 'B' && e.action.type === 'speech')!.action as { text: string };
    const bQuestion = record.events.find((e) => e.seat === 'B' && e.action.type === 'question')!.action as { text: string };
    expect(bytes).not.toContain(bOpening.text.slice(0, 40));
    expect(bytes).not.toContain(bQuestion.text);
    // The person answers live: A's view holds both openings and B's question.
    expect(a.last?.legal[0]).toMatchObject({ type: 'answer', question: { seat: 'B', text: bQuestion.text } });
    expect(JSON.stringify(a.last)).toContain('OPENING-OF-A');
    expect(await handles.A.submit({ type: 'answer', text: 'It was stolen: <quote>somebody had rolled every barrel of oil down to the jetty and away</quote>.' })).toBeNull();
    await settle();
    const cross = judge.last?.rounds.find((r) => r.kind === 'cross');
    expect(cross?.complete).toBe(true);
    expect(cross?.speeches.map((s) => s.seat).sort()).toEqual(['A', 'B']);
    expect(judge.last?.legal[0]?.type).toBe('judge');
    session.close();
  });
});
