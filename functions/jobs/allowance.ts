import { allowanceCsv, allowanceRows, allowanceRules } from '../../shared/benefits/allowance';
import { runAllowance } from '../../shared/benefits/allowance-run';
import { shanghaiDate } from '../../shared/time/shanghai';
import { cloudDeps } from '../cloud-deps';

const deps = cloudDeps('allowance');
const rules = allowanceRules(deps.store, deps.clock);

/**
 * The first day of each month (EventBridge Scheduler, Asia/Shanghai): the month's allowance. Its run id
 * names the month, so a second invocation answers the first; a holder verified later in the month is
 * paid by an operator's run (POST /v1/admin/allowance-runs).
 */
export async function handler() {
  const month = shanghaiDate(deps.clock()).slice(0, 7);
  const runId = `monthly_${month}`;
  const run = await runAllowance(deps.store, { clock: deps.clock, rules }, { runId, month });
  // Part-way: failing the invocation has the scheduler start the same run again, which goes on with it.
  if (run.status === 'running') throw new Error(`allowance run ${runId} is part-way; it goes on when started again`);
  await deps.reports.put(`allowance/${runId}.csv`, allowanceCsv(await allowanceRows(deps.store, runId)), 'text/csv');
  deps.logger.info('monthly allowance', { ...run });
  return run;
}
