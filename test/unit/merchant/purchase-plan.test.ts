import { describe, expect, it } from 'vitest';
import { readSeeds } from '../../../infra/read-seeds';
import type { CardItem } from '../../../shared/cards/cards';
import { campaignBudget, merchantPayable } from '../../../shared/ledger/accounts';
import { type PurchaseInput, planPurchase } from '../../../shared/merchant/purchase-plan';

const tea10 = readSeeds('seeds').campaigns[0]!;
const card = { cardId: 'card_p', balanceFen: 5000, negativeLimitFen: 300 } as unknown as CardItem;
const buy = (amountFen: number, over: Partial<PurchaseInput> = {}): PurchaseInput => ({
  req: { paymentId: 'pay-1', amountFen, credential: 'x', proof: 'y', challenge: 'c' },
  merchantId: 'm-tea',
  card,
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
