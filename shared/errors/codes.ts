/**
 * Every error code the API can answer with. Stable, upper-case, part of the contract:
 * add freely, never rename. The HTTP status of each lives in functions/http/error-status.ts,
 * a Record over this union, so a new code cannot go unmapped.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'IDEMPOTENCY_KEY_REUSED',
  'ALREADY_PAID',
  'ALREADY_EXISTS',
  'ID_NUMBER_IN_USE',
  'CARD_EXISTS',
  'FROZEN_BY_OPERATOR',
  'INSUFFICIENT_FUNDS',
  'CARD_FROZEN',
  'BALANCE_LIMIT',
  'AMOUNT_MISMATCH',
  'TOPUP_NOT_PENDING',
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
  'OTP_INVALID',
  'RATE_LIMITED',
  'RETRY_LATER',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
