import type { BusinessMetrics, MetricDimensions, MetricName } from '../../shared/observe/metrics';

/** An answer about a presented card (a tap, a visit, a purchase): accepted, or declined and why. */
interface Outcome {
  status: string;
  declineCode?: string | undefined;
}

const outcomeOf = (o: Outcome): MetricDimensions => ({
  status: o.status,
  ...(o.declineCode ? { declineCode: o.declineCode } : {}),
});

/**
 * One movement's figures: a count by where and how it ended (declines by code), and the fen it moved
 * when accepted, by where. The operator's dashboard and the decline-rate alarm read these.
 */
export function countMovement(
  metrics: BusinessMetrics,
  kind: { count: MetricName; money: MetricName },
  where: MetricDimensions,
  outcome: Outcome,
  fen: number | undefined,
) {
  metrics.add(kind.count, 1, { ...where, ...outcomeOf(outcome) });
  if (outcome.status === 'accepted' && fen) metrics.add(kind.money, fen, where);
}

export const TAP = { count: 'Taps', money: 'FaresFen' } as const;
export const VISIT = { count: 'Visits', money: 'FeesFen' } as const;
export const PURCHASE = { count: 'Purchases', money: 'PurchasesFen' } as const;
export const BILL_PAYMENT = { count: 'BillPayments', money: 'BillsFen' } as const;
export const TOPUP = { count: 'Topups', money: 'TopupsFen' } as const;
export const CASH_TOPUP = { count: 'CashTopups', money: 'CashTopupsFen' } as const;
