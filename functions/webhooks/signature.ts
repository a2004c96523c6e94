import { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { UnauthenticatedError } from '../../shared/errors';
import { webhookSignatureValid } from '../../shared/topups/webhook-signature';
import type { AppDeps } from '../deps';
import type { AppEnv } from '../http/env';

export const SignatureHeader = z.object({
  'onecard-signature': z.string().max(1024).openapi({
    description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> under the shared secret',
    example: 't=1764300000,v1=5f0c2c0e0b1d8e2f4a6b9c3d7e1f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e3f',
  }),
});

/** The payment provider's signature, checked on the raw bytes before the body is trusted at all (401 otherwise). */
export const signedByProvider =
  (deps: AppDeps): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const raw = await c.req.text();
    const secret = await deps.secrets.get('topupWebhook');
    if (!webhookSignatureValid(c.req.header('onecard-signature'), raw, secret, deps.clock())) {
      throw new UnauthenticatedError('The webhook signature is wrong or too old');
    }
    await next();
  };
