import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, OPERATOR_SECURITY } from '../http/schemas';

const Rotation = z
  .object({ previous: z.string().optional(), current: z.string(), next: z.string() })
  .openapi('KeyRotation');

export function keyRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/keys/rotate',
      operationId: 'rotateSigningKeys',
      tags: ['operator'],
      security: OPERATOR_SECURITY,
      summary: 'Rotate the credential signing keys: next becomes current, current stays published as previous',
      description:
        'Credentials signed before keep verifying until they expire (24 h at most). A scheduled job does this daily in the cloud.',
      responses: {
        200: { description: 'The new key ids', content: { 'application/json': { schema: Rotation } } },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => c.json(await deps.keyRing.rotate(), 200),
  );
}
