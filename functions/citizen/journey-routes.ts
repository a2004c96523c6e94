import { createRoute, z } from '@hono/zod-openapi';
import { requireCard } from '../../shared/cards/cards';
import { presenterFor } from '../../shared/i18n/i18n';
import { fixJourney } from '../../shared/transit/journey-fix';
import { journeysPage } from '../../shared/transit/journeys';
import type { AppDeps } from '../deps';
import { callerLanguage } from '../http/language';
import type { Router } from '../http/router';
import { errorResponses, jsonBody, PageQuery } from '../http/schemas';
import { TapResultSchema } from '../transit-schemas';

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

const fixJourneyRoute = createRoute({
  method: 'post',
  path: '/v1/me/journeys/{journeyId}/exit',
  operationId: 'reportMyJourneyExit',
  tags: ['citizen'],
  security: [{ citizen: [] }],
  summary: 'Fix an incomplete zone journey: name the stop where you got off',
  description:
    'A zone journey with no exit kept its entry’s maximum fare. Within 48 hours of the entry (after its journey window: before, 409 JOURNEY_STILL_OPEN; after, 422 FIX_WINDOW_PASSED) the holder names the exit stop, and the same fare engine prices the journey as an exit there at the entry’s own time: the difference comes back to the card on the entry’s counter, as a late exit’s would. Once per journey (the same answer again). At most two a month by oneself: a third is queued for an operator (202) and moves nothing. Every fix is recorded: who, when, which stop.',
  request: {
    params: z.object({
      journeyId: z.string().min(1).max(100).openapi({ description: 'From the journey list (status incomplete)' }),
    }),
    body: jsonBody(
      z.strictObject({
        stopId: z.string().min(1).max(32).openapi({ description: 'Where the holder got off', example: 'Z1-S3' }),
      }),
    ),
  },
  responses: {
    200: {
      description: 'Fixed: the exit as a tap’s answer',
      content: { 'application/json': { schema: TapResultSchema } },
    },
    202: {
      description: 'Queued for an operator (past this month’s two)',
      content: {
        'application/json': {
          schema: z.object({ journeyId: z.string(), status: z.literal('queued') }).openapi('JourneyFixQueued'),
        },
      },
    },
    ...errorResponses(400, 401, 404, 409, 422, 503),
  },
});

export function journeyRoutes(app: Router, deps: AppDeps) {
  app.openapi(fixJourneyRoute, async (c) => {
    const { citizenId } = c.get('citizen');
    const card = await requireCard(deps.store, citizenId);
    const fixDeps = { ...deps, cardRules: async () => (await deps.city()).card };
    const fixed = await fixJourney(fixDeps, {
      cardId: card.cardId,
      citizenId,
      journeyId: c.req.valid('param').journeyId,
      stopId: c.req.valid('json').stopId,
    });
    if (fixed.status === 'queued') return c.json(fixed, 202);
    return c.json(presenterFor(callerLanguage(c)).explained(fixed), 200);
  });
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
