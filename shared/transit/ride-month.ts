import { monthlyTier, monthOfFareDay } from '../fares/engine';
import type { FareTable } from '../fares/fare-table';
import { fareDay } from '../time/shanghai';
import { transitStateOf } from './stored-state';

export interface RideMonth {
  /** The month of the current fare day (YYYY-MM, Asia/Shanghai). */
  month: string;
  /** Paid for rides this month, after every discount and the cap, holds included, give-backs taken back. */
  paidFen: number;
  /** What the next ride costs, in percent of its fare (100: no discount yet, or past the last tier). */
  percent: number;
  /** Where the next tier starts, if one follows. */
  next: { fromFen: number; percent: number } | null;
}

/** Where a card's month stands for the monthly ride discount, as the app shows it. */
export function rideMonthOf(transit: unknown, table: FareTable, now: Date): RideMonth {
  const month = monthOfFareDay(fareDay(now, table.fareDayStartHour));
  const paidFen = transitStateOf(transit).months[month] ?? 0;
  const { percent, next } = monthlyTier(table, paidFen);
  return { month, paidFen, percent, next: next ? { fromFen: next.fromFen, percent: next.percent } : null };
}
