import { attributes } from '../store/attributes';
import type { Item } from '../store/items';

/**
 * What a payee's movements count besides its balance, as settlement reads them: sales and refunds,
 * and the alliance points it funded (earned by its customers, less what refunds took back) and took
 * in payment. Its balance always moves by sales - refunds - points funded: points spent are part of
 * its sales, paid by the card's points instead of its money.
 */
export interface PayeeCounts {
  salesFen: number;
  refundsFen: number;
  pointsFundedFen: number;
  pointsSpentFen: number;
}
export type PayeeCount = keyof PayeeCounts;
export const PAYEE_COUNTS: readonly PayeeCount[] = ['salesFen', 'refundsFen', 'pointsFundedFen', 'pointsSpentFen'];

/** The counts under their own names (a settlement line's boundaries keep them so). */
export const COUNT_NAMES: Record<PayeeCount, string> = {
  salesFen: 'salesFen',
  refundsFen: 'refundsFen',
  pointsFundedFen: 'pointsFundedFen',
  pointsSpentFen: 'pointsSpentFen',
};

/** Each count's attribute on a minute bucket (sales and refunds keep the names they had: in and out). */
export const BUCKET_ATTRIBUTES: Record<PayeeCount, string> = {
  salesFen: 'inFen',
  refundsFen: 'outFen',
  pointsFundedFen: 'pointsFundedFen',
  pointsSpentFen: 'pointsSpentFen',
};

/** Each count's attribute on a transfer record, which settlement reads for the cutoff's own minute. */
export const RECORD_ATTRIBUTES: Record<PayeeCount, string> = {
  salesFen: 'settleSalesFen',
  refundsFen: 'settleRefundsFen',
  pointsFundedFen: 'settlePointsFundedFen',
  pointsSpentFen: 'settlePointsSpentFen',
};

export const noCounts = (): PayeeCounts => ({ salesFen: 0, refundsFen: 0, pointsFundedFen: 0, pointsSpentFen: 0 });

export function addCounts(a: PayeeCounts, b: PayeeCounts): PayeeCounts {
  return {
    salesFen: a.salesFen + b.salesFen,
    refundsFen: a.refundsFen + b.refundsFen,
    pointsFundedFen: a.pointsFundedFen + b.pointsFundedFen,
    pointsSpentFen: a.pointsSpentFen + b.pointsSpentFen,
  };
}

export const subtractCounts = (a: PayeeCounts, b: PayeeCounts): PayeeCounts =>
  addCounts(a, {
    salesFen: -b.salesFen,
    refundsFen: -b.refundsFen,
    pointsFundedFen: -b.pointsFundedFen,
    pointsSpentFen: -b.pointsSpentFen,
  });

export const isZero = (c: PayeeCounts) => PAYEE_COUNTS.every((name) => c[name] === 0);

/** The counts an item keeps under the given attribute names (a bucket's or a transfer record's); 0 where absent. */
export function countsOf(item: Item, names: Record<PayeeCount, string>, what: string): PayeeCounts {
  const a = attributes(item, what);
  return {
    salesFen: a.intOr0(names.salesFen),
    refundsFen: a.intOr0(names.refundsFen),
    pointsFundedFen: a.intOr0(names.pointsFundedFen),
    pointsSpentFen: a.intOr0(names.pointsSpentFen),
  };
}
