import { z } from 'zod';

export const MerchantSchema = z.strictObject({
  merchantId: z.string().min(1).max(32),
  name: z.string().min(1).max(200),
  /** What the merchant pays the city at settlement, in basis points of its net sales. */
  feeBasisPoints: z.number().int().min(0).max(10_000).default(0),
});
export type Merchant = z.infer<typeof MerchantSchema>;

/** A merchant-alliance discount paid from its own budget account. */
export const CampaignSchema = z.strictObject({
  campaignId: z.string().min(1).max(32),
  name: z.string().min(1).max(200),
  merchantIds: z.array(z.string().min(1).max(32)).min(1).max(1000),
  percentOff: z.number().int().min(1).max(100),
  minPurchaseFen: z.number().int().min(0),
  maxDiscountFen: z.number().int().min(1),
  usesPerCardPerFareDay: z.number().int().min(1).max(100),
  budgetFen: z.number().int().min(0).max(1_000_000_000),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
});
export type Campaign = z.infer<typeof CampaignSchema>;
