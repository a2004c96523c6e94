import { type CampaignUses, chooseDiscount } from '../campaigns/discount';
import type { Campaign } from '../campaigns/model';
import type { MerchantTerms } from '../campaigns/store';
import type { CardItem } from '../cards/cards';
import type { Acceptance } from '../credentials/pipeline';
import { campaignBudget, cardPoints, merchantPayable } from '../ledger/accounts';
import { pointsHeldOf, pointsPlanParts } from '../points/account';
import { monthOf } from '../points/lots';
import { purchasePoints } from '../points/movements';
import type { Item } from '../store/items';
import type { PurchaseDeclineCode, PurchaseRequest, PurchaseResult } from './model';

/**
 * A purchase's money movement, when it moves any; the purchase's record (its answer, accepted or
 * declined) is kept at this transfer's key, like a tap's: one conditional put is the idempotency anchor
 * of the paymentId and of the money, and a declined purchase's record carries no postings.
 */
export const purchaseTransferId = (paymentId: string) => `purchase:${paymentId}`;
/** The payment a transfer id names, if it is a purchase's. */
export const purchasePaymentId = (transferId: string) =>
  transferId.startsWith('purchase:') ? transferId.slice('purchase:'.length) : undefined;

/** What a purchase's plan is made from: plain data and the time it is made at. */
export interface PurchaseInput {
  req: PurchaseRequest;
  merchantId: string;
  /** Its name on the statement line and its points terms, as the catalogue has them. */
  terms: MerchantTerms;
  card: CardItem;
  /** The card's points account as read (undefined: none yet). */
  pointsItem: Item | undefined;
  campaigns: Campaign[];
  at: Date;
  /** The fare day of `at`: a campaign's "per day". */
  fareDay: string;
  tableName: string;
}

/**
 * An accepted presentation's purchase: the best discount of the campaigns running here that still have
 * budget (a campaign whose budget shard refused an earlier attempt is left out), then the points the
 * POS asked to spend (the phone's proof covered them) on what is left, the rest charged to the balance
 * (the negative limit is for transit only). The merchant is credited the whole amount less the points
 * its customer earns on the money paid, the campaign's budget pays the discount, the card's points
 * pay their part, and the card's use of the campaign is counted for the day.
 */
export function planPurchase(
  input: PurchaseInput,
  exhaustedShards: ReadonlySet<string>,
): Acceptance<PurchaseResult, PurchaseDeclineCode> {
  const { req, merchantId, terms, card, campaigns, at, fareDay } = input;
  const outOfBudget = new Set([...exhaustedShards].map((s) => s.replace(/^campaign:(.+):budget#\d+$/, '$1')));
  const uses = card.campaignUses as CampaignUses | undefined;
  const choice = chooseDiscount(campaigns, { merchantId, amountFen: req.amountFen, at, fareDay, uses, outOfBudget });
  const discountFen = choice?.discountFen ?? 0;
  const held = pointsHeldOf(input.pointsItem, monthOf(at));
  const points = purchasePoints(held, {
    requested: req.points ?? 0,
    payableFen: req.amountFen - discountFen,
    earnBasisPoints: terms.pointsEarnBasisPoints,
  });
  if (!points) return { decline: 'INSUFFICIENT_POINTS' };
  const chargedFen = req.amountFen - discountFen - points.spent;
  if (card.balanceFen < chargedFen) return { decline: 'INSUFFICIENT_FUNDS' };

  const result: PurchaseResult = {
    paymentId: req.paymentId,
    status: 'accepted',
    amountFen: req.amountFen,
    discountFen,
    chargedFen,
    campaignId: choice?.campaignId ?? null,
    pointsSpent: points.spent,
    pointsEarned: points.earned,
  };
  const usesAfter: CampaignUses = { ...uses };
  if (choice) {
    const used = usesAfter[choice.campaignId];
    usesAfter[choice.campaignId] = { day: fareDay, count: used?.day === fareDay ? used.count + 1 : 1 };
  }
  const moved = points.spent > 0 || points.earned > 0;
  const pointsParts = moved ? pointsPlanParts(input.tableName, card.cardId, held, points) : {};
  const name = terms.name ?? merchantId;
  return {
    transfer: {
      transferId: purchaseTransferId(req.paymentId),
      kind: 'purchase',
      at: at.toISOString(),
      description: choice
        ? `Purchase at ${name} (${choice.campaignId}: ${discountFen} fen off)`
        : `Purchase at ${name}`,
      ref: req.paymentId,
      // Refunds give back what the card paid; the campaign's share and the points follow in proportion.
      refundableFen: chargedFen,
      postings: [
        { accountId: card.cardId, amountFen: -chargedFen },
        { accountId: merchantPayable(merchantId), amountFen: req.amountFen - points.earned },
        ...(choice ? [{ accountId: campaignBudget(choice.campaignId), amountFen: -discountFen }] : []),
        ...(moved ? [{ accountId: cardPoints(card.cardId), amountFen: points.earned - points.spent }] : []),
      ],
      ...(moved ? { points: { fundedFen: points.earned, spentFen: points.spent } } : {}),
    },
    ...pointsParts,
    walletAttributes: { ...pointsParts.walletAttributes, [card.cardId]: { campaignUses: usesAfter } },
    result,
  };
}
