/**
 * Why a join was refused. The server refuses a join by throwing an error whose
 * numeric `code` is one of JOIN_REFUSAL_NUMBERS; the Colyseus SDK rejects
 * `joinOrCreate` with an error carrying that number in `code`, and
 * `joinRefusalOf(err)` maps it back to the typed code. Programs switch on the code;
 * the message is for people.
 */
export const JOIN_REFUSAL_CODES = [
  /** The join options do not parse (an unknown key, a seat that is no seat). */
  'malformed',
  /** The client speaks another protocol version. */
  'protocol-version',
  /** There is no debate with this id. */
  'no-such-debate',
  /** The debate has no such seat (seat C in a two-answer debate). */
  'no-such-seat',
  /** The seat is played by an agent: nobody may join it. */
  'agent-seat',
  /** The seat needs its link's token, and none or a wrong one was given. */
  'seat-not-yours',
  /** An open seat someone else has already claimed. */
  'seat-taken',
  /** An observer of a private debate without the researcher token or one of its seats' tokens. */
  'not-public',
  /**
   * Over a connection limit: the address already holds as many connections as one
   * address may (ARENA_CONNECTIONS_PER_ADDRESS), or the debate has as many observers as
   * one debate may (ARENA_OBSERVERS_PER_DEBATE). The message says which.
   */
  'too-many-connections',
  /** Something failed on the server; nothing was granted. */
  'server-error',
] as const;
export type JoinRefusalCode = (typeof JOIN_REFUSAL_CODES)[number];

/**
 * The number each refusal travels as: the code of the failed join. A refusal found
 * while the room is being created reaches the client through the matchmaker's HTTP
 * answer, whose status it becomes, so the numbers are valid HTTP statuses; 460–469 is
 * unassigned by HTTP and clear of Colyseus's own codes (520–526, 1000–1015, 4000–4217).
 */
export const JOIN_REFUSAL_NUMBERS: Record<JoinRefusalCode, number> = {
  malformed: 460,
  'protocol-version': 461,
  'no-such-debate': 462,
  'no-such-seat': 463,
  'agent-seat': 464,
  'seat-not-yours': 465,
  'seat-taken': 466,
  'not-public': 467,
  'too-many-connections': 468,
  'server-error': 469,
};

const BY_NUMBER = new Map<number, JoinRefusalCode>(Object.entries(JOIN_REFUSAL_NUMBERS).map(([code, n]) => [n, code as JoinRefusalCode]));

/** A join refusal as a client sees it. */
export interface JoinRefusal {
  code: JoinRefusalCode;
  message: string;
}

/**
 * The typed refusal in an error from `joinOrCreate` (a Colyseus ServerError with a
 * numeric `code`), or null when the error is not a join refusal (a network failure).
 */
export function joinRefusalOf(err: unknown): JoinRefusal | null {
  if (!err || typeof err !== 'object') return null;
  const { code, message } = err as { code?: unknown; message?: unknown };
  const typed = typeof code === 'number' ? BY_NUMBER.get(code) : undefined;
  return typed ? { code: typed, message: typeof message === 'string' ? message : '' } : null;
}
