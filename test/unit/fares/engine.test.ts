import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSeeds } from '../../../infra/read-seeds';
import {
  EMPTY_TRANSIT_STATE,
  type FareRule,
  priceTap,
  routeProblem,
  type TransitState,
} from '../../../shared/fares/engine';
import type { FareClass } from '../../../shared/fares/fare-table';
import { fareDay } from '../../../shared/time/shanghai';

const table = readSeeds('seeds').fares;
const route = (id: string) => table.routes.find((r) => r.routeId === id)!;

type Step = [kind: 'board' | 'entry' | 'exit', routeId: string, stopId: string, at: string];

/** Runs taps in the given (processing) order, threading the card's state; answers each tap's outcome. */
function ride(fareClass: FareClass, steps: Step[], state: TransitState = EMPTY_TRANSIT_STATE) {
  const out: { charge: number; fare: number; rules: FareRule['rule'][]; decline?: string }[] = [];
  steps.forEach(([kind, routeId, stopId, at], i) => {
    const priced = priceTap(
      table,
      fareClass,
      state,
      { tapId: `t${i}`, kind, routeId, stopId, at: new Date(at) },
      route(routeId),
    );
    if (!priced.ok) {
      out.push({ charge: 0, fare: 0, rules: [], decline: priced.declineCode });
      return;
    }
    state = priced.state;
    out.push({ charge: priced.chargeFen, fare: priced.fareFen, rules: priced.explanation.map((r) => r.rule) });
  });
  return out;
}
const charges = (r: ReturnType<typeof ride>) => r.map((x) => x.charge);
const T = (hhmm: string, day = '2026-11-27') => `${day}T${hhmm}:00+08:00`;

describe('flat fares and classes', () => {
  it.each([
    ['adult', 200],
    ['student', 100],
    ['senior', 0],
    ['disabled', 0],
  ] as const)('a %s pays %i fen on B1', (fareClass, fen) => {
    expect(charges(ride(fareClass, [['board', 'B1', 'B1-S1', T('08:00')]]))).toEqual([fen]);
  });
});

describe('transfers', () => {
  it.each([
    ['B1 then B2 at 60 minutes', 'B2', T('09:00'), 100],
    ['B1 then B2 at 61 minutes', 'B2', T('09:01'), 200],
    ['B1 then B1 again', 'B1', T('08:30'), 200],
  ])('%s', (_name, second, at, fen) => {
    expect(
      charges(
        ride('adult', [
          ['board', 'B1', 'B1-S1', T('08:00')],
          ['board', second, `${second}-S2`, at],
        ]),
      ),
    ).toEqual([200, fen]);
  });

  it('applies the class to the discounted fare (student: (200 - 100) x 50%)', () => {
    expect(
      charges(
        ride('student', [
          ['board', 'B1', 'B1-S1', T('08:00')],
          ['board', 'B2', 'B2-S1', T('08:20')],
        ]),
      ),
    ).toEqual([100, 50]);
  });

  it('carries the transfer found at entry into the zone journey’s fare', () => {
    const r = ride('adult', [
      ['board', 'B1', 'B1-S1', T('08:00')],
      ['entry', 'Z1', 'Z1-S1', T('08:30')],
      ['exit', 'Z1', 'Z1-S3', T('09:00')],
    ]);
    // Held 500 - 100 = 400; zones 1 to 2: 300 - 100 = 200; refund 200.
    expect(charges(r)).toEqual([200, 400, -200]);
    expect(r[2]!.fare).toBe(200);
    expect(r[2]!.rules).toContain('transfer');
  });
});

describe('zone journeys', () => {
  it.each([
    ['same zone', 'Z1-S2', 200, -300],
    ['one zone', 'Z1-S3', 300, -200],
    ['two zones', 'Z1-S5', 400, -100],
    ['three zones (the maximum)', 'Z1-S8', 500, 0],
  ])('from zone 1, %s', (_name, exitStop, fare, refund) => {
    const r = ride('adult', [
      ['entry', 'Z1', 'Z1-S1', T('08:00')],
      ['exit', 'Z1', exitStop, T('08:40')],
    ]);
    expect(charges(r)).toEqual([500, refund]);
    expect(r[1]!.fare).toBe(fare);
  });

  it('keeps the maximum for an entry with no exit within 3 hours (incomplete journey)', () => {
    const r = ride('adult', [
      ['entry', 'Z1', 'Z1-S1', T('08:00')],
      ['exit', 'Z1', 'Z1-S2', T('11:01')],
    ]);
    expect(charges(r)).toEqual([500, 0]);
    expect(r[1]!.decline).toBe('NO_OPEN_JOURNEY');
  });

  it('declines an exit without an entry', () => {
    expect(ride('adult', [['exit', 'Z1', 'Z1-S2', T('08:00')]])[0]!.decline).toBe('NO_OPEN_JOURNEY');
  });

  it('scales a student’s zone fare and refund', () => {
    const r = ride('student', [
      ['entry', 'Z1', 'Z1-S1', T('08:00')],
      ['exit', 'Z1', 'Z1-S3', T('08:40')],
    ]);
    expect(charges(r)).toEqual([250, -100]);
    expect(r[1]!.fare).toBe(150);
  });
});

