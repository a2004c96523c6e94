import type { Grant } from './model';

/** A grant is in force on a date when its record is active and the date lies within its validity. */
export const grantInForce = (g: Pick<Grant, 'status' | 'validFrom' | 'validTo'>, date: string) =>
  g.status === 'active' && g.validFrom <= date && (g.validTo === null || date <= g.validTo);
