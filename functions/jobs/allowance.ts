import { allowanceCsv, allowanceRows, allowanceRules, allowanceRun } from '../../shared/benefits/allowance';
import { payChunk, planChunk } from '../../shared/benefits/allowance-chunks';
import { finishRun, openRun, readRunRecord, reserveAll } from '../../shared/benefits/allowance-run';
import { codeOf, InvariantError, intDetailOf } from '../../shared/errors';
import { shanghaiDate } from '../../shared/time/shanghai';
import type { AllowanceExecution } from '../allowance-machine';
import { cloudDeps } from '../cloud-deps';

const deps = cloudDeps('allowance');
const rules = allowanceRules(deps.store, deps.clock);

/** One step of the allowance state machine (infra/allowance-machine.ts); each may run again safely. */
export type AllowanceStep =
  | { step: 'open' }
  | { step: 'plan'; runId: string; month: string; chunk: number }
  | { step: 'reserve'; runId: string }
  | { step: 'pay'; runId: string; chunk: number }
  | { step: 'finish'; runId: string };

/**
 * The allowance run's steps in the cloud. `open`: the first of each month (the scheduler), this
 * month's run (`monthly_<month>`), its chunks cut; `plan` and `pay` one chunk each, many at once (the
 * state machine's maps); `reserve` the planned total (a fund that cannot cover it ends the run failed,
 * nothing paid); `finish` counts, gives back what was not paid and writes the report for civil affairs.
 */
export const handler = deps.instrument(async (event: AllowanceStep) => step(event));

async function step(event: AllowanceStep): Promise<AllowanceExecution | { failed: boolean } | null> {
  const now = deps.clock();
  switch (event.step) {
    case 'open': {
      const month = shanghaiDate(now).slice(0, 7);
      const run = await openRun(deps.store, { clock: deps.clock }, { runId: `monthly_${month}`, month });
      const open = run.status !== 'done' && run.status !== 'failed';
      return { runId: run.runId, month, chunks: open ? Array.from({ length: run.chunks }, (_, i) => i) : [] };
    }
    case 'plan': {
      const at = await rules.at(new Date(`${event.month}-01T00:00:00+08:00`));
      await planChunk(deps.store, { runId: event.runId, month: event.month, rules: at, now }, event.chunk);
      return null;
    }
    case 'reserve':
      return reserve(event.runId, now);
    case 'pay': {
      const run = await readRunRecord(deps.store, event.runId);
      if (run?.totalFen === undefined) throw new InvariantError(`run ${event.runId} pays before it reserved`);
      await payChunk(deps.store, { runId: run.runId, month: run.month, totalFen: run.totalFen }, event.chunk, now);
      return null;
    }
    case 'finish': {
      await finishRun(deps.store, event.runId, now);
      const csv = allowanceCsv(await allowanceRows(deps.store, event.runId));
      await deps.reports.put(`allowance/${event.runId}.csv`, csv, 'text/csv');
      const run = await allowanceRun(deps.store, event.runId);
      deps.logger.info('allowance run', { ...run });
      deps.metrics.add('AllowancePaid', run?.paidCount ?? 0);
      deps.metrics.add('AllowancePaidFen', run?.paidFen ?? 0);
      for (const [reason, n] of Object.entries(run?.skipped ?? {})) {
        deps.metrics.add('AllowanceSkipped', n ?? 0, { reason });
      }
      deps.metrics.add('JobSucceeded', 1, { job: 'allowance' });
      return null;
    }
  }
}

/** The reservation, or the run's end when the fund cannot cover it (an answer, not a failure to retry). */
async function reserve(runId: string, now: Date) {
  const run = await readRunRecord(deps.store, runId);
  if (!run) throw new InvariantError(`no allowance run ${runId}`);
  if (run.status === 'failed') return { failed: true };
  if (run.status !== 'planning') return { failed: false };
  try {
    await reserveAll(deps.store, run, now);
    return { failed: false };
  } catch (err) {
    if (codeOf(err) !== 'FUND_INSUFFICIENT') throw err;
    deps.logger.warn('allowance run not covered by the fund', {
      runId,
      fundBalanceFen: intDetailOf(err, 'fundBalanceFen'),
      neededFen: intDetailOf(err, 'neededFen'),
    });
    return { failed: true };
  }
}
