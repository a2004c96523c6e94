import type { Context } from 'hono';
import type { ReportSink } from '../../shared/reports/sink';
import type { AppEnv } from './env';

/**
 * A report kept in the reports bucket is answered as a 303 to a short-lived download link, so its
 * size never meets a function's 6 MB answer; where reports have no links (the local stage) it is
 * made from the store and served here.
 */
export async function reportDownload(
  c: Context<AppEnv>,
  reports: ReportSink,
  name: string,
  make: () => Promise<string>,
): Promise<Response> {
  const link = await reports.link(name);
  if (link) return c.redirect(link, 303);
  return c.body(await make(), 200, { 'content-type': 'text/csv; charset=utf-8' });
}
