/** Reading DynamoDB's refusals, in one place: what a failed condition and a cancelled transaction say. */

/** A single write's condition did not hold. */
export const isConditionFailed = (err: unknown) => (err as Error)?.name === 'ConditionalCheckFailedException';

/** A transaction was cancelled; `cancellationCodes` says which item did it. */
export const isCancelled = (err: unknown) => (err as Error)?.name === 'TransactionCanceledException';

export type CancellationCode =
  | 'None'
  | 'ConditionalCheckFailed'
  | 'TransactionConflict'
  | 'ThrottlingError'
  | 'ProvisionedThroughputExceeded'
  | 'ValidationError'
  | string;

/** One code per item of the cancelled transaction, in the order the items were sent. */
export function cancellationCodes(err: unknown): CancellationCode[] {
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}
