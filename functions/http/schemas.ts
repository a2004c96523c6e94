import { z } from '@hono/zod-openapi';
import { p256PublicKeyProblem } from '../../shared/devices/public-key';
import { ERROR_CODES, ERROR_CODES_BY_STATUS, type ErrorCode } from '../../shared/errors';
import { EN } from '../../shared/i18n/en';
import { isPrintable, NOT_PRINTABLE } from '../../shared/text/printable';

/** The contract's error object, referenced by every route's error responses. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

/** The error responses a route documents, by status. */
export type ErrorResponseStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

export function errorResponses(...statuses: ErrorResponseStatus[]) {
  const text: Record<number, string> = {
    400: 'VALIDATION_FAILED or MALFORMED_JSON; details name each bad field',
    401: 'UNAUTHENTICATED',
    403: 'FORBIDDEN: outside the caller’s scope',
    404: 'NOT_FOUND',
    409: 'A conflict (IDEMPOTENCY_KEY_REUSED, ALREADY_PAID, ...)',
    413: 'PAYLOAD_TOO_LARGE',
    422: 'A business refusal',
    429: 'RATE_LIMITED',
    503: 'RETRY_LATER: nothing changed; retry with the same request',
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: text[s]!, content: errorContentOf(s) }]));
}

/** Codes one route answers, which its own description names rather than every route's examples. */
const ONLY_WHERE_SAID = new Set<ErrorCode>(['OTP_INVALID']);

/** What a field's problem looks like in `details.issues`: the example of every 400. */
const EXAMPLE_ISSUES = { issues: [{ path: 'amountFen', message: 'Too small: expected number to be >=1' }] };

/** An error response's body, with one example of each code its status carries (the document's "Examples" list). */
function errorContentOf(status: ErrorResponseStatus) {
  const examples = Object.fromEntries(
    ERROR_CODES_BY_STATUS[status]
      .filter((code) => !ONLY_WHERE_SAID.has(code))
      .map((code) => [
        code,
        {
          summary: code,
          value: {
            error: {
              code,
              message: EN.errors[code],
              ...(code === 'VALIDATION_FAILED' ? { details: EXAMPLE_ISSUES } : {}),
              requestId: 'req_3kq9x2w7',
            },
          },
        },
      ]),
  );
  return { 'application/json': { schema: ErrorSchema, examples } };
}

/** What an Idempotency-Key may be: 8 to 255 printable ASCII characters, no spaces. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{8,255}$/;

export const IdempotencyKeyHeader = z.object({
  'idempotency-key': z.string().regex(IDEMPOTENCY_KEY_PATTERN).openapi({
    description:
      'Required, 8 to 255 printable characters. A retry with the same key and body gets the first answer again, a refusal too (status, body, and the header Idempotent-Replayed: true); another body under the same key is 409 IDEMPOTENCY_KEY_REUSED; a retry that arrives while the first request still runs is 503 RETRY_LATER.',
  }),
});

/**
 * A whole number in a query string, written in decimal digits only: an empty value, a space, `0x10`
 * or `1e1` is a 400, not a number JavaScript would make of it.
 */
export const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^(0|[1-9]\d{0,14})$/, 'a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((n) => n ?? fallback)
    .openapi({ type: 'integer', minimum: min, maximum: max, default: fallback });

/** A list's `?limit=&cursor=`: at most `max` items a page (the contract allows lists up to 1000). */
export const pageQuery = (max: number, fallback: number) =>
  z.strictObject({
    limit: queryInt(1, max, fallback).openapi({ description: `Page size, 1 to ${max} (${fallback} if absent)` }),
    cursor: z
      .string()
      .max(1024)
      .optional()
      .openapi({ description: 'nextCursor of the previous page of this same list' }),
  });

export const PageQuery = pageQuery(100, 20);
/** Catalogues and reports an operator pages through: up to 1000 a page. */
export const LongPageQuery = pageQuery(1000, 100);

/**
 * The calendar the ledger keeps: its minute buckets, business days and months from 2000 to 2199. A
 * date or instant outside it is a 400 at the boundary (the ledger's minute numbers start in 1970 and
 * have ten digits), never a day that reads as empty or a 500.
 */
export const CALENDAR = { from: '2000-01-01', to: '2199-12-31' } as const;
const inCalendar = `from ${CALENDAR.from} to ${CALENDAR.to}`;

/** A day (YYYY-MM-DD) within the calendar. */
export const calendarDate = () =>
  z.iso.date().refine((d) => d >= CALENDAR.from && d <= CALENDAR.to, `a date ${inCalendar}`);

/** A month (YYYY-MM) within the calendar. */
export const calendarMonth = () =>
  z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM')
    .refine((m) => m >= CALENDAR.from.slice(0, 7) && m <= CALENDAR.to.slice(0, 7), `a month ${inCalendar}`);

/** An instant with its offset (RFC 3339) within the calendar. */
export const calendarInstant = () =>
  z.iso.datetime({ offset: true }).refine((t) => {
    const ms = Date.parse(t);
    return ms >= Date.parse(`${CALENDAR.from}T00:00:00Z`) && ms < Date.parse(`${CALENDAR.to}T00:00:00Z`);
  }, `an instant ${inCalendar}`);

export const fen = (description: string) =>
  z
    .number()
    .int()
    .openapi({ description: `${description} (integer fen)` });

/** A required JSON request body: required, so a body sent as anything else is refused, never skipped. */
export function jsonBody<S extends z.ZodType>(schema: S) {
  return { required: true as const, content: { 'application/json': { schema } } };
}

