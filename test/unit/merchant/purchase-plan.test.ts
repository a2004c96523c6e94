import { describe, expect, it } from 'vitest';
import { readSeeds } from '../../../infra/read-seeds';
import type { CardItem } from '../../../shared/cards/cards';
import { campaignBudget, cardPoints, merchantPayable } from '../../../shared/ledger/accounts';
import { type PurchaseInput, planPurchase } from '../../../shared/merchant/purchase-plan';

const tea10 = readSeeds('seeds').campaigns[0]!;
const card = { cardId: 'card_p', balanceFen: 5000, negativeLimitFen: 300 } as unknown as CardItem;
const buy = (amountFen: number, over: Partial<PurchaseInput> = {}): PurchaseInput => ({
  req: { paymentId: 'pay-1', amountFen, credential: 'x', proof: 'y', challenge: 'c' },
  merchantId: 'm-tea',
  terms: { name: 'Old Harbour Teahouse', pointsEarnBasisPoints: 0, pointsSpendMaxPercent: 50 },
  card,
  pointsItem: undefined,
  tableName: 't',
  campaigns: [tea10],
  at: new Date('2026-11-27T12:00:00+08:00'),
  fareDay: '2026-11-27',
  ...over,
});
const none = new Set<string>();

describe('a purchase, planned from plain data', () => {
  it('charges the amount less the best discount, credits the merchant in full and counts the campaign’s use', () => {
    const plan = planPurchase(buy(3000), none);
    if (plan.decline !== undefined) throw new Error(plan.decline);
    expect(plan.result).toMatchObject({
      status: 'accepted',
      discountFen: 300,
      chargedFen: 2700,
      campaignId: 'c-tea10',
    });
    expect(plan.transfer?.postings).toEqual([
      { accountId: 'card_p', amountFen: -2700 },
      { accountId: merchantPayable('m-tea'), amountFen: 3000 },
      { accountId: campaignBudget('c-tea10'), amountFen: -300 },
    ]);
    expect(plan.transfer?.refundableFen).toBe(2700);
    expect(plan.walletAttributes?.card_p).toEqual({ campaignUses: { 'c-tea10': { day: '2026-11-27', count: 1 } } });
  });

  it('goes through without the discount once the campaign’s budget refused it', () => {
    const plan = planPurchase(buy(3000), new Set([`${campaignBudget('c-tea10')}#3`]));
    if (plan.decline !== undefined) throw new Error(plan.decline);
    expect(plan.result).toMatchObject({ discountFen: 0, chargedFen: 3000, campaignId: null });
    expect(plan.transfer?.postings).toHaveLength(2);
  });

  it('needs the whole charge in the balance: the negative limit is for transit only', () => {
    expect(planPurchase(buy(5200, { campaigns: [] }), none)).toEqual({ decline: 'INSUFFICIENT_FUNDS' });
    expect(planPurchase(buy(5000, { campaigns: [] }), none).decline).toBeUndefined();
  });
});

/** A card's points account as a command reads it, holding these lots. */
const pointsHeld = (lots: Record<string, number>) => ({
  accountId: cardPoints('card_p'),
  balanceFen: Object.values(lots).reduce((a, b) => a + b, 0),
  version: 3,
  status: 'active',
  carried: { lots },
});
const earning = { name: 'Old Harbour Teahouse', pointsEarnBasisPoints: 100, pointsSpendMaxPercent: 50 };

describe('a purchase’s alliance points', () => {
  it('earns a point a yuan on what the card paid, funded out of the merchant’s credit, and schedules the lapse', () => {
    const plan = planPurchase(buy(3000, { terms: earning }), none);
    if (plan.decline !== undefined) throw new Error(plan.decline);
    expect(plan.result).toMatchObject({ chargedFen: 2700, pointsEarned: 27, pointsSpent: 0 });
    expect(plan.transfer?.postings).toEqual([
      { accountId: 'card_p', amountFen: -2700 },
      { accountId: merchantPayable('m-tea'), amountFen: 3000 - 27 },
      { accountId: campaignBudget('c-tea10'), amountFen: -300 },
      { accountId: cardPoints('card_p'), amountFen: 27 },
    ]);
    expect(plan.transfer?.points).toEqual({ fundedFen: 27, spentFen: 0 });
    expect(plan.opens).toEqual([cardPoints('card_p')]);
    expect(plan.walletAttributes?.[cardPoints('card_p')]).toEqual({ lots: { '2026-11': 27 } });
    // Earned in November 2026: lapses when December 2027 starts.
    expect(plan.writes?.map((w) => w.item.Put?.Item?.pk)).toEqual(['PTSLAPSE#2027-12']);
  });

  it('spends the oldest points first on what is left after the discount, and earns on the money paid', () => {
    const req = { paymentId: 'pay-1', amountFen: 3000, credential: 'x', proof: 'y', challenge: 'c', points: 300 };
    const plan = planPurchase(
      buy(3000, { req, terms: earning, pointsItem: pointsHeld({ '2026-01': 200, '2026-05': 200 }) }),
      none,
    );
    if (plan.decline !== undefined) throw new Error(plan.decline);
    expect(plan.result).toMatchObject({ discountFen: 300, pointsSpent: 300, chargedFen: 2400, pointsEarned: 24 });
    expect(plan.opens).toBeUndefined();
    expect(plan.walletAttributes?.[cardPoints('card_p')]).toEqual({ lots: { '2026-05': 100, '2026-11': 24 } });
    const sum = (plan.transfer?.postings ?? []).reduce((s, p) => s + p.amountFen, 0);
    expect(sum).toBe(0);
  });

  it('declines INSUFFICIENT_POINTS for more than the card holds, lapsed points not counted', () => {
    const req = { paymentId: 'pay-1', amountFen: 3000, credential: 'x', proof: 'y', challenge: 'c', points: 450 };
    expect(planPurchase(buy(3000, { req, pointsItem: pointsHeld({ '2026-05': 400 }) }), none)).toEqual({
      decline: 'INSUFFICIENT_POINTS',
    });
    // October 2025's points lapsed when November 2026 began, though no job has posted it yet.
    const lapsed = pointsHeld({ '2025-10': 500, '2026-05': 100 });
    expect(planPurchase(buy(3000, { req: { ...req, points: 200 }, pointsItem: lapsed }), none)).toEqual({
      decline: 'INSUFFICIENT_POINTS',
    });
    expect(planPurchase(buy(3000, { req: { ...req, points: 100 }, pointsItem: lapsed }), none).decline).toBeUndefined();
  });
});
