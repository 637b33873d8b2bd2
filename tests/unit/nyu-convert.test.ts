/** NYU room conversion, passage building, the report and the exporter, on small rooms made here. */
import { describe, expect, it } from 'vitest';
import { apply, passageIndex, passageText, replay, spanText, tokenize, type Action, type Actor, type DebateEvent, type DebateState, type TranscriptRecord } from '@arena/shared';
import { convertRoom, MalformedRoomError } from '../../server/src/importers/nyu/convert.ts';
import { buildPassage, joinTokens, mapSpan } from '../../server/src/importers/nyu/passage.ts';
import { formatNyuReport, nyuReport } from '../../server/src/importers/nyu/report.ts';
import { transcriptToNyu } from '../../server/src/importers/nyu/export.ts';
import { NyuMetadata } from '../../server/src/importers/nyu/schema.ts';
import { newDebate } from '../helpers/fixtures.ts';

const TOKENS = ['THE', 'LAMP', '\n', '\n', 'The', 'keeper', 'found', 'the', 'casks', 'gone', '.', '\n', 'Smugglers', 'took', 'the', 'oil', '.'];
const RULES_DEBATE = {
  fixedOpening: [
    { JudgeFeedbackRound: { reportBeliefs: true, charLimit: 750 } },
    { SimultaneousSpeechesRound: { charLimit: 750, quoteLimit: 250, assignedDebatersOnly: false } },
    { JudgeFeedbackRound: { reportBeliefs: true, charLimit: 750 } },
  ],
  repeatingStructure: [
    { SequentialSpeechesRound: { charLimit: 750, quoteLimit: 250, assignedDebatersOnly: false } },
    { JudgeFeedbackRound: { reportBeliefs: true, charLimit: 750 } },
  ],
  fixedClosing: null,
  globalQuoteRestriction: null,
  scoringFunction: { LogScoreWithLinearPenalty: { baseCoefficient: 1.0, constant: 0.0, logBase: 2.0, perTurnPenalty: 0.05 } },
};
const judge = (p: number[], at: number, end = false, text = '') => ({
  JudgeFeedback: { distribution: p, feedback: { speaker: 'Judy', timestamp: at, content: text ? [{ Text: { text } }] : [] }, endDebate: end },
});
const speech = (speaker: string, at: number, content: unknown[]) => ({ speaker, timestamp: at, content });

function debateRoom() {
  return {
    setup: {
      rules: RULES_DEBATE,
      sourceMaterial: { QuALITYSourceMaterial: { articleId: '1', title: 'The Lamp', contents: TOKENS } },
      question: 'Why did the lamp go dark?',
      answers: ['The keeper was ordered to dim it', 'The oil was stolen'],
      correctAnswerIndex: 1,
      roles: { 'Debater A': 'Alice', 'Debater B': 'Bob', Judge: 'Judy' } as Record<string, string>,
      offlineJudges: {},
      creationTime: 1000,
    },
    rounds: [
      judge([0.5, 0.5], 2000),
      {
        SimultaneousSpeeches: {
          speeches: {
            '0': speech('Alice', 3500, [{ Text: { text: 'He was told to.' } }]),
            '1': speech('Bob', 3000, [{ Text: { text: 'Look: ' } }, { Quote: { span: [6, 11] } }]),
          },
        },
      },
      judge([0.4, 0.6], 4000, false, 'Alice, any quote?'),
      { SequentialSpeeches: { speeches: { '0': speech('Alice', 5000, [{ Text: { text: 'No quote.' } }]), '1': speech('Bob', 6000, [{ Quote: { span: [12, 17] } }]) } } },
      judge([0.2, 0.8], 7000, true, 'Bob wins.'),
    ],
    feedback: {},
    scratchpads: {},
  };
}

