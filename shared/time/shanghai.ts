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

/** When a fare day (YYYY-MM-DD) begins: `startHour` o'clock in Shanghai on that date. */
export function fareDayStart(day: string, startHour: number): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS + startHour * 3600_000);
}

/** Today's fare day and the next: what a phone may hold credentials for, and terminals deny lists for. */
export function currentFareDays(at: Date, startHour: number): [string, string] {
  const today = fareDay(at, startHour);
  const tomorrow = fareDay(new Date(fareDayStart(today, startHour).getTime() + 36 * 3600_000), startHour);
  return [today, tomorrow];
}

/** The city's business day (settlement, tills, the operator report) runs 04:00 to 04:00 Shanghai time. */
export const BUSINESS_DAY_START_HOUR = 4;
export const businessDate = (at: Date) => fareDay(at, BUSINESS_DAY_START_HOUR);
