/**
 * Who may take which seat of a live debate: the access policy for room joins. Any
 * transport (the Colyseus room today, later a socket.io gateway) calls
 * `authorizeJoin` before subscribing a connection to a seat.
 */
import {
  describeIssues,
  JOIN_REFUSAL_NUMBERS,
  JoinOptions,
  PROTOCOL_VERSION,
  type DebateHeader,
  type DebateStatus,
  type JoinRefusalCode,
  type Seat,
  type Visibility,
} from '@arena/shared';
import { tokensEqual } from '../tokens.ts';
import { decide } from './policy.ts';
import { resolvePrincipal } from './principal.ts';
import { debateHidden, studyIdOf, viewerOf, type StudyShield } from './study.ts';

/**
 * A refused join. `code` is the number the transport sends (Colyseus passes a thrown
 * error's numeric `code` to the client, whose `joinRefusalOf` maps it back to
 * `refusal`); `refusal` is the typed code of shared/src/protocol/join.ts.
 */
export class JoinRefused extends Error {
  override name = 'JoinRefused';
  readonly code: number;
  readonly refusal: JoinRefusalCode;

  constructor(refusal: JoinRefusalCode, message: string) {
    super(message);
    this.refusal = refusal;
    this.code = JOIN_REFUSAL_NUMBERS[refusal];
  }
}

/** What a join needs to know of the server. */
export interface JoinDeps {
  researcherToken: string;
  /** The scenarios of the studies running now: a debate over one, outside its study, is joined by researchers only. */
  shield: () => Promise<StudyShield>;
  store: {
    seatTokens(id: string): Promise<Map<string, { token: string; claimed: boolean }>>;
    claimSeat(id: string, seat: string): Promise<boolean>;
  };
}

/** A granted seat: the seat, and its token (null for an observer), which the client keeps to rejoin. */
export interface SeatGrant {
  seat: Seat;
  token: string | null;
}

/**
 * Decides a join of the debate `header` (whose visibility is `visibility`) with the
 * client's join options (the transport removes keys of its own first). Returns the seat granted, or throws JoinRefused:
 * malformed options, another protocol version, no such seat, an agent's seat, a
 * missing or wrong token, an open seat already taken, or an observer of a private
 * debate without a token of it or the researcher's. Claiming an open seat is the one
 * side effect (atomic in the store).
 */
export async function authorizeJoin(
  deps: JoinDeps,
  debate: { header: DebateHeader; visibility: Visibility; status?: DebateStatus },
  raw: unknown,
): Promise<SeatGrant> {
  const parsed = JoinOptions.safeParse(raw);
  if (!parsed.success) throw new JoinRefused('malformed', `malformed join options: ${describeIssues(parsed.error)}`);
  const { seat, token, protocol, debateId } = parsed.data;
  const { header } = debate;
  if (protocol !== undefined && protocol !== PROTOCOL_VERSION) {
    throw new JoinRefused('protocol-version', `protocol ${protocol} is not supported; this server speaks protocol ${PROTOCOL_VERSION}`);
  }
  if (debateId !== header.id) throw new JoinRefused('no-such-debate', `no debate "${debateId}"`);
  const tokens = await deps.store.seatTokens(header.id);
  const who = resolvePrincipal({ bearer: token }, { researcherToken: deps.researcherToken, debate: { id: header.id, seatTokens: tokens } });
  const hidden = debateHidden(await deps.shield(), viewerOf(who), { scenarioId: header.scenario.id, studyId: studyIdOf(header) });
  if (hidden) throw new JoinRefused('no-such-debate', `no debate "${debateId}": ${hidden}`);
  if (seat === 'observer') {
    const d = decide(who, { id: header.id, visibility: debate.visibility, status: debate.status ?? 'running' }, { view: 'live', seat: 'observer' });
    if (!d.ok) throw new JoinRefused('not-public', 'this debate is private: observing it needs one of its links or the researcher token');
    return { seat, token: null };
  }
  const config = header.seats[seat];
  if (!config) throw new JoinRefused('no-such-seat', `this debate has no seat ${seat}`);
  if (config.kind === 'agent') throw new JoinRefused('agent-seat', `seat ${seat} is played by an agent`);
  const entry = tokens.get(seat);
  if (!entry) throw new JoinRefused('seat-not-yours', `seat ${seat} has no link`);
  if (token !== undefined) {
    if (!tokensEqual(token, entry.token)) throw new JoinRefused('seat-not-yours', `the link for seat ${seat} is not valid`);
    return { seat, token };
  }
  if (!config.open) throw new JoinRefused('seat-not-yours', `seat ${seat} needs its link`);
  if (!(await deps.store.claimSeat(header.id, seat))) throw new JoinRefused('seat-taken', `seat ${seat} has already been taken`);
  return { seat, token: entry.token };
}
