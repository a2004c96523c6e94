import { type CampaignUses, chooseDiscount } from '../campaigns/discount';
import type { Campaign } from '../campaigns/model';
import type { CardItem } from '../cards/cards';
import type { Acceptance } from '../credentials/pipeline';
import { campaignBudget, merchantPayable } from '../ledger/accounts';
import type { PurchaseRequest, PurchaseResult } from './model';

/**
 * A purchase's money movement, when it moves any; the purchase's record (its answer, accepted or
 * declined) is kept at this transfer's key, like a tap's: one conditional put is the idempotency anchor
 * of the paymentId and of the money, and a declined purchase's record carries no postings.
 */
export const purchaseTransferId = (paymentId: string) => `purchase:${paymentId}`;

/** What a purchase's plan is made from: plain data and the time it is made at. */
export interface PurchaseInput {
  req: PurchaseRequest;
  merchantId: string;
  /** What the statement line names the merchant by. */
  merchantName?: string | undefined;
  card: CardItem;
  campaigns: Campaign[];
  at: Date;
  /** The fare day of `at`: a campaign's "per day". */
  fareDay: string;
}

/**
 * An accepted presentation's purchase: the best discount of the campaigns running here that still have
 * budget (a campaign whose budget shard refused an earlier attempt is left out), the whole charge in
 * the balance (the negative limit is for transit only), the card charged the amount less the discount,
 * the merchant credited the whole amount, the campaign's budget paying the discount, and the card's use
 * of the campaign counted for the day.
 */
export function planPurchase(
  { req, merchantId, merchantName, card, campaigns, at, fareDay }: PurchaseInput,
  exhaustedShards: ReadonlySet<string>,
): Acceptance<PurchaseResult, never> {
  const outOfBudget = new Set([...exhaustedShards].map((s) => s.replace(/^campaign:(.+):budget#\d+$/, '$1')));
  const uses = card.campaignUses as CampaignUses | undefined;
  const choice = chooseDiscount(campaigns, { merchantId, amountFen: req.amountFen, at, fareDay, uses, outOfBudget });
  const discountFen = choice?.discountFen ?? 0;
  const chargedFen = req.amountFen - discountFen;
  if (card.balanceFen < chargedFen) return { decline: 'INSUFFICIENT_FUNDS' };

  const result: PurchaseResult = {
    paymentId: req.paymentId,
    status: 'accepted',
    amountFen: req.amountFen,
    discountFen,
    chargedFen,
    campaignId: choice?.campaignId ?? null,
  };
  const usesAfter: CampaignUses = { ...uses };
  if (choice) {
    const used = usesAfter[choice.campaignId];
    usesAfter[choice.campaignId] = { day: fareDay, count: used?.day === fareDay ? used.count + 1 : 1 };
  }
  return {
    transfer: {
      transferId: purchaseTransferId(req.paymentId),
      kind: 'purchase',
      at: at.toISOString(),
      description: choice
        ? `Purchase at ${merchantName ?? merchantId} (${choice.campaignId}: ${discountFen} fen off)`
        : `Purchase at ${merchantName ?? merchantId}`,
      ref: req.paymentId,
      // Refunds give back what the card paid; the campaign's share follows in proportion.
      refundableFen: chargedFen,
      postings: [
        { accountId: card.cardId, amountFen: -chargedFen },
        { accountId: merchantPayable(merchantId), amountFen: req.amountFen },
        ...(choice ? [{ accountId: campaignBudget(choice.campaignId), amountFen: -discountFen }] : []),
      ],
    },
    walletAttributes: { [card.cardId]: { campaignUses: usesAfter } },
    result,
  };
}
