import { z } from 'zod';
import { isPrintable, NOT_PRINTABLE } from '../text/printable';

/** An outlet's id: the operator's own label; an outlet exists once a client names it. */
export const OutletIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1 to 64 of A-Z a-z 0-9 _ -');

const OutletLimitsSchema = z.strictObject({
  /** The most one cash top-up may be. */
  maxTopupFen: z.number().int().min(1).max(500_000),
  /** The most cash one outlet may take in a business day (what it hands over at the day's end). */
  maxDailyCashFen: z.number().int().min(1).max(100_000_000),
});
export type OutletLimits = z.infer<typeof OutletLimitsSchema>;

export const OutletsConfigSchema = z.strictObject({
  /** For an outlet named by a client but not listed here. */
  defaults: OutletLimitsSchema,
  outlets: z
    .array(
      OutletLimitsSchema.extend({
        outletId: OutletIdSchema,
        name: z.string().min(1).max(200).refine(isPrintable, NOT_PRINTABLE),
        address: z.string().min(1).max(200).refine(isPrintable, NOT_PRINTABLE).optional(),
      }),
    )
    .max(10_000),
});
export type OutletsConfig = z.infer<typeof OutletsConfigSchema>;

export function outletLimits(config: OutletsConfig, outletId: string): OutletLimits {
  const listed = config.outlets.find((o) => o.outletId === outletId);
  return listed ? { maxTopupFen: listed.maxTopupFen, maxDailyCashFen: listed.maxDailyCashFen } : config.defaults;
}

export interface CashTopupRequest {
  topupId: string;
  amountFen: number;
  challenge: string;
  credential: string;
  proof: string;
}

export interface CashTopupResult {
  topupId: string;
  cardId: string;
  amountFen: number;
  balanceFen: number;
}

export interface IdentityCheckRequest {
  checkId: string;
  idNumber: string;
  challenge: string;
  credential: string;
  proof: string;
}

export interface Till {
  outletId: string;
  businessDate: string;
  topupsCount: number;
  cashFen: number;
  /** Cards closed here that day, and the cash paid back to their holders. */
  closuresCount: number;
  paidOutFen: number;
}

export interface ClosureRequest {
  closureId: string;
  /** Typed from the resident id card the holder shows: it must be the card's. */
  idNumber: string;
  challenge: string;
  credential: string;
  proof: string;
}

export interface ClosureResult {
  closureId: string;
  cardId: string;
  status: 'closed';
  /** The balance paid back in cash at the counter. */
  paidOutFen: number;
  /** Alliance points that lapsed with the card (never cash). */
  pointsLapsed: number;
}
