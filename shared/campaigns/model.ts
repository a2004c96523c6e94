import { z } from 'zod';
import { isPrintable, NOT_PRINTABLE } from '../text/printable';

/** A merchant's points terms where its catalogue entry names none (entries made before points): the seed's. */
export const DEFAULT_POINTS_TERMS = { pointsEarnBasisPoints: 100, pointsSpendMaxPercent: 50 } as const;

export const MerchantSchema = z.strictObject({
  merchantId: z
    .string()
    .min(1)
    .max(32)
    .refine(isPrintable, NOT_PRINTABLE)
    .describe('The merchant’s id, as POS clients are scoped to it'),
  name: z.string().min(1).max(200).refine(isPrintable, NOT_PRINTABLE).describe('The merchant’s name on statements'),
  /** What the merchant pays the city at settlement, in basis points of its net sales. */
  feeBasisPoints: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(0)
    .describe('The city’s fee at settlement, in basis points of net sales'),
  pointsEarnBasisPoints: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(DEFAULT_POINTS_TERMS.pointsEarnBasisPoints)
    .describe(
      'Alliance points a purchase here earns, in basis points of what the card paid (1 point = 1 fen; 100 = 1 point a yuan), funded by this merchant: 0 to 10000 (0-100%)',
    ),
  pointsSpendMaxPercent: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(DEFAULT_POINTS_TERMS.pointsSpendMaxPercent)
    .describe('At most this percent of a purchase here may be paid with points'),
});
export type Merchant = z.infer<typeof MerchantSchema>;

/** A merchant-alliance discount paid from its own budget account. */
export const CampaignSchema = z.strictObject({
  campaignId: z
    .string()
    .min(1)
    .max(32)
    .refine(isPrintable, NOT_PRINTABLE)
    .describe('The campaign’s id; a repeat with the same id replaces nothing (409)'),
  name: z
    .string()
    .min(1)
    .max(200)
    .refine(isPrintable, NOT_PRINTABLE)
    .describe('Shown on the purchase and the statement'),
  merchantIds: z
    .array(z.string().min(1).max(32).refine(isPrintable, NOT_PRINTABLE))
    .min(1)
    .max(1000)
    .describe('The merchants where it applies'),
  percentOff: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('A percent-off offer: the discount in percent of the purchase, rounded down to the fen'),
  fixedOffFen: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe('A fixed-amount offer (满减): this much off a purchase of at least minPurchaseFen'),
  minPurchaseFen: z.number().int().min(0).describe('Purchases below this get no discount'),
  maxDiscountFen: z.number().int().min(1).describe('The most one purchase is discounted'),
  usesPerCardPerFareDay: z.number().int().min(1).max(100).describe('How often one card gets it in a fare day'),
  budgetFen: z
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .describe('Funded by the campaign’s sponsor; when it cannot cover a discount, purchases go through without it'),
  startsAt: z.iso.datetime({ offset: true }).describe('First moment it applies'),
  endsAt: z.iso.datetime({ offset: true }).describe('It applies before this moment'),
});
export type Campaign = z.infer<typeof CampaignSchema>;

/** A campaign is one kind of offer: percent off or a fixed amount off, never both, never neither. */
export function offerKindProblem(campaign: Pick<Campaign, 'percentOff' | 'fixedOffFen'>, ctx: z.RefinementCtx) {
  if ((campaign.percentOff === undefined) === (campaign.fixedOffFen === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['percentOff'], message: 'give exactly one of percentOff and fixedOffFen' });
  }
}

/** A campaign as it is published and stored: one kind of offer. */
export const CheckedCampaignSchema = CampaignSchema.superRefine(offerKindProblem);
