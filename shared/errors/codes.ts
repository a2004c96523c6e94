/**
 * Every error code the API can answer with, grouped by the HTTP status it carries. Stable, upper-case,
 * part of the contract: add freely, never rename. Each error class (errors.ts) takes only the codes of
 * its own status, so a code cannot be raised with another status's class.
 */
export const ERROR_CODES_BY_STATUS = {
  /** The request itself is wrong: its fields, its JSON. */
  400: ['VALIDATION_FAILED', 'MALFORMED_JSON'],
  401: ['UNAUTHENTICATED', 'OTP_INVALID'],
  403: ['FORBIDDEN'],
  404: ['NOT_FOUND'],
  405: ['METHOD_NOT_ALLOWED'],
  /** The request conflicts with what exists now (a retry with other data, a run in progress). */
  409: [
    'IDEMPOTENCY_KEY_REUSED',
    'ALREADY_PAID',
    'ALREADY_EXISTS',
    'ID_NUMBER_IN_USE',
    'FROZEN_BY_OPERATOR',
    'CUTOFF_NOT_AFTER_PREVIOUS',
    'SETTLEMENT_RUNNING',
    'ALLOWANCE_RUN_IN_PROGRESS',
    'SCOPE_STRANDED',
    'FUND_INSUFFICIENT',
    'CLOSURE_BLOCKED',
    'JOURNEY_STILL_OPEN',
  ],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
  /** Well-formed, but the business rules refuse it. */
  422: [
    'INSUFFICIENT_FUNDS',
    'CARD_FROZEN',
    'CARD_CLOSED',
    'BALANCE_LIMIT',
    'AMOUNT_MISMATCH',
    'PARTIAL_NOT_ALLOWED',
    'AMOUNT_EXCEEDS_DUE',
    'REFUND_EXCEEDS_CHARGE',
    'CREDENTIAL_EXPIRED',
    'PROOF_INVALID',
    'REPLAYED',
    'DEVICE_REVOKED',
    'DEVICE_LIMIT',
    'TAP_TIME_INVALID',
    'ID_MISMATCH',
    'IDENTITY_NOT_VERIFIED',
    'OUTLET_LIMIT',
    'CUTOFF_IN_FUTURE',
    'MONTH_IN_FUTURE',
    'POINTS_OVER_LIMIT',
    'FIX_WINDOW_PASSED',
    'JOURNEY_NOT_FIXABLE',
    'FARE_DAY_OUT_OF_RANGE',
    'CREDENTIAL_VERSION_UNSUPPORTED',
  ],
  429: ['RATE_LIMITED'],
  500: ['INTERNAL'],
  /** Nothing was changed; the caller may retry. */
  503: ['RETRY_LATER'],
} as const;

export type ErrorStatus = keyof typeof ERROR_CODES_BY_STATUS;
/** The codes that carry `status`. */
export type CodeOf<S extends ErrorStatus> = (typeof ERROR_CODES_BY_STATUS)[S][number];
export type ErrorCode = CodeOf<ErrorStatus>;

/** Every status of the table, in order; the check below fails to compile if one is missing. */
const STATUSES = [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503] as const;
type Unlisted = Exclude<ErrorStatus, (typeof STATUSES)[number]>;
const everyStatusListed: [Unlisted] extends [never] ? true : never = true;

export const ERROR_CODES: readonly ErrorCode[] = STATUSES.flatMap((status) => ERROR_CODES_BY_STATUS[status]);

const STATUS_OF = new Map<ErrorCode, ErrorStatus>(
  STATUSES.flatMap((status) => ERROR_CODES_BY_STATUS[status].map((code): [ErrorCode, ErrorStatus] => [code, status])),
);

/** The HTTP status a code carries. */
export function statusOf(code: ErrorCode): ErrorStatus {
  const status = STATUS_OF.get(code);
  if (status === undefined || !everyStatusListed) throw new Error(`error code ${code} has no status`);
  return status;
}
