import type { FareClass } from '../fares/fare-table';
import { shanghaiDate } from '../time/shanghai';

/** Whole years from birth to `now`'s date in Asia/Shanghai. */
export function ageInYears(birthDate: string, now: Date): number {
  const today = shanghaiDate(now);
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** A card opened for someone `seniorAgeYears` or older is senior; student and disabled are set by an operator. */
export function fareClassAtOpening(birthDate: string, now: Date, seniorAgeYears: number): FareClass {
  return ageInYears(birthDate, now) >= seniorAgeYears ? 'senior' : 'adult';
}
