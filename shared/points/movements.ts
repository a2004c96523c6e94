import { invariant } from '../errors';
import { addToLot, type Lots, lapsedBy, lotsTotal, takeFromLots, withoutMonths } from './lots';

/** A card's points as a purchase or a refund finds them: the account's lots (absent: never earned). */
export interface PointsHeld {
  lots: Lots;
  /** The month of the movement (Asia/Shanghai): what lapsed by it cannot be spent, and earning goes into it. */
  month: string;
}

/** What a purchase does to the card's points: spent, earned, the lots after. */
export interface PurchasePoints {
  spent: number;
  earned: number;
  lotsAfter: Lots;
  /** The lot month earning opened (a lapse to schedule), if it had none. */
  openedMonth: string | null;
}

/** Points a purchase may spend: those not lapsed by its month (a lapse not yet posted is not spendable). */
export function spendablePoints(held: PointsHeld): number {
  return lotsTotal(held.lots) - lapsedBy(held.lots, held.month).points;
}

/**
 * A purchase's points: it spends the requested points (at most what is left to pay after the
 * discount), the oldest first, and earns on what the card then pays in money, at the merchant's rate
 * rounded down. Null when the card holds fewer spendable points than requested.
 */
export function purchasePoints(
  held: PointsHeld,
  input: { requested: number; payableFen: number; earnBasisPoints: number },
): PurchasePoints | null {
  invariant(input.requested >= 0 && input.payableFen >= 0, 'points and payable are not negative');
  const spent = Math.min(input.requested, input.payableFen);
  if (spent > spendablePoints(held)) return null;
  const chargedFen = input.payableFen - spent;
  const earned = Math.floor((chargedFen * input.earnBasisPoints) / 10_000);
  const lapsed = lapsedBy(held.lots, held.month);
  const live = withoutMonths(held.lots, lapsed.months);
  const liveAfter = addToLot(takeFromLots(live, spent, 'oldest'), held.month, earned);
  const lotsAfter = { ...Object.fromEntries(lapsed.months.map((m) => [m, held.lots[m] ?? 0])), ...liveAfter };
  return {
    spent,
    earned,
    lotsAfter,
    openedMonth: earned > 0 && held.lots[held.month] === undefined ? held.month : null,
  };
}

/** A share of a purchase's points in proportion to what refunds gave back of its charge, on the running total. */
export function refundShare(points: number, chargedFen: number, refundedFen: number): number {
  if (chargedFen === 0) return 0;
  return Math.floor((refundedFen * points) / chargedFen);
}

/** What a refund does to the card's points: spent points given back, earned points taken back (at most what is left). */
export interface RefundPoints {
  givenBack: number;
  takenBack: number;
  lotsAfter: Lots;
  openedMonth: string | null;
}

/**
 * A refund's points: the share of the points the purchase spent goes back into this month's lot (a
 * fresh 12 months), and the share it earned comes back off the newest lots, never more than the
 * card still holds unlapsed (what the citizen already spent elsewhere stays spent: the merchant
 * funded it).
 */
export function refundPoints(
  held: PointsHeld,
  purchase: { spent: number; earned: number; chargedFen: number },
  refunded: { beforeFen: number; afterFen: number },
): RefundPoints {
  const share = (points: number) =>
    refundShare(points, purchase.chargedFen, refunded.afterFen) -
    refundShare(points, purchase.chargedFen, refunded.beforeFen);
  const givenBack = share(purchase.spent);
  const lapsed = lapsedBy(held.lots, held.month);
  const live = withoutMonths(held.lots, lapsed.months);
  const takenBack = Math.min(share(purchase.earned), lotsTotal(live));
  const liveAfter = addToLot(takeFromLots(live, takenBack, 'newest'), held.month, givenBack);
  return {
    givenBack,
    takenBack,
    lotsAfter: { ...Object.fromEntries(lapsed.months.map((m) => [m, held.lots[m] ?? 0])), ...liveAfter },
    openedMonth:
      givenBack > 0 && liveAfter[held.month] !== undefined && live[held.month] === undefined ? held.month : null,
  };
}
