import type { PayeeCounts } from '../ledger/payee-counts';
import type { Payee, SettlementLine } from './model';

/** A fee in basis points of an amount, rounded half up to the fen. */
export function feeFen(amountFen: number, basisPoints: number): number {
  return Math.floor((amountFen * basisPoints + 5000) / 10_000);
}

/**
 * One payee's line: the fee on its net sales (never on a loss), what it is owed after the alliance
 * points it funded and what an earlier run carried, paid out when positive and carried to the next
 * run when negative.
 */
export function settlementLine(
  payee: Pick<Payee, 'payeeKind' | 'payeeId' | 'feeBasisPoints'>,
  counts: PayeeCounts,
  previousCarriedFen: number,
): SettlementLine {
  const { salesFen, refundsFen, pointsFundedFen, pointsSpentFen } = counts;
  const fee = feeFen(Math.max(salesFen - refundsFen, 0), payee.feeBasisPoints);
  const netFen = salesFen - refundsFen - pointsFundedFen - fee + previousCarriedFen;
  return {
    payeeKind: payee.payeeKind,
    payeeId: payee.payeeId,
    salesFen,
    refundsFen,
    pointsFundedFen,
    pointsSpentFen,
    feeFen: fee,
    netFen,
    payoutFen: Math.max(netFen, 0),
    carriedFen: Math.min(netFen, 0),
  };
}
