/**
 * The replay agent: plays a debater seat of a re-judging debate by returning, for each
 * of its seat's turns, that seat's speech of the same speech round in the original
 * debate. Its id is `replay:<originalId>`; the original is read from the transcript
 * source its kind was built with (the server's store, the CLI's store) when it first acts.
 */
import { replay, type ClientAction, type DebaterSeat, type TranscriptRecord } from '@arena/shared';
import type { Agent, AgentReply, AgentTurn } from '../agents/agent.ts';
import type { AgentKind } from '../agents/registry.ts';

export const REPLAY_PREFIX = 'replay:';

export const replayAgentId = (originalId: string): string => `${REPLAY_PREFIX}${originalId}`;

/** Where replay agents find original transcripts. */
export type TranscriptSource = (id: string) => Promise<TranscriptRecord | null>;


/**
 * The speeches of each debater seat by speech-round ordinal (0 = the first speech
 * round), from the completed speech rounds of the original only: what any observer of
 * the original could already see. Turns that were empty (timed out, forfeited) are absent.
 */
export function speechesByRound(original: TranscriptRecord): { rounds: number; speeches: Map<DebaterSeat, Map<number, ClientAction>> } {
  const speeches = new Map<DebaterSeat, Map<number, ClientAction>>();
  let ordinal = 0;
  const final = replay(original.header, original.events, (state, event) => {
    if (event.action.type === 'speech') {
      const seat = event.seat as DebaterSeat;
      const bySeat = speeches.get(seat) ?? new Map<number, ClientAction>();
      bySeat.set(ordinal, event.action);
      speeches.set(seat, bySeat);
    }
    ordinal = state.speechRounds;
  });
  const rounds = final.speechRounds;
  for (const bySeat of speeches.values()) for (const k of [...bySeat.keys()]) if (k >= rounds) bySeat.delete(k);
  return { rounds, speeches };
}

export class ReplayAgent implements Agent {
  private loaded: Promise<ReturnType<typeof speechesByRound>> | null = null;

  readonly id: string;
  readonly originalId: string;
  private readonly load: TranscriptSource;

  constructor(id: string, originalId: string, load: TranscriptSource) {
    this.id = id;
    this.originalId = originalId;
    this.load = load;
  }

  private speeches(): Promise<ReturnType<typeof speechesByRound>> {
    this.loaded ??= this.load(this.originalId).then((record) => {
      if (!record) throw new Error(`replay: no stored debate "${this.originalId}"`);
      return speechesByRound(record);
    });
    // A failed load is retried on the next turn.
    this.loaded.catch(() => (this.loaded = null));
    return this.loaded;
  }

  async act(turn: AgentTurn): Promise<AgentReply> {
    const seat = turn.view.seat as DebaterSeat;
    const round = turn.view.speechRounds;
    if (turn.refusal) throw new Error(`replay: the original speech of seat ${seat} in speech round ${round + 1} was refused: ${turn.refusal.message}`);
    const { speeches } = await this.speeches();
    const action = speeches.get(seat)?.get(round);
    if (!action) throw new Error(`replay: seat ${seat} has no speech in speech round ${round + 1} of "${this.originalId}" (it was empty or timed out)`);
    return { action: structuredClone(action), meta: { replayOf: this.originalId, speechRound: round + 1 } };
  }
}

/** `replay:<originalId>`: plays back a stored debater's speeches, whatever the evidence, read from `source`. */
export function replayKind(source: TranscriptSource): AgentKind {
  return {
    parse: (id) => (id.startsWith(REPLAY_PREFIX) ? { kind: 'replay', id, originalId: id.slice(REPLAY_PREFIX.length) } : null),
    ids: () => [],
    capabilities: () => ({ roles: ['debater'], evidence: ['passage', 'image'] }),
    make: (a) => new ReplayAgent(a.id, a.id.slice(REPLAY_PREFIX.length), source),
  };
}
