import { apply, rulesFor, setup, type Action, type Actor, type DebateEvent, type DebateState, type PresetName, type Rules, type Scenario } from '@arena/shared';

/** A small scenario whose hidden sentences the leak tests search for. */
export const LIGHTHOUSE: Scenario = {
  id: 'fixture-lighthouse',
  title: 'The Keeper of Gull Point',
  question: 'Why did the keeper let the lamp go dark on the night of the regatta?',
  answers: [
    'He was ordered to by the harbour master, who wanted the race to finish in darkness.',
    'The oil shipment had been stolen, so there was nothing left to burn.',
  ],
  correctIndex: 1,
  evidence: {
    kind: 'passage',
    text: [
      'The keeper of Gull Point had tended the lamp for thirty-one years without a single dark night.',
      'On the morning of the regatta the harbour master sent a note asking him to dim the light after the last boat crossed the line.',
      'The keeper folded the note and put it in his coat, meaning to refuse.',
      '',
      'That afternoon he climbed to the store room and found the casks gone: somebody had rolled every barrel of oil down to the jetty and away.',
      'Secret sentence: the smugglers of Wrack Cove sold the oil in Dunmore for forty crowns.',
      'When night fell there was nothing to burn, and the tower stood dark over the water.',
    ].join('\n'),
  },
  source: 'Written for the test suite',
  licence: 'CC-BY-4.0',
};

/** A passage's sentences long enough to be unmistakable: what the leak tests search a judge's bytes for. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 40);
}

export const HIDDEN_SENTENCE = 'the smugglers of Wrack Cove sold the oil in Dunmore for forty crowns';

let debates = 0;

export function newDebate(preset: PresetName, seed = 'seed-1', overrides: Partial<Rules> = {}, scenario = LIGHTHOUSE): DebateState {
  return setup({ id: `d-${preset}-${++debates}`, scenario, rules: rulesFor(preset, overrides), seed, createdAt: 0 });
}

/** Applies actions one second apart, failing loudly on a refusal, and keeps the event log. */
export function play(state: DebateState, steps: [Actor, Action][], log: DebateEvent[] = []) {
  let t = 1000 + log.length * 1000;
  for (const [seat, action] of steps) {
    const r = apply(state, action, seat, t);
    if (!r.ok) throw new Error(`${seat} ${action.type} refused: ${r.refusal.message}`);
    log.push({ seq: log.length, at: t, seat, action });
    state = r.state;
    t += 1000;
  }
  return { state, log };
}
