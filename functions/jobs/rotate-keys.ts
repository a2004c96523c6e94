import { cloudDeps } from '../cloud-deps';

const deps = cloudDeps('rotate-keys');

/** Daily: next becomes current, a fresh next is published a day before it signs anything. */
export const handler = deps.instrument(async () => {
  const rotated = await deps.keyRing.rotate();
  deps.logger.info('rotated signing keys', rotated);
  deps.metrics.add('JobSucceeded', 1, { job: 'rotate-keys' });
  return rotated;
});
