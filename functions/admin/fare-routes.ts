import { createRoute, z } from '@hono/zod-openapi';
import { fareClassOf, setConcession } from '../../shared/cards/cards';
import { ValidationError } from '../../shared/errors';
import { FARE_CLASSES, FareTableSchema } from '../../shared/fares/fare-table';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, jsonBody } from '../http/schemas';

const security = [{ operator: [] }];

/** Fares are operator business: publish a new fare table version, set a card's concession class. */
export function fareRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/fare-tables',
      tags: ['operator'],
      security,
      summary: 'The fare table versions, newest first',
      responses: {
        200: {
          description: 'Versions',
          content: { 'application/json': { schema: z.object({ items: z.array(FareTableSchema) }) } },
        },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => c.json({ items: await deps.fares.all() }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/fare-tables',
      tags: ['operator'],
      security,
      summary: 'Publish a new fare table version, in force from its effectiveFrom',
      description:
        'Versions are immutable: a version number is published once (409 otherwise). Taps are priced by the version in force at their own time, so offline uploads keep the fare of the day they rode.',
      request: { body: jsonBody(FareTableSchema) },
      responses: {
        201: { description: 'Published', content: { 'application/json': { schema: FareTableSchema } } },
        ...errorResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const table = c.req.valid('json');
      const latest = (await deps.fares.all())[0];
      if (latest && table.version <= latest.version) {
        throw new ValidationError([
          { path: 'version', message: `must be greater than the latest version ${latest.version}` },
        ]);
      }
      await deps.fares.publish(table);
      return c.json(table, 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/admin/cards/{cardId}/fare-class',
      tags: ['operator'],
      security,
      summary: 'Grant a concession (student, disabled) on evidence the operator checked; adult takes it away',
      description:
        'Needs the holder’s identity verified in person first (422 IDENTITY_NOT_VERIFIED). senior follows from the birth date by itself. Takes effect for taps processed from now on; credentials issued later carry the new class.',
      request: {
        params: z.object({ cardId: z.string().max(64) }),
        body: jsonBody(z.strictObject({ fareClass: z.enum(FARE_CLASSES) })),
      },
      responses: {
        200: {
          description: 'Set',
          content: {
            'application/json': { schema: z.object({ cardId: z.string(), fareClass: z.enum(FARE_CLASSES) }) },
          },
        },
        ...errorResponses(400, 401, 403, 404, 422),
      },
    }),
    async (c) => {
      const { cardId } = c.req.valid('param');
      const now = deps.clock();
      const card = await setConcession(deps.store, cardId, c.req.valid('json').fareClass, now);
      return c.json({ cardId, fareClass: fareClassOf(card, now, (await deps.city()).card) }, 200);
    },
  );
}