describe('the story as a passage', () => {
  it('joins the tokens so that the arena tokenizer gives them back, line breaks on their own', () => {
    const text = joinTokens(TOKENS);
    expect(text).toBe('THE LAMP\n\nThe keeper found the casks gone .\nSmugglers took the oil .');
    expect(tokenize(text).map((t) => text.slice(t.start, t.end))).toEqual(TOKENS);
    const p = buildPassage(TOKENS);
    expect(p.exact).toBe(true);
    expect(mapSpan(p, [6, 9])).toEqual([6, 9]);
    expect(spanText(passageIndex(p.text), 6, 9)).toBe('found the casks');
  });

  it('maps the spans of an older tokenization (line tokens, empty tokens) onto arena tokens', () => {
    const old = ['TITLE', '\n', '', ' by A. Writer', '\n', 'Body', 'text'];
    const p = buildPassage(old);
    expect(p.exact).toBe(false);
    expect(tokenize(p.text).map((t) => p.text.slice(t.start, t.end))).toEqual(['TITLE', '\n', 'by', 'A.', 'Writer', '\n', 'Body', 'text']);
    expect(mapSpan(p, [3, 4])).toEqual([2, 5]);
    expect(mapSpan(p, [5, 7])).toEqual([6, 8]);
    expect(mapSpan(p, [2, 3])).toBeNull();
  });
});

