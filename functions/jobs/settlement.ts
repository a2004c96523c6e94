import { dailyReport, STORED_VALUE_ALARM } from '../../shared/reports/daily-report';
import { dailyRun } from '../../shared/settlement/daily';
import { settlementCsv } from '../../shared/settlement/report';
import { runSettlement } from '../../shared/settlement/run';
import { businessDate } from '../../shared/time/shanghai';
import { settlementDeps } from '../admin/settlement-routes';
import { cloudDeps } from '../cloud-deps';

const deps = cloudDeps('settlement');

/** Daily after 04:00 Asia/Shanghai (EventBridge Scheduler): settle the business day that ended, report to S3. */
export const handler = deps.instrument(async () => {
  const { runId, cutoff } = dailyRun(deps.clock());
  const run = await runSettlement(settlementDeps(deps), { runId, cutoff });
  const { cost, ...answer } = run;
  await deps.reports.put(`settlement/${run.runId}.csv`, settlementCsv(answer), 'text/csv');
  // The day just settled, for the operators: written beside the run's CSV; an imbalance is an alarm.
  const day = businessDate(new Date(cutoff.getTime() - 1));
  // The stored value from the latest full audit (its own pipeline runs after the day ends too).
  const report = await dailyReport(deps.store, day, await deps.audits.current());
  await deps.reports.put(`settlement/daily-${day}.json`, JSON.stringify(report, null, 2), 'application/json');
  if (report.alarm) deps.logger.error(STORED_VALUE_ALARM, { ...report.storedValue });
  deps.logger.info('daily settlement', {
    runId,
    cutoff: run.cutoff,
    lines: run.lines.length,
    payoutFen: run.payoutFen,
    ...cost,
  });
  deps.metrics.add('SettlementLines', run.lines.length);
  deps.metrics.add('SettlementPayoutFen', run.payoutFen);
  deps.metrics.add('JobSucceeded', 1, { job: 'settlement' });
  return { runId, payoutFen: run.payoutFen, lines: run.lines.length };
});
