import type { Context } from 'hono';

/**
 * The caller's address, for rate limits: API Gateway's view in Lambda, the socket's locally.
 * X-Forwarded-For is not trusted: any client can write it.
 */
export function sourceAddress(c: Context): string {
  const env = c.env as
    | {
        event?: { requestContext?: { http?: { sourceIp?: string } } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  return env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