describe('converting a room', () => {
  it('turns a debate into events that replay to the judge verdict', () => {
    const { record, replay: outcome, problems } = convertRoom('the-lamp-0', debateRoom(), null);
    expect(record.header.provenance).toBe('import');
    expect(problems).toEqual([]);
    expect(outcome).toBe('finished');
    expect(record.header.id).toBe('nyu-the-lamp-0');
    expect(record.header.assignment).toEqual({ answerOrder: [0, 1], correctIndex: 1, debaters: { A: 0, B: 1 }, speakingOrder: ['A', 'B'] });
    expect(record.header.rules).toMatchObject({ opening: ['judge', 'simultaneous', 'judge'], repeating: ['sequential', 'judge'], speechChars: 750, quoteChars: 250, judgePenalty: 0.05 });
    // Simultaneous speeches in the order they were written; sequential in speaking order.
    expect(record.events.map((e) => [e.seat, e.action.type, e.at])).toEqual([
      ['system', 'start', 1000],
      ['judge', 'judge', 2000],
      ['B', 'speech', 3000],
      ['A', 'speech', 3500],
      ['judge', 'judge', 4000],
      ['A', 'speech', 5000],
      ['B', 'speech', 6000],
      ['judge', 'judge', 7000],
    ]);
    expect(record.events[2]?.action).toEqual({ type: 'speech', segments: [{ text: 'Look: ' }, { quote: [6, 11] }] });
    expect(record.events[4]?.action).toEqual({ type: 'judge', probabilities: [0.4, 0.6], comment: 'Alice, any quote?', end: false });
    const state = replay(record.header as never, record.events as never);
    expect(state.verdict).toMatchObject({ probabilities: [0.2, 0.8], correct: true, continues: 2, speechRounds: 2 });
    expect(state.verdict?.judgeScore).toBeCloseTo(Math.log2(0.8) - 0.1, 12);
    // The engine lists a complete simultaneous round in speaking order (A, B), whatever the arrival order.
    expect(state.rounds[1]?.speeches.map((s) => s.seat)).toEqual(['A', 'B']);
    expect(state.rounds[1]?.speeches.find((s) => s.seat === 'B')?.segments[1]).toEqual({ kind: 'quote', text: 'found the casks gone .', verified: true, span: [6, 11] });
    expect(record.header.meta?.['includedInPaper']).toBe(false);
    expect((record.header.meta?.['nyu'] as { setting: { label: string } }).setting.label).toBe('Human debate');
  });

  it('seats a consultant who is Debater B on answer 1, and an AI consultant as an agent', () => {
    const room = debateRoom();
    room.setup.rules = { ...RULES_DEBATE, fixedOpening: [RULES_DEBATE.fixedOpening[0] as never], repeatingStructure: [
      { SequentialSpeechesRound: { charLimit: 1500, quoteLimit: 500, assignedDebatersOnly: true } } as never,
      RULES_DEBATE.repeatingStructure[1] as never,
    ] };
    room.setup.roles = { 'Debater B': 'GPT-4', Judge: 'Judy' };
    room.rounds = [judge([0.5, 0.5], 2000), { SequentialSpeeches: { speeches: { '1': speech('GPT-4', 3000, [{ Quote: { span: [12, 17] } }]) } } } as never, judge([0.3, 0.7], 4000, true)];
    const { record, replay: outcome } = convertRoom('the-lamp-1', room, null);
    expect(outcome).toBe('finished');
    expect(record.header.rules).toMatchObject({ preset: 'consultancy', debaters: 'one', opening: ['judge'], repeating: ['sequential', 'judge'], speechChars: 1500, quoteChars: 500 });
    expect(record.header.assignment.debaters).toEqual({ B: 1 });
    expect(record.header.seats.B).toEqual({ kind: 'agent', agent: 'GPT-4' });
    expect((record.header.meta?.['nyu'] as { setting: { label: string } }).setting.label).toBe('AI consultancy');
  });

  it('raises a limit the data exceeds, and says so', () => {
    const room = debateRoom();
    const long = 'x'.repeat(900);
    (room.rounds[1] as { SimultaneousSpeeches: { speeches: Record<string, unknown> } }).SimultaneousSpeeches.speeches['0'] = speech('Alice', 3500, [{ Text: { text: long } }]);
    const { record, replay: outcome, notes } = convertRoom('the-lamp-2', room, null);
    expect(outcome).toBe('finished');
    expect(record.header.rules.speechChars).toBe(900);
    expect(notes.some((n) => /speechChars raised from 750 to 900/.test(n))).toBe(true);
  });

  it('keeps an unfinished room running, and a complete room without a live judge is reported', () => {
    const room = debateRoom();
    room.rounds = room.rounds.slice(0, 3);
    const unfinished = convertRoom('the-lamp-3', room, null);
    expect(unfinished.record.status).toBe('running');
    expect(unfinished.problems).toEqual([]);

    const noJudge = debateRoom();
    noJudge.setup.rules = { ...RULES_DEBATE, fixedOpening: [RULES_DEBATE.fixedOpening[1] as never], repeatingStructure: [RULES_DEBATE.repeatingStructure[0] as never] };
    noJudge.setup.roles = { 'Debater A': 'Alice', 'Debater B': 'Bob' };
    noJudge.rounds = [noJudge.rounds[1] as never, { NegotiateEnd: { votes: { '0': true, '1': true } } } as never];
    const meta = NyuMetadata.parse({ name: 'the-lamp-4', setting: { isHuman: true, isDebate: true }, includedInPaper: false, status: { Complete: { result: { judgingInfo: null } } } });
    const c = convertRoom('the-lamp-4', noJudge, meta);
    expect(c.record.status).toBe('running');
    expect(c.completeInData).toBe(true);
    expect(c.problems.join(' ')).toMatch(/no live judge/);
    expect((c.record.header.meta?.['nyu'] as { extraRounds: unknown[] }).extraRounds).toEqual([{ index: 1, round: { NegotiateEnd: { votes: { '0': true, '1': true } } } }]);
  });

  it('refuses a malformed room with the field that is wrong', () => {
    expect(() => convertRoom('bad', { setup: { question: 'q' }, rounds: [] }, null)).toThrow(MalformedRoomError);
    const room = debateRoom();
    (room.setup as { answers: unknown }).answers = 'not a list';
    expect(() => convertRoom('bad', room, null)).toThrow(/answers/);
  });
});