/** A JSON body a client may leave out (an operator's optional reason); when sent, it is validated like any other. */
export function optionalJsonBody<S extends z.ZodType>(schema: S) {
  return { required: false as const, content: { 'application/json': { schema } } };
}

/** Why an operator did what they did: recorded with their principal on every operator write. */
/**
 * Free text a person types (a holder's name, a device's, a reason): trimmed, within its length, and
 * free of control and format characters and lone surrogates (shared/text/printable.ts).
 */
export const printableText = (minChars: number, maxChars: number) =>
  z.string().trim().min(minChars).max(maxChars).refine(isPrintable, NOT_PRINTABLE);

export const OperatorReason = printableText(3, 200).openapi({
  description: 'Why: recorded with the operator’s principal',
  example: 'hotline ticket 2026-1128-0042',
});

/**
 * Operator routes: the admin token on the local stack, IAM (SigV4, checked by API Gateway) in the
 * cloud. Either one, as the document's security requirement says.
 */
export const OPERATOR_SECURITY: Record<string, string[]>[] = [{ operator: [] }, { iam: [] }];

/** What a phone presents, as the document's examples show it: a credential and a proof of the right shape (not valid signatures). */
export const EXAMPLE_PRESENTATION = {
  challenge: 'qr',
  credential:
    'eyJhbGciOiJFUzI1NiIsInR5cCI6Im9uZWNhcmQtY3JlZGVudGlhbCtqd3QiLCJraWQiOiJrLTIwMjYtMTIifQ.eyJpc3MiOiJodHRwczovL29uZWNhcmQuamlleWFuZy5nb3YuY24iLCJzdWIiOiJjYXJkXzdIcTJtWCIsImRpZCI6ImRldl8zS3A5IiwiZmNsIjoiYWR1bHQiLCJjbmYiOnsiamt0IjoiMFpjT0NPUlpOWXktRFdwcXEzMGpaeUpHSFROMGQySGdsQlYzdWlndUE0SSJ9LCJpYXQiOjE3OTYzNzEyMDAsImV4cCI6MTc5NjQ1NzYwMH0.Q2zH0m4-1Vd9wK7rEt3YxB6nLp2sA8uFj5cGh0iJkM1oN4qR7tU0vW3xY6zA9bC2dE5fG8hI1jK4lM7nO0pQ3r',
  proof:
    'eyJhbGciOiJFUzI1NiIsInR5cCI6Im9uZWNhcmQtcHJvb2Yrand0In0.eyJhdGgiOiJmVUh5TzJyMlozRFo1M0VzTnJXQmIweFdYb2FOeTU5SWlLQ0Fxa3NtUUVvIiwiY2hsIjoicXIiLCJ0aWQiOiJjbGlfYnVzXzAwNDIiLCJpYXQiOjE3OTYzODAwMDAsImp0aSI6IjZmMWMyYjllLTJkMWEtNGQ3ZS05YTUxLTdjMGU1YjNmOGEyMSJ9.Q2zH0m4-1Vd9wK7rEt3YxB6nLp2sA8uFj5cGh0iJkM1oN4qR7tU0vW3xY6zA9bC2dE5fG8hI1jK4lM7nO0pQ3r',
} as const;

/**
 * What the phone presents to a terminal, the same in taps, visits, purchases and counter requests.
 * `challenge` is what the terminal showed (or "qr"), `credential` the phone's, `proof` its signature
 * over them for this terminal.
 */
export function presentedFields(terminal: string, proof: string) {
  return {
    challenge: z
      .string()
      .min(1)
      .max(256)
      .openapi({
        description: `The challenge the ${terminal} showed the phone, or "qr" for a QR code shown without one`,
        example: EXAMPLE_PRESENTATION.challenge,
      }),
    credential: z.string().min(16).max(8192).openapi({
      description:
        'The phone’s credential as it presented it: a JWS (typ onecard-credential+jwt, ES256) from POST /v1/me/credentials',
      example: EXAMPLE_PRESENTATION.credential,
    }),
    proof: z
      .string()
      .min(16)
      .max(4096)
      .openapi({
        description: `The phone’s proof (typ onecard-proof+jwt, ES256 under the credential’s cnf key): ath = base64url(SHA-256(credential)), chl = challenge, tid = this client’s id, iat within 30 s of the event, a fresh jti${proof}`,
        example: EXAMPLE_PRESENTATION.proof,
      }),
  };
}

/** A P-256 public key as JWK (a phone's or a machine client's), refused with the reason when it is not one. */
export const p256PublicJwk = (description: string) =>
  z
    .record(z.string(), z.unknown())
    .superRefine((jwk, ctx) => {
      const problem = p256PublicKeyProblem(jwk);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .openapi({
      description,
      type: 'object',
      properties: {
        kty: { type: 'string', enum: ['EC'], description: 'EC' },
        crv: { type: 'string', enum: ['P-256'], description: 'P-256' },
        x: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$', description: 'base64url, 32 bytes' },
        y: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$', description: 'base64url, 32 bytes' },
      },
      required: ['kty', 'crv', 'x', 'y'],
      example: {
        kty: 'EC',
        crv: 'P-256',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
        y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
      },
    });

/** An offline upload's body: `{ [name]: 1 to max items }`, each item as the single route takes it. */
export function batchBody<N extends string, S extends z.ZodType>(name: N, item: S, max: number, each: string) {
  const items = z
    .array(item)
    .min(1)
    .max(max)
    .openapi({ description: `1 to ${max} items, ${each}` });
  return jsonBody(z.strictObject({ [name]: items } as Record<N, typeof items>));
}
