import { describe, expect, it } from 'vitest';
import { isDebaterSeat, roleOf, rulesFor, Seat, seatRole, setup, viewerRole, viewFor } from '@arena/shared';
import { LIGHTHOUSE } from '../helpers/fixtures.ts';

const SEATS = Seat.options;

describe('seat → role, decided in roles.ts', () => {
  it('by name alone: A–D argue, the judge judges, an observer watches', () => {
    expect(Object.fromEntries(SEATS.map((s) => [s, seatRole(s)]))).toEqual({ A: 'debater', B: 'debater', C: 'debater', D: 'debater', judge: 'judge', observer: 'observer' });
    expect(SEATS.filter(isDebaterSeat)).toEqual(['A', 'B', 'C', 'D']);
    expect(isDebaterSeat('system')).toBe(false);
  });

  it('in a debate: a debater seat it does not have acts as nobody and views as an observer; every view says the same role', () => {
    for (const preset of ['debate', 'consultancy', 'blind'] as const) {
      const state = setup({ id: `roles-${preset}`, scenario: LIGHTHOUSE, rules: rulesFor(preset), seed: 'roles', createdAt: 0 });
      const { header } = state;
      for (const seat of SEATS) {
        const role = roleOf(header, seat);
        expect(viewerRole(header, seat), `${preset} ${seat}`).toBe(role ?? 'observer');
        expect(viewFor(state, seat).role, `${preset} ${seat}`).toBe(viewerRole(header, seat));
        if (role !== null) expect(role).toBe(seatRole(seat));
      }
      expect(roleOf(header, 'system')).toBe('system');
      expect(roleOf(header, 'C')).toBeNull();
    }
  });
});
