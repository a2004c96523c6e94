import { createHash } from 'node:crypto';

/** A bill's id follows from the biller's own reference, so re-uploading a bill updates it, never duplicates it. */
export function billIdFor(billerId: string, externalRef: string): string {
  return `bill_${createHash('sha256').update(`${billerId}\u0000${externalRef}`).digest('base64url').slice(0, 22)}`;
}