describe('the daily cap', () => {
  const fiveHoursOfB1 = (day: string): Step[] =>
    ['07:00', '09:00', '11:00', '13:00', '15:00', '17:00'].map((t) => ['board', 'B1', 'B1-S1', T(t, day)] as Step);

  it('stops an adult at 1000 fen a fare day, with the cap in the explanation', () => {
    const r = ride('adult', fiveHoursOfB1('2026-11-27'));
    expect(charges(r)).toEqual([200, 200, 200, 200, 200, 0]);
    expect(r[5]!.rules).toContain('cap');
  });

  it('stops a student at 500 fen', () => {
    expect(charges(ride('student', fiveHoursOfB1('2026-11-27')))).toEqual([100, 100, 100, 100, 100, 0]);
  });

  it('starts a new fare day at 04:00 Shanghai time, not at midnight', () => {
    expect(fareDay(new Date(T('03:59', '2026-11-28')), 4)).toBe('2026-11-27');
    expect(fareDay(new Date(T('04:00', '2026-11-28')), 4)).toBe('2026-11-28');
    const day1 = fiveHoursOfB1('2026-11-27').slice(0, 5);
    const r = ride('adult', [
      ...day1,
      ['board', 'B1', 'B1-S1', T('03:59', '2026-11-28')],
      ['board', 'B1', 'B1-S1', T('04:00', '2026-11-28')],
    ]);
    expect(charges(r).slice(5)).toEqual([0, 200]);
  });

  it('counts what an entry holds, and never charges more at the exit than was held', () => {
    const r = ride('adult', [
      ['board', 'B1', 'B1-S1', T('06:00')],
      ['board', 'B1', 'B1-S1', T('08:00')],
      ['board', 'B1', 'B1-S1', T('10:00')],
      ['board', 'B1', 'B1-S1', T('12:00')],
      ['entry', 'Z1', 'Z1-S1', T('14:00')],
      ['exit', 'Z1', 'Z1-S5', T('14:30')],
    ]);
    // 800 spent: the entry holds what is left of the cap (200); the zone fare is 400 but the journey costs 200.
    expect(charges(r)).toEqual([200, 200, 200, 200, 200, 0]);
    expect(r[5]!.fare).toBe(200);
    expect(r[5]!.rules).toContain('cap');
  });
});

describe('taps that arrive out of order', () => {
  it('completes a late exit after a later tap elsewhere was processed', () => {
    const r = ride('adult', [
      ['entry', 'Z1', 'Z1-S1', T('08:00')],
      ['board', 'B1', 'B1-S1', T('09:30')],
      ['exit', 'Z1', 'Z1-S2', T('08:30')],
    ]);
    expect(charges(r)).toEqual([500, 200, -300]);
  });

  it('finds a late tap’s transfer from the tap before it, not from the last one processed', () => {
    const r = ride('adult', [
      ['board', 'B1', 'B1-S1', T('08:00')],
      ['board', 'B1', 'B1-S1', T('12:00')],
      ['board', 'B2', 'B2-S1', T('08:30')],
    ]);
    expect(charges(r)).toEqual([200, 200, 100]);
  });
});

describe('route checks', () => {
  it('names what is wrong with a tap’s route, stop or kind', () => {
    expect(routeProblem(table, { routeId: 'X9', stopId: 'a', kind: 'board' })?.path).toBe('routeId');
    expect(routeProblem(table, { routeId: 'B1', stopId: 'B2-S1', kind: 'board' })?.path).toBe('stopId');
    expect(routeProblem(table, { routeId: 'B1', stopId: 'B1-S1', kind: 'entry' })?.path).toBe('kind');
    expect(routeProblem(table, { routeId: 'Z1', stopId: 'Z1-S1', kind: 'board' })?.path).toBe('kind');
    expect(routeProblem(table, { routeId: 'Z1', stopId: 'Z1-S1', kind: 'entry' })).toBeNull();
  });
});

describe('the cap as a property', () => {
  const stepArb = fc.record({
    kind: fc.constantFrom('board', 'entry', 'exit'),
    minutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    stop: fc.integer({ min: 1, max: 6 }),
    route: fc.constantFrom('B1', 'B2', 'Z1'),
  });

  it('never lets a fare day’s total pass the cap or go below zero, in any order of taps', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<FareClass>('adult', 'student', 'senior'),
        fc.array(stepArb, { maxLength: 60 }),
        (fareClass, steps) => {
          let state = EMPTY_TRANSIT_STATE;
          const paid = new Map<string, number>();
          const cap = Math.floor((table.dailyCapAdultFen * table.classes[fareClass].multiplierPercent + 50) / 100);
          steps.forEach((s, i) => {
            const r = route(s.route);
            const kind = r.kind === 'flat' ? 'board' : s.kind === 'board' ? 'entry' : s.kind;
            const at = new Date(new Date(T('00:00')).getTime() + s.minutes * 60_000);
            const priced = priceTap(
              table,
              fareClass,
              state,
              { tapId: `t${i}`, kind, routeId: s.route, stopId: `${s.route}-S${s.stop}`, at },
              r,
            );
            if (!priced.ok) return;
            state = priced.state;
            const day =
              priced.journey.kind === 'exit' ? priced.journey.open.fareDay : fareDay(at, table.fareDayStartHour);
            paid.set(day, (paid.get(day) ?? 0) + priced.chargeFen);
            if (kind !== 'exit') expect(priced.chargeFen).toBeGreaterThanOrEqual(0);
            for (const total of paid.values()) {
              expect(total).toBeGreaterThanOrEqual(0);
              expect(total).toBeLessThanOrEqual(cap);
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
