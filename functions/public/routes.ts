import { createRoute, z } from '@hono/zod-openapi';
import type { KeyRing } from '../../shared/keys/keyring';
import { newRouter } from '../http/router';

const HealthSchema = z.object({ status: z.literal('ok'), time: z.string() }).openapi('Health');

const JwksSchema = z
  .object({
    keys: z.array(
      z.object({
        kty: z.string(),
        crv: z.string(),
        x: z.string(),
        y: z.string(),
        kid: z.string(),
        alg: z.string(),
        use: z.string(),
      }),
    ),
  })
  .openapi('Jwks');

/** Routes anyone may call: health, and the issuer keys terminals verify credentials with. */
export function publicRoutes(clock: () => Date, keyRing: KeyRing) {
  const app = newRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/health',
      operationId: 'getHealth',
      tags: ['public'],
      summary: 'Liveness of the API',
      responses: { 200: { description: 'Up', content: { 'application/json': { schema: HealthSchema } } } },
    }),
    (c) => c.json({ status: 'ok' as const, time: clock().toISOString() }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'getJwks',
      tags: ['public'],
      summary:
        'The issuer’s public keys: previous, current and next (cache them; rotation publishes a key a day before it signs)',
      responses: { 200: { description: 'JWKS', content: { 'application/json': { schema: JwksSchema } } } },
    }),
    async (c) => {
      c.header('Cache-Control', 'public, max-age=300');
      return c.json((await keyRing.jwks()) as z.infer<typeof JwksSchema>, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/onecard-receipt-keys.json',
      operationId: 'getReceiptKeys',
      tags: ['public'],
      summary: 'Every key that ever signed a receipt: the JWKS and the keys rotated out (receipts outlive rotations)',
      description:
        'Receipts only: a terminal verifies credentials with /.well-known/jwks.json, which no longer holds a key once it is rotated out.',
      responses: { 200: { description: 'JWKS', content: { 'application/json': { schema: JwksSchema } } } },
    }),
    async (c) => {
      c.header('Cache-Control', 'public, max-age=300');
      return c.json((await keyRing.receiptKeys()) as z.infer<typeof JwksSchema>, 200);
    },
  );
  return app;
}
