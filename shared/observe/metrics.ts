/**
 * The city's business figures, as the functions count them: CloudWatch metrics (embedded in the
 * logs) in the cloud, nothing locally unless asked for (ONECARD_METRICS_LOG=1 prints them). A port:
 * shared/ and the routes name what happened, the composition root decides where it goes.
 */
export const METRIC_NAMES = {
  /** Taps, visits, purchases: one each, by where, status and decline code (the detail an operator filters by). */
  Taps: 'Count',
  Visits: 'Count',
  Purchases: 'Count',
  /** The same, counted city-wide by outcome only: what the decline-rate alarm and the dashboard add up. */
  TapsAccepted: 'Count',
  TapsDeclined: 'Count',
  VisitsAccepted: 'Count',
  VisitsDeclined: 'Count',
  PurchasesAccepted: 'Count',
  PurchasesDeclined: 'Count',
  BillPayments: 'Count',
  Topups: 'Count',
  CashTopups: 'Count',
  /** Money in fen, by field: what cards paid, what came in. */
  FaresFen: 'None',
  FeesFen: 'None',
  PurchasesFen: 'None',
  BillsFen: 'None',
  TopupsFen: 'None',
  CashTopupsFen: 'None',
  /** Answers the API gave 5xx for (a function that answers 500 succeeds as far as Lambda knows). */
  Http5xx: 'Count',
  /** The jobs' outcomes, and that they ran at all (an alarm waits for JobSucceeded). */
  JobSucceeded: 'Count',
  /** Alliance points the monthly lapse took off cards. */
  PointsLapsed: 'Count',
  SettlementLines: 'Count',
  SettlementPayoutFen: 'None',
  AllowancePaid: 'Count',
  AllowancePaidFen: 'None',
  AllowanceSkipped: 'Count',
  LedgerAuditMismatches: 'Count',
  /** Every card's balance together, as the latest full audit found it: the float the city holds. */
  StoredValueFen: 'None',
} as const;
export type MetricName = keyof typeof METRIC_NAMES;

/** Dimensions an operator filters by: area, route or facility or merchant or biller, status, decline code. */
export type MetricDimensions = Record<string, string>;

export interface BusinessMetrics {
  /**
   * Adds `value` to the metric: without dimensions to the function's own series (the figures of one
   * request go out together), with them to the series of those dimensions.
   */
  add(name: MetricName, value: number, dimensions?: MetricDimensions): void;
}

export const noMetrics: BusinessMetrics = { add: () => undefined };

/** Metrics as plain log lines (locally, when asked for): `metric Taps 1 route=B1 status=accepted`. */
export function printedMetrics(write: (line: string) => void): BusinessMetrics {
  return {
    add(name, value, dimensions = {}) {
      const dims = Object.entries(dimensions).map(([k, v]) => `${k}=${v}`);
      write(['metric', name, String(value), ...dims].join(' '));
    },
  };
}
