import type { Payee, SettlementLine } from './model';

/** A fee in basis points of an amount, rounded half up to the fen. */
export function feeFen(amountFen: number, basisPoints: number): number {
  return Math.floor((amountFen * basisPoints + 5000) / 10_000);
}

/**
 * One payee's line: the fee on its net sales (never on a loss), what it is owed after what an earlier
 * run carried, paid out when positive and carried to the next run when negative.
 */
export function settlementLine(
  payee: Pick<Payee, 'payeeKind' | 'payeeId' | 'feeBasisPoints'>,
  salesFen: number,
  refundsFen: number,
  previousCarriedFen: number,
): SettlementLine {
  const fee = feeFen(Math.max(salesFen - refundsFen, 0), payee.feeBasisPoints);
  const netFen = salesFen - refundsFen - fee + previousCarriedFen;
  return {
    payeeKind: payee.payeeKind,
    payeeId: payee.payeeId,
    salesFen,
    refundsFen,
    feeFen: fee,
    netFen,
    payoutFen: Math.max(netFen, 0),
    carriedFen: Math.min(netFen, 0),
  };
}
