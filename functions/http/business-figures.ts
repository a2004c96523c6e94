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
  kind: MovementMetrics,
  where: MetricDimensions,
  outcome: Outcome,
  fen: number | undefined,
) {
  const accepted = outcome.status === 'accepted';
  metrics.add(accepted ? kind.accepted : kind.declined, 1);
  if (accepted && fen) metrics.add(kind.money, fen);
  metrics.add(kind.count, 1, { ...where, ...outcomeOf(outcome) });
}

interface MovementMetrics {
  count: MetricName;
  accepted: MetricName;
  declined: MetricName;
  money: MetricName;
}

export const TAP: MovementMetrics = {
  count: 'Taps',
  accepted: 'TapsAccepted',
  declined: 'TapsDeclined',
  money: 'FaresFen',
};
export const VISIT: MovementMetrics = {
  count: 'Visits',
  accepted: 'VisitsAccepted',
  declined: 'VisitsDeclined',
  money: 'FeesFen',
};
export const PURCHASE: MovementMetrics = {
  count: 'Purchases',
  accepted: 'PurchasesAccepted',
  declined: 'PurchasesDeclined',
  money: 'PurchasesFen',
};
