/** Asia/Shanghai has no daylight saving: it is UTC+8 all year, so plain arithmetic is exact. */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The calendar date (YYYY-MM-DD) in Asia/Shanghai at this instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The fare day an instant belongs to: days run from `startHour` to `startHour` Shanghai time. */
export function fareDay(at: Date, startHour: number): string {
  return shanghaiDate(new Date(at.getTime() - startHour * 3600_000));
}

/** The city's business day (settlement, tills, the operator report) runs 04:00 to 04:00 Shanghai time. */
export const BUSINESS_DAY_START_HOUR = 4;
export const businessDate = (at: Date) => fareDay(at, BUSINESS_DAY_START_HOUR);