describe('the report', () => {
  it('counts accuracy by setting and subset, with Wilson intervals and calibration', () => {
    const recs: TranscriptRecord[] = [];
    const mk = (name: string, p: number[], paper: boolean) => {
      const room = debateRoom();
      (room.rounds[4] as ReturnType<typeof judge>).JudgeFeedback.distribution = p;
      const meta = NyuMetadata.parse({ name, setting: { isHuman: true, isDebate: true }, includedInPaper: paper, status: { Complete: {} } });
      recs.push(convertRoom(name, room, meta).record);
    };
    mk('r-0', [0.2, 0.8], true);
    mk('r-1', [0.1, 0.9], true);
    mk('r-2', [0.7, 0.3], false);
    mk('r-3', [0.5, 0.5], true);
    const report = nyuReport(recs);
    expect(report).toMatchObject({ rooms: 4, finished: 4, includedInPaper: 3 });
    const paper = report.rows.find((r) => r.subset === 'paper' && r.setting === 'Human debate');
    const all = report.rows.find((r) => r.subset === 'finished' && r.setting === 'Human debate');
    expect(paper?.n).toBe(3);
    expect(paper?.accuracy.successes).toBe(2); // 0.5/0.5 is not correct
    expect(all?.n).toBe(4);
    expect(all?.accuracy.successes).toBe(2);
    // Brier summed over both answers: 2 × (1 − p(correct))² for two answers.
    expect(all?.brier).toBeCloseTo((2 * (0.2 ** 2 + 0.1 ** 2 + 0.7 ** 2 + 0.5 ** 2)) / 4, 12);
    expect(all?.accuracy.low).toBeGreaterThan(0);
    expect(all?.accuracy.high).toBeLessThan(1);
    expect(report.rows.find((r) => r.setting === 'AI debate')?.n).toBe(0);
    expect(formatNyuReport(report)).toMatch(/\| in paper \| Human debate \| 3 \| 1 \| 66\.7% \|/);
  });
});

describe('exporting a debate held in the arena', () => {
  it('writes the dataset format, which imports back with the same speeches, spans and probabilities', () => {
    let state: DebateState = newDebate('debate', 'nyu-export');
    const events: DebateEvent[] = [];
    const order = state.header.assignment.speakingOrder;
    const step = (seat: Actor, action: Action) => {
      const r = apply(state, action, seat, 1000 * (events.length + 1));
      if (!r.ok) throw new Error(r.refusal.message);
      events.push({ seq: events.length, at: 1000 * (events.length + 1), seat, action });
      state = r.state;
    };
    step('system', { type: 'start' });
    step('judge', { type: 'judge', probabilities: [0.5, 0.5], end: false });
    step(order[0] as Actor, { type: 'speech', segments: [{ text: 'See: ' }, { quote: [2, 6] }] });
    step(order[1] as Actor, { type: 'speech', segments: [{ text: 'No.' }] });
    step('judge', { type: 'judge', probabilities: [0.35, 0.65], comment: 'Hmm', end: true });
    const record: TranscriptRecord = { header: state.header, events, status: state.status, verdict: state.verdict } as TranscriptRecord;

    const out = transcriptToNyu(record);
    const { answerOrder, debaters, correctIndex } = state.header.assignment;
    expect(out.name).toBe(state.header.id);
    expect(out.room.setup.answers).toEqual(answerOrder.map((i) => state.header.scenario.answers[i]));
    expect(out.room.setup.correctAnswerIndex).toBe(correctIndex);
    expect(out.room.rounds.map((r) => Object.keys(r)[0])).toEqual(['JudgeFeedback', 'SimultaneousSpeeches', 'JudgeFeedback']);
    const sim = (out.room.rounds[1] as { SimultaneousSpeeches: { speeches: Record<string, { content: unknown }> } }).SimultaneousSpeeches.speeches;
    expect(sim[String(debaters[order[0] as 'A'])]?.content).toEqual([{ Text: { text: 'See: ' } }, { Quote: { span: [2, 6] } }]);
    expect(out.metadata).toMatchObject({ setting: { isHuman: true, isDebate: true }, status: { Complete: { result: { judgingInfo: { finalJudgement: [0.35, 0.65] } } } } });

    const back = convertRoom(out.name, JSON.parse(JSON.stringify(out.room)), NyuMetadata.parse(out.metadata));
    expect(back.replay).toBe('finished');
    expect(back.record.verdict?.probabilities).toEqual([0.35, 0.65]);
    expect(back.record.verdict?.correct).toBe(state.verdict?.correct);
    expect(passageText(back.record.header.scenario).split(/\s+/)).toEqual(passageText(state.header.scenario).split(/\s+/));
    const quoted = back.record.events.flatMap((e) => (e.action.type === 'speech' ? (e.action.segments ?? []) : [])).filter((g) => 'quote' in g);
    expect(quoted).toEqual([{ quote: [2, 6] }]);
  });
});
