/** Reading DynamoDB's refusals, in one place: what a failed condition and a cancelled transaction say. */

/** A field of whatever was thrown (the SDK's errors are objects with a name and more), unknown otherwise. */
export const fieldOf = (err: unknown, name: string): unknown =>
  typeof err === 'object' && err !== null ? Reflect.get(err, name) : undefined;

/** A single write's condition did not hold. */
export const isConditionFailed = (err: unknown) => fieldOf(err, 'name') === 'ConditionalCheckFailedException';

/** A transaction was cancelled; `cancellationCodes` says which item did it. */
export const isCancelled = (err: unknown) => fieldOf(err, 'name') === 'TransactionCanceledException';

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
  const reasons = fieldOf(err, 'CancellationReasons');
  if (!Array.isArray(reasons)) return [];
  return reasons.map((r: unknown) => {
    const code = fieldOf(r, 'Code');
    return typeof code === 'string' ? code : 'None';
  });
}
