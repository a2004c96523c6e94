import type { CodeOf, ErrorCode } from './codes';

export type ErrorDetails = Record<string, unknown>;

/**
 * Root of every error the domain raises on purpose; anything else reaching the edge is a defect. Each
 * subclass takes only the codes of its own status (codes.ts).
 */
export abstract class OneCardError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  protected constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** One bad field, named by its path (`amountFen`, `bills.2.dueDate`). */
export interface FieldIssue {
  path: string;
  message: string;
}

export class ValidationError extends OneCardError {
  constructor(issues: FieldIssue[], message = 'The request is not valid') {
    super('VALIDATION_FAILED', message, { issues });
  }
}

/** The HTTP request as such: not JSON, too large, of another media type, a method the path has not. */
export class RequestFormError extends OneCardError {
  constructor(
    code: Exclude<CodeOf<400>, 'VALIDATION_FAILED'> | CodeOf<405 | 413 | 415>,
    message: string,
    details?: ErrorDetails,
  ) {
    super(code, message, details);
  }
}

export class UnauthenticatedError extends OneCardError {
  constructor(message = 'Missing or invalid credentials', code: CodeOf<401> = 'UNAUTHENTICATED') {
    super(code, message);
  }
}

export class ForbiddenError extends OneCardError {
  constructor(message = 'Not allowed for this caller', details?: ErrorDetails) {
    super('FORBIDDEN', message, details);
  }
}

export class NotFoundError extends OneCardError {
  constructor(what: string, details?: ErrorDetails) {
    super('NOT_FOUND', `${what} not found`, details);
  }
}

/** 409: the request conflicts with what already exists. */
export class ConflictError extends OneCardError {
  constructor(code: CodeOf<409>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}

/** 422: well-formed, but the business rules refuse it. */
export class RefusedError extends OneCardError {
  constructor(code: CodeOf<422>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}

export class RateLimitedError extends OneCardError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message = 'Too many requests') {
    super('RATE_LIMITED', message, { retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 503: contention or throttling outlasted our retries; nothing was changed, the caller may retry. */
export class RetryLaterError extends OneCardError {
  constructor(message = 'The service is busy; nothing was changed, retry later') {
    super('RETRY_LATER', message);
  }
}

/** An invariant of ours is broken: a defect, never the caller's fault. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
    this.name = 'InvariantError';
  }
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** What an error says, whatever was thrown. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The code an error of ours carries; undefined for anything else (a defect, a driver's error). */
export const codeOf = (err: unknown): ErrorCode | undefined => (err instanceof OneCardError ? err.code : undefined);

/** A whole-number detail of an error of ours (`fundBalanceFen`), or 0 when it has none. */
export function intDetailOf(err: unknown, name: string): number {
  const value = err instanceof OneCardError ? err.details?.[name] : undefined;
  return typeof value === 'number' && Number.isInteger(value) ? value : 0;
}
