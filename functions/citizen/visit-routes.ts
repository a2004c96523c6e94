import { createRoute, z } from '@hono/zod-openapi';
import { requireCard } from '../../shared/cards/cards';
import { visitsOf } from '../../shared/facilities/visit-list';
import { presenterFor } from '../../shared/i18n/i18n';
import type { AppDeps } from '../deps';
import { callerLanguage } from '../http/language';
import type { Router } from '../http/router';
import { errorResponses, PageQuery } from '../http/schemas';
import { VisitResultSchema } from '../terminal/facility-routes';

const VisitListItem = VisitResultSchema.extend({
  facilityId: z.string(),
  kind: z.enum(['enter', 'start', 'end']),
  at: z.string(),
}).openapi('VisitListItem');

export function visitRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/visits',
      operationId: 'listMyVisits',
      tags: ['citizen'],
      security: [{ citizen: [] }],
      summary: 'The card’s facility visits and rentals, newest first, with each fee and the rules that set it',
      description:
        'Accepted visits only, free ones included, in the order the card recorded them (an offline batch uploaded late comes first), with the balance right after each. A page may hold fewer items than `limit` while `nextCursor` is not null.',
      request: { query: PageQuery },
      responses: {
        200: {
          description: 'A page of visits',
          content: {
            'application/json': {
              schema: z.object({ items: z.array(VisitListItem), nextCursor: z.string().nullable() }),
            },
          },
        },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const card = await requireCard(deps.store, c.get('citizen').citizenId);
      const page = await visitsOf(deps.store, card.cardId, limit, cursor);
      const present = presenterFor(callerLanguage(c));
      return c.json({ ...page, items: page.items.map(present.explained) }, 200);
    },
  );
}
