import { fieldOf } from './conditions';
/** How a failed DynamoDB call is handled by the command runner. */
export type FailureClass =
  /** The transaction was cancelled; its reasons say which item's condition or conflict did it. */
  | 'cancelled'
  /** Refused before anything was written (throttling, a conflicting transaction): wait and try again. */
  | 'transient'
  /** We cannot know whether it committed (timeout, reset, 5xx): look for the stored answer, then try again. */
  | 'unknown-outcome'
  /** A defect of ours (validation, access): never retried. */
  | 'fatal';

const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'LimitExceededException',
]);
const UNKNOWN_OUTCOME = new Set([
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
  'TimeoutError',
  'RequestTimeout',
  'AbortError',
]);

export function classifyFailure(err: unknown): FailureClass {
  const name = String(fieldOf(err, 'name') ?? '');
  const code = fieldOf(err, 'code');
  const httpStatus = fieldOf(fieldOf(err, '$metadata'), 'httpStatusCode');
  if (name === 'TransactionCanceledException') return 'cancelled';
  if (TRANSIENT.has(name)) return 'transient';
  if (UNKNOWN_OUTCOME.has(name)) return 'unknown-outcome';
  if (typeof code === 'string' && ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED'].includes(code)) {
    return 'unknown-outcome';
  }
  if (typeof httpStatus === 'number' && httpStatus >= 500) return 'unknown-outcome';
  return 'fatal';
}

/** Full-jitter exponential backoff (AWS Architecture Blog): spreads retrying writers apart. */
export function backoffMs(attempt: number, baseMs = 5, capMs = 200, random = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

export { type CancellationCode, cancellationCodes } from './conditions';
