import { dailyRun } from '../../shared/settlement/daily';
import { settlementCsv } from '../../shared/settlement/report';
import { runSettlement } from '../../shared/settlement/run';
import { settlementDeps } from '../admin/settlement-routes';
import { cloudDeps } from '../cloud-deps';

const deps = cloudDeps('settlement');

/** Daily after 04:00 Asia/Shanghai (EventBridge Scheduler): settle the business day that ended, report to S3. */
export async function handler() {
  const { runId, cutoff } = dailyRun(deps.clock());
  const run = await runSettlement(settlementDeps(deps), { runId, cutoff });
  const { cost, ...answer } = run;
  await deps.reports.put(`settlement/${run.runId}.csv`, settlementCsv(answer), 'text/csv');
  deps.logger.info('daily settlement', {
    runId,
    cutoff: run.cutoff,
    lines: run.lines.length,
    payoutFen: run.payoutFen,
    ...cost,
  });
  return { runId, payoutFen: run.payoutFen, lines: run.lines.length };
}
