import { invariant } from '../errors';
import { shanghaiDate } from '../time/shanghai';

/**
 * A card's alliance points by the month they were earned (YYYY-MM, Asia/Shanghai), as its points
 * account carries them: their sum is the account's balance. Points are spent oldest first; a month's
 * points lapse when the 13th month after it starts: earned on any day of December 2025, they lapse on
 * 1 January 2027, so every point is kept at least 12 full months, and one month's lots lapse together.
 */
export type Lots = Record<string, number>;

/** A points lot keeps at most this many months (one a month for 13 months, plus one being given back). */
export const MAX_LOTS = 16;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const monthOf = (at: Date) => shanghaiDate(at).slice(0, 7);

/** The month `n` months after `month` (YYYY-MM). */
export function addMonths(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + (Number(month.slice(5, 7)) - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The month a lot earned in `earnedMonth` lapses at the start of (Asia/Shanghai). */
export const lapseMonthOf = (earnedMonth: string) => addMonths(earnedMonth, 13);

/** The lots as stored, checked: whole positive points under months. */
export function lotsOf(value: unknown): Lots {
  if (value === undefined) return {};
  invariant(typeof value === 'object' && value !== null && !Array.isArray(value), 'points lots are a map');
  const lots: Lots = {};
  for (const [month, points] of Object.entries(value)) {
    invariant(MONTH.test(month), `points lot month ${month}`);
    invariant(typeof points === 'number' && Number.isSafeInteger(points) && points > 0, `points lot ${month}`);
    lots[month] = points;
  }
  return lots;
}

export const lotsTotal = (lots: Lots) => Object.values(lots).reduce((s, p) => s + p, 0);

/** The lots that have lapsed by `month` (their lapse month has started), and how many points they hold. */
export function lapsedBy(lots: Lots, month: string): { points: number; months: string[] } {
  const months = Object.keys(lots).filter((earned) => lapseMonthOf(earned) <= month);
  return { points: months.reduce((s, m) => s + (lots[m] ?? 0), 0), months };
}

/** Adds points to a month's lot (earned, or given back by a refund). */
export function addToLot(lots: Lots, month: string, points: number): Lots {
  invariant(points >= 0, 'points added are not negative');
  if (points === 0) return lots;
  return { ...lots, [month]: (lots[month] ?? 0) + points };
}

/**
 * Takes points off the lots: spending takes the oldest first (they lapse first); a refund taking back
 * what a purchase earned takes the newest first (where they went). At most what the lots hold.
 */
export function takeFromLots(lots: Lots, points: number, order: 'oldest' | 'newest'): Lots {
  invariant(points >= 0 && points <= lotsTotal(lots), 'points taken are at most what the lots hold');
  const months = Object.keys(lots).sort();
  if (order === 'newest') months.reverse();
  const out: Lots = { ...lots };
  let left = points;
  for (const month of months) {
    if (left === 0) break;
    const taken = Math.min(left, out[month] ?? 0);
    left -= taken;
    if (taken === out[month]) delete out[month];
    else out[month] = (out[month] ?? 0) - taken;
  }
  return out;
}

/** Removes the given months' lots (lapsed). */
export function withoutMonths(lots: Lots, months: readonly string[]): Lots {
  return Object.fromEntries(Object.entries(lots).filter(([m]) => !months.includes(m)));
}
