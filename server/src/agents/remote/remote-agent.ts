import { randomBytes } from 'node:crypto';
import { AgentTurnReply, describeIssues, type AgentTurnMessage } from '@arena/shared';
import { InvalidReply, type Agent, type AgentReply, type AgentTurn } from '../agent.ts';

/** What RemoteAgent needs of the gateway. */
export interface TurnChannel {
  request(name: string, message: AgentTurnMessage, signal: AbortSignal): Promise<unknown>;
  /** Counts a refused answer (`refused`) and/or a malformed one, for the researchers' view. */
  note(name: string, counts: { refused: boolean; malformed: boolean }): void;
}

/**
 * A seat played by a remote agent: each turn is sent to a connection of the agent's
 * name and its acknowledgement is the action. The driver around it gives the budget,
 * the one retry after a refusal (sent as a second turn with `refusal` set) and the
 * forfeit. An acknowledgement that does not parse is an InvalidReply, which the driver
 * treats as a refusal. The agent's own meta is kept under `remote` in the event, so it
 * cannot overwrite what the driver records (agent id, seat, latency).
 */
export class RemoteAgent implements Agent {
  private turnId = '';
  private malformedBefore = false;

  readonly id: string;
  private readonly name: string;
  private readonly channel: TurnChannel;

  constructor(id: string, name: string, channel: TurnChannel) {
    this.id = id;
    this.name = name;
    this.channel = channel;
  }

  async act(turn: AgentTurn): Promise<AgentReply> {
    // A turn's second attempt keeps its id, so the agent can tell a retry from a new turn.
    if (!turn.refusal || !this.turnId) this.turnId = randomBytes(9).toString('base64url');
    // The first answer was refused (the second one's refusal is counted with the forfeit it causes).
    if (turn.refusal) this.channel.note(this.name, { refused: true, malformed: this.malformedBefore });
    this.malformedBefore = false;
    const message: AgentTurnMessage = {
      turnId: this.turnId,
      debateId: turn.view.debateId,
      seat: turn.view.seat,
      view: turn.view,
      legal: turn.legal,
      deadline: turn.deadline ?? null,
      attempt: turn.refusal ? 2 : 1,
      ...(turn.refusal ? { refusal: turn.refusal } : {}),
    };
    const started = Date.now();
    const raw = await this.channel.request(this.name, message, turn.signal);
    const parsed = AgentTurnReply.safeParse(raw);
    if (!parsed.success) {
      this.malformedBefore = true;
      if (turn.refusal) this.channel.note(this.name, { refused: false, malformed: true });
      throw new InvalidReply({ code: 'malformed', message: `the acknowledgement is not { turnId?, action, meta? }: ${describeIssues(parsed.error)}` });
    }
    return { action: parsed.data.action, meta: { remoteRoundTripMs: Date.now() - started, ...(parsed.data.meta ? { remote: parsed.data.meta } : {}) } };
  }
}
