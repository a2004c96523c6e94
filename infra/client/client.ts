/**
 * The typed client for app and terminal teams: openapi-fetch over types that openapi-typescript makes
 * from docs/openapi.json (`npm run openapi`, kept current by a test). Paths, bodies and answers are
 * checked by the compiler against the published document, so the demo and the simulator, which use
 * it, cannot drift from the API without `npm test` failing.
 */
import createClient from 'openapi-fetch';
import type { paths } from './api-types';

export type OneCardClient = ReturnType<typeof oneCardClient>;

/** `fetch` defaults to the global one; a test passes an app's own to skip the network. */
export function oneCardClient(baseUrl: string, fetch?: (request: Request) => Promise<Response>) {
  return createClient<paths>({ baseUrl, ...(fetch ? { fetch } : {}) });
}

/** An error answer of the API, as `{error:{code,message,details}}` says it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** The API's own message, as it said it. */
    readonly apiMessage: string,
    readonly details?: unknown,
  ) {
    super(`${status} ${code}: ${apiMessage}`);
    this.name = 'ApiError';
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiError carrying the API's code and message. */
export async function ok<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (response.ok && data !== undefined) return data;
  const body = (error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
  throw new ApiError(
    response.status,
    body.error?.code ?? 'HTTP_ERROR',
    body.error?.message ?? response.statusText,
    body.error?.details,
  );
}

/** Headers for one call: a bearer token and, for money-moving citizen calls, a fresh idempotency key. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
