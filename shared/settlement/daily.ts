import { BUSINESS_DAY_START_HOUR, businessDate } from '../time/shanghai';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/**
 * The daily run settles up to the start of the current business day (04:00 Asia/Shanghai): run at
 * 04:05, it settles the day that just ended. Its id names that day, so running it twice, or resuming
 * it after a crash, is the same run.
 */
export function dailyRun(now: Date): { runId: string; cutoff: Date } {
  const today = businessDate(now);
  const cutoff = new Date(Date.parse(`${today}T00:00:00Z`) + BUSINESS_DAY_START_HOUR * 3600_000 - SHANGHAI_OFFSET_MS);
  return { runId: `daily_${businessDate(new Date(cutoff.getTime() - 1))}`, cutoff };
}
