import { pooled } from '../async/pool';
import { activeBuckets, bucketTotals } from '../ledger/buckets';
import { hourCounts } from '../store/hour-counts';
import { minuteOf } from '../store/keys';
import type { Store } from '../store/store';
import { businessDayBounds, fieldOf, type SpendingKind } from './daily-report';

/** One hour of a business day: what each field took in (fen) and how many movements it counted. */
export interface HourOfDay {
  /** The hour's start, RFC 3339. */
  hour: string;
  inFen: Record<SpendingKind | 'topups', number>;
  movements: Record<SpendingKind | 'topups', number>;
  /** Taps declined in the hour (by the tap's own time), by route: they move no money, so they are counted apart. */
  declines: { total: number; byRoute: Record<string, number> };
  /** Top-ups the provider settled in the hour, by outcome (refunded: a credit past the card's limit). */
  topupOutcomes: { succeeded: number; failed: number; refunded: number };
  /** What each field gave back that hour (refunds, exit and rental give-backs; top-ups: none). */
  outFen: Record<SpendingKind | 'topups', number>;
}

const zero = () => ({ fares: 0, bills: 0, purchases: 0, facilities: 0, topups: 0 });

/**
 * A business day hour by hour (24 rows, 04:00 to 04:00 Shanghai), for the operations console's
 * charts: fares, bills, purchases, facilities and top-ups, in fen and in movements (a fare's
 * movements are its charged taps). From the minute buckets that moved, as the daily report: costs
 * what the day moved, never the catalogue of payees; declined taps from their own hourly counts.
 */
export async function hourlyFlows(store: Store, date: string): Promise<HourOfDay[]> {
  const { from, to } = businessDayBounds(date);
  const first = minuteOf(from);
  const hours: HourOfDay[] = Array.from({ length: 24 }, (_, i) => ({
    hour: new Date(from.getTime() + i * 3600_000).toISOString(),
    inFen: zero(),
    movements: zero(),
    declines: { total: 0, byRoute: {} },
    topupOutcomes: { succeeded: 0, failed: 0, refunded: 0 },
    outFen: zero(),
  }));
  await pooled(hours, 8, async (row) => {
    const hour = Date.parse(row.hour) / 3600_000;
    const [byRoute, outcomes] = await Promise.all([
      hourCounts(store, 'tap-declines', hour),
      hourCounts(store, 'topup-outcomes', hour),
    ]);
    row.declines = { total: Object.values(byRoute).reduce((a, b) => a + b, 0), byRoute };
    row.topupOutcomes = {
      succeeded: outcomes.succeeded ?? 0,
      failed: outcomes.failed ?? 0,
      refunded: outcomes.refunded ?? 0,
    };
  });
  for await (const bucket of bucketTotals(store, activeBuckets(store, first, minuteOf(to) - 1))) {
    const row = hours[Math.floor((bucket.minute - first) / 60)];
    if (!row) continue;
    const field = fieldOf(bucket.accountId);
    if (!field) continue;
    // Into a payee is what it sold; a top-up takes money out of clearing into a card.
    row.inFen[field] += field === 'topups' ? bucket.outFen : bucket.inFen;
    if (field !== 'topups') row.outFen[field] += bucket.outFen;
    row.movements[field] += bucket.movements;
  }
  return hours;
}
