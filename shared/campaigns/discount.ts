import type { Campaign } from './model';

export interface DiscountChoice {
  campaignId: string;
  discountFen: number;
}

/** How often a card used each campaign, per fare day. */
export type CampaignUses = Record<string, { day: string; count: number }>;

/**
 * A campaign's discount on an amount of at least its minimum: its percent rounded down to the fen, or
 * its fixed amount (满减), at most its cap and never more than the purchase.
 */
export function discountOf(campaign: Campaign, amountFen: number): number {
  if (amountFen < campaign.minPurchaseFen) return 0;
  const off =
    campaign.fixedOffFen !== undefined
      ? campaign.fixedOffFen
      : Math.floor((amountFen * (campaign.percentOff ?? 0)) / 100);
  return Math.min(off, campaign.maxDiscountFen, amountFen);
}

export function usesLeftToday(campaign: Campaign, uses: CampaignUses | undefined, day: string): number {
  const used = uses?.[campaign.campaignId];
  return campaign.usesPerCardPerFareDay - (used?.day === day ? used.count : 0);
}

export function isRunning(campaign: Campaign, at: Date): boolean {
  return new Date(campaign.startsAt).getTime() <= at.getTime() && at.getTime() <= new Date(campaign.endsAt).getTime();
}

/**
 * The discount a purchase gets: of the campaigns of this merchant running now, with a use left for
 * this card today and not known to be out of budget, the one with the largest discount. They do not
 * stack. Ties go to the campaign id first in order, so the choice is stable.
 */
export function chooseDiscount(
  campaigns: Campaign[],
  purchase: {
    merchantId: string;
    amountFen: number;
    at: Date;
    fareDay: string;
    uses: CampaignUses | undefined;
    outOfBudget: ReadonlySet<string>;
  },
): DiscountChoice | null {
  let best: DiscountChoice | null = null;
  for (const c of [...campaigns].sort((a, b) => a.campaignId.localeCompare(b.campaignId))) {
    if (!c.merchantIds.includes(purchase.merchantId) || !isRunning(c, purchase.at)) continue;
    if (purchase.outOfBudget.has(c.campaignId) || usesLeftToday(c, purchase.uses, purchase.fareDay) <= 0) continue;
    const discountFen = discountOf(c, purchase.amountFen);
    if (discountFen > 0 && (!best || discountFen > best.discountFen)) best = { campaignId: c.campaignId, discountFen };
  }
  return best;
}
