import { describe, expect, it } from 'vitest';
import { addMonths, lapsedBy, lapseMonthOf, monthOf, takeFromLots } from '../../../shared/points/lots';
import { purchasePoints, refundPoints, spendablePoints } from '../../../shared/points/movements';

describe('points lots', () => {
  it.each([
    ['2026-11', 1, '2026-12'],
    ['2026-12', 1, '2027-01'],
    ['2026-01', 13, '2027-02'],
    ['2026-12', 13, '2028-01'],
    ['2027-03', -3, '2026-12'],
  ])('%s plus %i months is %s', (month, n, after) => expect(addMonths(month, n)).toBe(after));

  it('keeps every point at least 12 full months: a month’s lot lapses when the 13th month after it begins', () => {
    expect(lapseMonthOf('2025-12')).toBe('2027-01');
    const lots = { '2025-11': 5, '2025-12': 7, '2026-06': 3 };
    expect(lapsedBy(lots, '2026-12')).toEqual({ points: 5, months: ['2025-11'] });
    expect(lapsedBy(lots, '2027-01')).toEqual({ points: 12, months: ['2025-11', '2025-12'] });
    // The month is Shanghai's: 23:30 UTC on 30 November is already December there.
    expect(monthOf(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12');
  });

  it('spends the oldest first and takes back the newest first, never more than held', () => {
    const lots = { '2026-01': 2, '2026-03': 5, '2026-07': 4 };
    expect(takeFromLots(lots, 6, 'oldest')).toEqual({ '2026-03': 1, '2026-07': 4 });
    expect(takeFromLots(lots, 6, 'newest')).toEqual({ '2026-01': 2, '2026-03': 3 });
    expect(() => takeFromLots(lots, 12, 'oldest')).toThrow();
  });

  it('spends no lapsed point, and earns on the money paid after the points, rounded down', () => {
    const held = { lots: { '2025-10': 50, '2026-05': 30 }, month: '2026-11' };
    expect(spendablePoints(held)).toBe(30);
    expect(purchasePoints(held, { requested: 31, payableFen: 1000, earnBasisPoints: 100 })).toBeNull();
    expect(purchasePoints(held, { requested: 30, payableFen: 1000, earnBasisPoints: 100 })).toEqual({
      spent: 30,
      earned: 9,
      // The lapsed lot stays for the lapse job to post.
      lotsAfter: { '2025-10': 50, '2026-11': 9 },
      openedMonth: '2026-11',
    });
    // Never more than is left to pay.
    expect(purchasePoints(held, { requested: 30, payableFen: 20, earnBasisPoints: 100 })?.spent).toBe(20);
  });

  it('gives refunds their share of the points on the running total, so parts add up to the whole', () => {
    const purchase = { spent: 100, earned: 29, chargedFen: 2900 };
    const held = { lots: { '2026-11': 29 }, month: '2026-11' };
    const first = refundPoints(held, purchase, { beforeFen: 0, afterFen: 1000 });
    const second = refundPoints({ lots: first.lotsAfter, month: '2026-11' }, purchase, {
      beforeFen: 1000,
      afterFen: 2900,
    });
    expect(first.givenBack + second.givenBack).toBe(100);
    expect(first.takenBack + second.takenBack).toBe(29);
    // What the card spent elsewhere stays spent: the take-back stops at what it holds.
    const spentElsewhere = refundPoints({ lots: { '2026-11': 5 }, month: '2026-11' }, purchase, {
      beforeFen: 0,
      afterFen: 2900,
    });
    expect(spentElsewhere).toMatchObject({ givenBack: 100, takenBack: 5, lotsAfter: { '2026-11': 100 } });
  });
});
