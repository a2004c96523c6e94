import { lapseStep } from '../../shared/points/lapse';
import { monthOf } from '../../shared/points/lots';
import { cloudDeps } from '../cloud-deps';

const deps = cloudDeps('points-lapse');
/** A step (1000 cards, 8 at once) takes seconds: stop well before the function's end and leave the rest listed. */
const STOP_BEFORE_END_MS = 60_000;

/**
 * On the first three days of every month (EventBridge Scheduler, Asia/Shanghai): lapse the points
 * whose 12 months ended, a step of 1000 cards at a time, until the month's list is empty or the time
 * is nearly up. What is left stays listed for the next day's run (or an operator's POST).
 */
export const handler = deps.instrument(async (_event: unknown, context?: { getRemainingTimeInMillis(): number }) => {
  const month = monthOf(deps.clock());
  let cards = 0;
  let pointsLapsed = 0;
  let more = true;
  while (more && (context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY) > STOP_BEFORE_END_MS) {
    const step = await lapseStep(deps.store, month, deps.clock());
    cards += step.cards;
    pointsLapsed += step.pointsLapsed;
    more = step.more;
  }
  deps.logger.info('points lapse', { month, cards, pointsLapsed, more });
  deps.metrics.add('PointsLapsed', pointsLapsed);
  deps.metrics.add('JobSucceeded', 1, { job: 'points-lapse' });
  return { month, cards, pointsLapsed, more };
});
