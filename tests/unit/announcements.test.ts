import { describe, expect, it } from 'vitest';
import { apply, rulesFor, setup, viewFor, type Action, type Actor, type DebateState, type DebateView, type Seat } from '@arena/shared';
import { connectionAnnouncement, timeWarning, viewAnnouncements } from '../../client/src/announcements.ts';
import { insertQuote, type DraftSegment } from '../../client/src/components/draft.ts';
import { LIGHTHOUSE } from '../helpers/fixtures.ts';

/** A debate through the engine, with each seat's view before and after every step. */
function debate() {
  let s: DebateState = setup({ id: 'ann', scenario: LIGHTHOUSE, rules: rulesFor('debate'), seed: 'ann', createdAt: 0 });
  let t = 0;
  const step = (action: Action, actor: Actor, now = ++t) => {
    const r = apply(s, action, actor, now);
    if (!r.ok) throw new Error(r.refusal.message);
    s = r.state;
  };
  const view = (seat: Seat): DebateView => viewFor(s, seat);
  return { step, view, state: () => s };
}

/** What `seat` is told across one step. */
function across(d: ReturnType<typeof debate>, seat: Seat, action: Action, actor: Actor): string[] {
  const before = d.view(seat);
  d.step(action, actor);
  return viewAnnouncements(before, d.view(seat));
}

describe('what a screen reader is told', () => {
  it('nothing on the first view; the judge comment and the turn to the debaters; speeches only once released, never one’s own', () => {
    const d = debate();
    d.step({ type: 'start' }, 'system');
    expect(viewAnnouncements(null, d.view('A'))).toEqual([]);
    const beforeA = d.view('A');
    const beforeJ = d.view('judge');
    d.step({ type: 'judge', probabilities: [0.4, 0.6], comment: 'Which line decides it?', end: false }, 'judge');
    expect(viewAnnouncements(beforeA, d.view('A'))).toEqual([
      "The judge asked for more: 1 40%, 2 60%. The judge's comment: Which line decides it?",
      'Your turn: write your speech (both debaters write at once).',
    ]);
    // The judge is not told its own turn, only whose turn follows.
    expect(viewAnnouncements(beforeJ, d.view('judge'))).toEqual(['The debaters are writing.']);

    // Openings are written at once: the judge and B hear nothing of A's until B's is in.
    const [first, second] = d.state().header.assignment.speakingOrder as Seat[];
    const judgeBefore = d.view('judge');
    const otherBefore = d.view(second!);
    const own = across(d, first!, { type: 'speech', text: 'It says <quote>the tower stood dark over the water</quote>.' }, first! as Actor);
    expect(own.join(' ')).not.toContain('New speech');
    expect(viewAnnouncements(otherBefore, d.view(second!)).join(' ')).not.toContain('New speech');
    expect(viewAnnouncements(judgeBefore, d.view('judge'))).toEqual([]);
  });

  it('the judge hears both speeches with the quote marked, then its turn', () => {
    const d = debate();
    d.step({ type: 'start' }, 'system');
    d.step({ type: 'judge', probabilities: [0.5, 0.5], comment: '', end: false }, 'judge');
    const [first, second] = d.state().header.assignment.speakingOrder as Seat[];
    d.step({ type: 'speech', text: 'It says <quote>the tower stood dark over the water</quote>.' }, first! as Actor);
    const said = across(d, 'judge', { type: 'speech', text: 'Nothing of the kind.' }, second! as Actor);
    expect(said).toEqual([
      `New speech from Debater ${first}: It says quote: “the tower stood dark over the water.”.`,
      `New speech from Debater ${second}: Nothing of the kind.`,
      'Your turn: weigh the answers.',
    ]);
  });

  it('a judge who runs out of time is told so, and the debaters hear it', () => {
    const d = debate();
    d.step({ type: 'start' }, 'system');
    const a = d.view('A');
    const j = d.view('judge');
    // The turn's deadline passes.
    d.step({ type: 'timeout' } as Action, 'system', 10_000_000);
    expect(viewAnnouncements(j, d.view('judge'))[0]).toBe('Your time ran out: your last probabilities stand.');
    expect(viewAnnouncements(a, d.view('A'))[0]).toMatch(/^The judge ran out of time: 1 \d+%, 2 \d+%\.$/);
  });

  it('time left: two minutes and thirty seconds, each once, when crossed', () => {
    expect(timeWarning(121, 119.5)).toBe('2 minutes left for your turn.');
    expect(timeWarning(119, 118)).toBeNull();
    expect(timeWarning(30.2, 29.8)).toBe('30 seconds left for your turn.');
    expect(timeWarning(120, 119)).toBeNull();
    expect(timeWarning(29, 10)).toBeNull();
  });

  it('connection: lost, and back; not the first connect', () => {
    expect(connectionAnnouncement('connecting', 'connected')).toBeNull();
    expect(connectionAnnouncement('connected', 'reconnecting')).toBe('Connection lost: reconnecting…');
    expect(connectionAnnouncement('reconnecting', 'connected')).toBe('Connected again.');
    expect(connectionAnnouncement('connected', 'closed')).toBe('Connection lost.');
  });
});

describe('a quote goes where the caret is, spaced', () => {
  const span: [number, number] = [3, 6];
  it('between two words typed without spaces, each side gets one', () => {
    const segs: DraftSegment[] = [{ kind: 'text', text: 'It says:so there' }];
    const r = insertQuote(segs, { block: 0, at: 8 }, span);
    expect(r.segments).toEqual([{ kind: 'text', text: 'It says: ' }, { kind: 'quote', span }, { kind: 'text', text: ' so there' }]);
    expect(r.caret).toEqual({ block: 2, at: 1 });
  });
  it('with no caret known, after the last text, not run into it', () => {
    const segs: DraftSegment[] = [{ kind: 'text', text: '…hollow base.' }];
    expect(insertQuote(segs, null, span).segments).toEqual([{ kind: 'text', text: '…hollow base. ' }, { kind: 'quote', span }, { kind: 'text', text: ' ' }]);
  });
  it('quotes taken one after another stay in order', () => {
    let segs: DraftSegment[] = [{ kind: 'text', text: 'First ' }];
    let caret = { block: 0, at: 6 };
    for (const s of [[1, 2], [4, 5]] as [number, number][]) ({ segments: segs, caret } = insertQuote(segs, caret, s));
    expect(segs.filter((s) => s.kind === 'quote').map((s) => (s as { span: [number, number] }).span)).toEqual([[1, 2], [4, 5]]);
  });
});
