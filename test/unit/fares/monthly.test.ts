import { describe, expect, it } from 'vitest';
import { readSeeds } from '../../../infra/read-seeds';
import { EMPTY_TRANSIT_STATE, monthlyTier, priceTap, type TransitState } from '../../../shared/fares/engine';
import type { FareClass } from '../../../shared/fares/fare-table';

const table = readSeeds('seeds').fares;
const route = (id: string) => table.routes.find((r) => r.routeId === id)!;
const T = (hhmm: string, day = '2026-12-10') => new Date(`${day}T${hhmm}:00+08:00`);

/** One tap on a card that has paid `paidFen` for rides in December, on a fare day of its own. */
function tapAfter(paidFen: number, options: { fareClass?: FareClass; at?: Date; state?: TransitState } = {}) {
  const state = options.state ?? { ...EMPTY_TRANSIT_STATE, months: { '2026-12': paidFen } };
  const priced = priceTap(
    table,
    options.fareClass ?? 'adult',
    state,
    { tapId: 't1', kind: 'board', routeId: 'B1', stopId: 'B1-S1', at: options.at ?? T('08:00') },
    route('B1'),
  );
  if (!priced.ok) throw new Error(priced.declineCode);
  return priced;
}

describe('the monthly ride discount (Beijing’s tiers, seeded)', () => {
  it.each([
    [0, 200, 100],
    [9_999, 200, 100],
    [10_000, 160, 80],
    [14_999, 160, 80],
    [15_000, 100, 50],
    [39_999, 100, 50],
    [40_000, 200, 100],
  ])('after %i fen paid this month, an adult’s 200 fen ride costs %i (%i%%)', (paidFen, fareFen, percent) => {
    const priced = tapAfter(paidFen);
    expect(priced.chargeFen).toBe(fareFen);
    const rule = priced.explanation.find((r) => r.rule === 'monthly');
    expect(rule).toMatchObject({ fen: fareFen - 200 });
    // It names the tier and the month's spend before and after the ride.
    expect(rule?.text).toContain(`${percent}% for 2026-12`);
    expect(rule?.text).toContain(`${paidFen} fen paid for rides before this one, ${paidFen + fareFen} after`);
    expect(priced.state.months['2026-12']).toBe(paidFen + fareFen);
  });

  it('applies after the transfer and the class, and before the daily cap', () => {
    // A student transferring: 200 - 100 transfer = 100, 50% class = 50, 80% tier = 40.
    const board = tapAfter(12_000, { fareClass: 'student' });
    const state = { ...board.state };
    const transfer = priceTap(
      table,
      'student',
      state,
      { tapId: 't2', kind: 'board', routeId: 'B2', stopId: 'B2-S1', at: T('08:30') },
      route('B2'),
    );
    if (!transfer.ok) throw new Error('declined');
    expect(transfer.explanation.map((r) => r.rule)).toEqual(['base', 'transfer', 'concession', 'monthly']);
    expect(transfer.chargeFen).toBe(40);
    // Near the day's cap, the cap takes what the tier left: the month counts what the card paid.
    const nearCap = { ...EMPTY_TRANSIT_STATE, days: { '2026-12-10': 950 }, months: { '2026-12': 20_000 } };
    const capped = tapAfter(0, { state: nearCap });
    expect(capped.explanation.map((r) => r.rule)).toEqual(['base', 'monthly', 'cap']);
    expect(capped.chargeFen).toBe(50);
    expect(capped.state.months['2026-12']).toBe(20_050);
  });

  it('counts a ride to the month of its fare day: 02:00 on the 1st is still last month’s', () => {
    const state = { ...EMPTY_TRANSIT_STATE, months: { '2026-11': 15_000, '2026-12': 0 } };
    const lateNight = tapAfter(0, { state, at: T('02:00', '2026-12-01') });
    expect(lateNight.chargeFen).toBe(100);
    expect(lateNight.state.months).toEqual({ '2026-11': 15_100, '2026-12': 0 });
    const morning = tapAfter(0, { state, at: T('06:00', '2026-12-01') });
    expect(morning.chargeFen).toBe(200);
  });

  it('prices a zone journey at the tier it entered at, and counts its final fare to the month', () => {
    const start = { ...EMPTY_TRANSIT_STATE, months: { '2026-12': 10_000 } };
    const entry = priceTap(
      table,
      'adult',
      start,
      { tapId: 'z1', kind: 'entry', routeId: 'Z1', stopId: 'Z1-S1', at: T('08:00') },
      route('Z1'),
    );
    if (!entry.ok) throw new Error('declined');
    const max = route('Z1');
    if (max.kind !== 'zonal') throw new Error('Z1 is zonal');
    expect(entry.chargeFen).toBe(Math.floor((max.maxAdultFareFen * 80 + 50) / 100));
    // Rides in between take the month past 15000: the journey keeps its 80%.
    const between = { ...entry.state, months: { '2026-12': 15_500 } };
    const exit = priceTap(
      table,
      'adult',
      between,
      { tapId: 'z2', kind: 'exit', routeId: 'Z1', stopId: 'Z1-S2', at: T('08:20') },
      route('Z1'),
    );
    if (!exit.ok) throw new Error('declined');
    expect(exit.explanation.find((r) => r.rule === 'monthly')?.text).toContain('80%');
    const refund = -exit.chargeFen;
    expect(exit.state.months['2026-12']).toBe(15_500 - refund);
    expect(exit.fareFen).toBe(entry.chargeFen - refund);
  });

  it('says where the next tier starts', () => {
    expect(monthlyTier(table, 9_000)).toMatchObject({ percent: 100, next: { fromFen: 10_000, percent: 80 } });
    expect(monthlyTier(table, 41_000)).toMatchObject({ percent: 100, next: undefined });
  });
});
