import { allowanceRun } from '../shared/benefits/allowance';
import { type AllowanceRuns, answerEnded, openRun } from '../shared/benefits/allowance-run';
import { InvariantError } from '../shared/errors';
import type { Store } from '../shared/store/store';

/** What the allowance state machine starts from: a run opened, its chunks numbered. */
export interface AllowanceExecution {
  runId: string;
  month: string;
  chunks: number[];
}

/**
 * The cloud's allowance runs: the request opens the run (the month checked and claimed, the chunks
 * cut: quick, keys only) and hands it to the state machine, which plans and pays the chunks in
 * parallel; the answer is the run as it stands (202 running). A run already ended answers as it
 * ended. Starting the same run again starts nothing new: its execution is named by the run.
 */
export function machineAllowanceRuns(
  store: Store,
  clock: () => Date,
  startExecution: (name: string, input: AllowanceExecution) => Promise<void>,
): AllowanceRuns {
  return {
    async start(input) {
      const run = await openRun(store, { clock }, input);
      if (run.status === 'done' || run.status === 'failed') return answerEnded(store, run);
      await startExecution(run.runId, {
        runId: run.runId,
        month: run.month,
        chunks: Array.from({ length: run.chunks }, (_, i) => i),
      });
      const answer = await allowanceRun(store, run.runId);
      if (!answer) throw new InvariantError(`run ${run.runId} was opened and is not there`);
      return answer;
    },
  };
}
