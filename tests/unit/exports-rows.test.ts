/**
 * The rows the training exports make of one debate, played here through the engine: each
 * seated turn once, with the seat's own view rendered by the LLM agents' prompt code and
 * the reply that gives its action; the filters; forks read only through their header field.
 */
import { describe, expect, it } from 'vitest';
import { apply, toMove, viewFor, type DebateEvent, type DebateState, type TranscriptRecord } from '@arena/shared';
import { buildPrompt } from '../../server/src/agents/llm/prompts.ts';
import { forkParentOf } from '../../server/src/exports/forks.ts';
import { ForkPairs } from '../../server/src/exports/preferences.ts';
import { debateTurns } from '../../server/src/exports/seat-turns.ts';
import { sftRows } from '../../server/src/exports/sft.ts';
import { HIDDEN_SENTENCE, newDebate } from '../helpers/fixtures.ts';

/** A whole debate: the judge's prior, two rounds of speeches (A in words with a quote, B by a passage span), the judge ending for answer 2. */
function played(): { record: TranscriptRecord; before: DebateState[] } {
  let state = newDebate('debate', 'rows');
  const events: DebateEvent[] = [];
  const before: DebateState[] = [];
  const act = (seat: DebateEvent['seat'], action: DebateEvent['action']) => {
    before.push(state);
    const r = apply(state, action, seat, 1000 + events.length * 1000);
    if (!r.ok) throw new Error(r.refusal.message);
    events.push({ seq: events.length, at: 1000 + events.length * 1000, seat, action });
    state = r.state;
  };
  act('system', { type: 'start' });
  for (let turns = 0; state.status === 'running' && turns < 20; turns++) {
    const seat = toMove(state)[0]!;
    if (seat === 'judge') {
      const last = state.rounds.filter((r) => r.speeches.length).length >= 2;
      act('judge', { type: 'judge', probabilities: last ? [0.2, 0.8] : [0.5, 0.5], end: last, ...(last ? { comment: 'The oil was stolen.' } : {}) });
    } else if (seat === 'A') act('A', { type: 'speech', text: `Believe me. <quote>${HIDDEN_SENTENCE}</quote>` });
    else act(seat, { type: 'speech', segments: [{ text: 'The story: ' }, { quote: [3, 9] }] });
  }
  return { record: { header: state.header, events, status: state.status, verdict: state.verdict } as TranscriptRecord, before };
}

describe('the rows of one debate', () => {
  const { record, before } = played();
  const seated = record.events.filter((e) => e.seat !== 'system');

  it('has one turn per seated event, each with the seat’s own view before it', () => {
    const { turns } = debateTurns(record);
    expect(turns.map((t) => t.index)).toEqual(record.events.flatMap((e, i) => (e.seat === 'system' ? [] : [i])));
    for (const t of turns) expect(t.view).toEqual(viewFor(before[t.index]!, t.seat));
    // A debater's view has the passage; the judge's has none.
    expect(turns.find((t) => t.seat === 'A')!.view.passage).toBeDefined();
    expect(turns.find((t) => t.seat === 'judge')!.view.passage).toBeUndefined();
  });

  it('renders each turn as the agents prompt it and replies with the action taken', () => {
    const rows = sftRows(record, { metadata: true });
    expect(rows).toHaveLength(seated.length);
    for (const row of rows) {
      const view = viewFor(before[row.metadata!.event]!, row.metadata!.seat as 'A');
      expect(row.messages.slice(0, 2)).toEqual([
        { role: 'system', content: buildPrompt(view, undefined).system },
        { role: 'user', content: buildPrompt(view, undefined).user },
      ]);
    }
    const a = rows.find((r) => r.metadata!.seat === 'A')!;
    expect(a.messages[2]!.content).toBe(`Believe me. <quote>${HIDDEN_SENTENCE}</quote>`);
    const b = rows.find((r) => r.metadata!.seat === 'B')!;
    // A speech made of passage spans: the recorded quote's text, in <quote> tags, as a model would have written it.
    const quoted = /^The story: <quote>([^<]+)<\/quote>$/.exec(b.messages[2]!.content)?.[1];
    expect(quoted && record.header.scenario.evidence.kind === 'passage' && record.header.scenario.evidence.text.includes(quoted)).toBe(true);
    const final = rows.at(-1)!;
    expect(JSON.parse(final.messages[2]!.content)).toEqual({ probabilities: { '1': 0.2, '2': 0.8 }, end: true, comment: 'The oil was stolen.' });
  });

  it('keeps winners, honest debaters and one role', () => {
    const honestSeat = Object.entries(record.header.assignment.debaters).find(([, side]) => side === record.header.assignment.correctIndex)![0];
    const count = (seat: string) => seated.filter((e) => e.seat === seat).length;
    // Answer 2 got the most probability: its debater and the (correct) judge won.
    const winner = Object.entries(record.header.assignment.debaters).find(([, side]) => side === 1)![0];
    expect(sftRows(record, { winners: true }).length).toBe(count(winner) + count('judge'));
    expect(sftRows(record, { honest: true, role: 'debater' }).length).toBe(count(honestSeat));
    expect(sftRows(record, { honest: true }).length).toBe(count(honestSeat) + count('judge'));
    expect(sftRows(record, { role: 'judge' }).length).toBe(count('judge'));
  });

  it("reads a fork's parent from its header, and makes no pairs without forks", async () => {
    expect(forkParentOf(record)).toBeNull();
    const withParent = (parent: { id: string; at: number }) => ({ header: { ...record.header, parent } }) as TranscriptRecord;
    expect(forkParentOf(withParent({ id: 'x', at: 3 }))).toEqual({ debateId: 'x', eventIndex: 3 });
    const forks = new ForkPairs();
    forks.add(record);
    const rows = [];
    for await (const row of forks.rows(async () => record)) rows.push(row);
    expect(forks.size).toBe(0);
    expect(rows).toEqual([]);
  });
});
