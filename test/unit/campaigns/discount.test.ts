import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSeeds } from '../../../infra/read-seeds';
import { chooseDiscount, discountOf } from '../../../shared/campaigns/discount';
import type { Campaign } from '../../../shared/campaigns/model';
import { discountShareFen } from '../../../shared/merchant/refunds';

const tea10 = readSeeds('seeds').campaigns[0]!;
const at = new Date('2026-11-27T12:00:00+08:00');
const base = { merchantId: 'm-tea', at, fareDay: '2026-11-27', uses: undefined, outOfBudget: new Set<string>() };
const flat500: Campaign = {
  ...tea10,
  campaignId: 'c-flat',
  name: 'flat',
  percentOff: 50,
  maxDiscountFen: 500,
  minPurchaseFen: 0,
};

describe('choosing a discount', () => {
  it.each([
    [1999, 0],
    [2000, 200],
    [2999, 299],
    [10_000, 1000],
    [50_000, 1000],
  ])('c-tea10 takes %i fen down by %i (10%, rounded down, at most 1000)', (amount, discount) => {
    expect(discountOf(tea10, amount)).toBe(discount);
  });

  it('takes the largest discount when several fit, and never stacks them', () => {
    expect(chooseDiscount([tea10, flat500], { ...base, amountFen: 3000 })).toEqual({
      campaignId: 'c-flat',
      discountFen: 500,
    });
    expect(chooseDiscount([tea10, flat500], { ...base, amountFen: 9000 })).toEqual({
      campaignId: 'c-tea10',
      discountFen: 900,
    });
  });

  it('skips a campaign out of budget, used up today, of another merchant, or not running', () => {
    expect(chooseDiscount([tea10, flat500], { ...base, amountFen: 3000, outOfBudget: new Set(['c-flat']) })).toEqual({
      campaignId: 'c-tea10',
      discountFen: 300,
    });
    const usedToday = { 'c-tea10': { day: '2026-11-27', count: 1 } };
    expect(chooseDiscount([tea10], { ...base, amountFen: 3000, uses: usedToday })).toBeNull();
    expect(
      chooseDiscount([tea10], { ...base, amountFen: 3000, uses: { 'c-tea10': { day: '2026-11-26', count: 1 } } }),
    ).not.toBeNull();
    expect(chooseDiscount([tea10], { ...base, amountFen: 3000, merchantId: 'm-books' })).toBeNull();
    expect(chooseDiscount([tea10], { ...base, amountFen: 3000, at: new Date('2030-01-01T00:00:00+08:00') })).toBeNull();
  });
});

describe('fixed-amount offers (满减)', () => {
  // Spend at least 50 yuan, 8 yuan off, beside the seeded 10% off at 20 yuan.
  const fullReduction: Campaign = {
    ...tea10,
    campaignId: 'c-5000-800',
    name: '50 off 8',
    percentOff: undefined,
    fixedOffFen: 800,
    minPurchaseFen: 5000,
    maxDiscountFen: 800,
  };

  it.each([
    [4999, 0],
    [5000, 800],
    [20_000, 800],
  ])('takes %i fen down by %i: the fixed amount at or past the minimum, nothing below it', (amount, discount) => {
    expect(discountOf(fullReduction, amount)).toBe(discount);
  });

  it('is one campaign among the others: the largest discount wins, never both', () => {
    // 6000 fen: 10% is 600, the fixed offer 800; 9000: 900 against 800.
    expect(chooseDiscount([tea10, fullReduction], { ...base, amountFen: 6000 })).toEqual({
      campaignId: 'c-5000-800',
      discountFen: 800,
    });
    expect(chooseDiscount([tea10, fullReduction], { ...base, amountFen: 9000 })).toEqual({
      campaignId: 'c-tea10',
      discountFen: 900,
    });
  });

  it('never takes more than the purchase, whatever the offer says', () => {
    const generous = { ...fullReduction, fixedOffFen: 5000, maxDiscountFen: 9000, minPurchaseFen: 0 };
    expect(discountOf(generous, 1200)).toBe(1200);
  });
});

describe('the discount’s share of refunds', () => {
  it('adds up to exactly the discount over any split of the charge, and never more', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 20 }),
        (chargedFen, rawDiscount, weights) => {
          const discountFen = Math.min(rawDiscount, chargedFen);
          const payment = { chargedFen, discountFen };
          const total = weights.reduce((a, b) => a + b, 0);
          let refunded = 0;
          let shares = 0;
          weights.forEach((w, i) => {
            const part = i === weights.length - 1 ? chargedFen - refunded : Math.floor((chargedFen * w) / total);
            const share = discountShareFen(payment, refunded + part) - discountShareFen(payment, refunded);
            expect(share).toBeGreaterThanOrEqual(0);
            refunded += part;
            shares += share;
            expect(shares).toBeLessThanOrEqual(discountFen);
          });
          expect(shares).toBe(discountFen);
        },
      ),
    );
  });
});
