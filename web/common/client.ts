import createClient from 'openapi-fetch';
import type { paths } from '../../infra/client/api-types';

/** The typed client from docs/openapi.json: the apps' only way to the API (their own origin). */
export const api = createClient<paths>({ baseUrl: location.origin });

/** The data of an answer, or an Error carrying the API's own message. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (data !== undefined && response.ok) return data;
  const body = error as { error?: { code?: string; message?: string } } | undefined;
  throw new Error(body?.error?.message ?? `${response.status}`);
}
