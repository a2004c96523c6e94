import { createRoute, z } from '@hono/zod-openapi';
import { requireCard } from '../../shared/cards/cards';
import { presenterFor } from '../../shared/i18n/i18n';
import { journeysPage } from '../../shared/transit/journeys';
import type { AppDeps } from '../deps';
import { callerLanguage } from '../http/language';
import type { Router } from '../http/router';
import { errorResponses, PageQuery } from '../http/schemas';

const Rule = z.object({ rule: z.string(), text: z.string(), fen: z.number().int().optional() });
const JourneySchema = z
  .object({
    journeyId: z.string(),
    routeId: z.string(),
    kind: z.enum(['flat', 'zonal']),
    status: z.enum(['complete', 'open', 'incomplete']),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    boardStopId: z.string().optional(),
    entryStopId: z.string().optional(),
    exitStopId: z.string().optional(),
    fareFen: z.number().int(),
    explanation: z.array(Rule).openapi({
      description: 'The rules that set the fare: base, zones, transfer, concession, cap, incomplete journey',
    }),
  })
  .openapi('Journey');

export function journeyRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/journeys',
      operationId: 'listMyJourneys',
      tags: ['citizen'],
      security: [{ citizen: [] }],
      summary: 'The card’s journeys, newest first, each with its fare and the rules that set it',
      description:
        'Newest first by when the journey’s last tap was recorded: a zone journey appears once, at its exit (or as open, then incomplete, until one comes). Every accepted ride is a journey, a free one too (fareFen 0). A page may hold fewer journeys than the limit while nextCursor is not null: follow it.',
      request: { query: PageQuery },
      responses: {
        200: {
          description: 'A page of journeys',
          content: {
            'application/json': {
              schema: z.object({ items: z.array(JourneySchema), nextCursor: z.string().nullable() }),
            },
          },
        },
        ...errorResponses(400, 401, 404, 422),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const card = await requireCard(deps.store, c.get('citizen').citizenId);
      const now = deps.clock();
      const table = await deps.fares.at(now);
      const page = await journeysPage(deps.store, card.cardId, now, table.zoneJourneyMaxMinutes, limit, cursor);
      const present = presenterFor(callerLanguage(c));
      return c.json({ ...page, items: page.items.map(present.explained) }, 200);
    },
  );
}
