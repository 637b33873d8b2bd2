import { describe, expect, it } from 'vitest';
import { JOIN_REFUSAL_CODES, JOIN_REFUSAL_NUMBERS, joinRefusalOf } from '@arena/shared';
import { joinErrorMessage } from '../../client/src/join-error.ts';
import { JoinRefused } from '../../server/src/access/join.ts';

/** The shape the Colyseus SDK rejects joinOrCreate with: a MatchMakeError or ServerError carrying a numeric code. */
class SdkError extends Error {
  readonly code: number;

  constructor(message: string, code: number) {
    super(message);
    this.code = code;
  }
}

describe('typed join refusals', () => {
  it('every refusal code has its own number, a valid HTTP status clear of Colyseus codes', () => {
    const numbers = JOIN_REFUSAL_CODES.map((c) => JOIN_REFUSAL_NUMBERS[c]);
    expect(new Set(numbers).size).toBe(JOIN_REFUSAL_CODES.length);
    for (const n of numbers) {
      expect(n).toBeGreaterThanOrEqual(460);
      expect(n).toBeLessThan(470);
    }
  });

  it('a refusal thrown by the server maps back to its code on the client', () => {
    for (const code of JOIN_REFUSAL_CODES) {
      const thrown = new JoinRefused(code, `because ${code}`);
      // What the client receives: the number and the message, not the class.
      expect(joinRefusalOf(new SdkError(thrown.message, thrown.code))).toEqual({ code, message: `because ${code}` });
    }
  });

  it('an error that is no refusal (a network failure, a Colyseus code) maps to null', () => {
    expect(joinRefusalOf(new SdkError('connect ECONNREFUSED', 0))).toBeNull();
    expect(joinRefusalOf(new SdkError('onAuth failed', 525))).toBeNull();
    expect(joinRefusalOf(new Error('fetch failed'))).toBeNull();
    expect(joinRefusalOf('text')).toBeNull();
  });

  it('the page tells a person what to do, by code', () => {
    const msg = (code: (typeof JOIN_REFUSAL_CODES)[number], text: string) => joinErrorMessage(new SdkError(text, JOIN_REFUSAL_NUMBERS[code]));
    expect(msg('seat-not-yours', 'seat A needs its link')).toBe('seat A needs its link. Open the exact link you were given for this seat.');
    expect(msg('seat-taken', 'seat B has already been taken')).toMatch(/^seat B has already been taken\. Someone else has this seat/);
    expect(msg('not-public', 'anything')).toBe('This debate is private: only its participants and researchers can watch it.');
    expect(msg('agent-seat', 'seat A is played by an agent')).toMatch(/played by an agent: nobody can take it/);
    // A message that merely looks like a code is not read as one.
    expect(joinErrorMessage(new Error('seat-taken: spoofed'))).toBe('Could not join: seat-taken: spoofed');
    expect(joinErrorMessage(new Error(''))).toBe('Could not join: the server is unreachable');
    for (const code of JOIN_REFUSAL_CODES) expect(msg(code, 'x').length).toBeGreaterThan(10);
  });
});
