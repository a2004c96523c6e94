import { expireStaleTopups } from '../../shared/topups/topups';
import { cloudDeps } from '../cloud-deps';

const deps = cloudDeps('expire-topups');

/** Hourly: pending top-ups the provider never answered within a day stop counting against the limit. */
export async function handler() {
  const expired = await expireStaleTopups(deps.store, deps.clock());
  deps.logger.info('expired stale top-ups', { expired });
  return { expired };
}
