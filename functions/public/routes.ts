import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../http/router';

const HealthSchema = z.object({ status: z.literal('ok'), time: z.string() }).openapi('Health');

/** Routes anyone may call: health now; the JWKS joins with the credentials. */
export function healthRoutes(clock: () => Date) {
  const app = newRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/health',
      tags: ['public'],
      summary: 'Liveness of the API',
      responses: { 200: { description: 'Up', content: { 'application/json': { schema: HealthSchema } } } },
    }),
    (c) => c.json({ status: 'ok' as const, time: clock().toISOString() }, 200),
  );
  return app;
}
