import { createRoute, z } from '@hono/zod-openapi';
import { decideFix, FIX_QUEUE_MAX_PAGE, fixQueuePage } from '../../shared/transit/journey-fix-queue';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import {
  calendarMonth,
  errorResponses,
  fen,
  jsonBody,
  OPERATOR_SECURITY,
  OperatorReason,
  pageQuery,
} from '../http/schemas';

const QueuedFixSchema = z
  .object({
    journeyId: z.string(),
    cardId: z.string(),
    stopId: z.string().openapi({ description: 'The exit stop the holder named' }),
    status: z.enum(['queued', 'approved', 'refused']),
    decidedBy: z.string().optional(),
    reason: z.string().optional(),
    fareFen: fen('Approved: the journey’s fare with that exit').optional(),
  })
  .openapi('QueuedJourneyFix');

const JourneyIdParam = z.object({
  journeyId: z.string().min(1).max(100).openapi({ description: 'The journey whose fix was queued' }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/admin/journey-fixes',
  operationId: 'listQueuedJourneyFixes',
  tags: ['operator'],
  security: OPERATOR_SECURITY,
  summary: 'A month’s fixes of incomplete journeys past their holder’s two, waiting for (or given) a decision',
  request: {
    query: pageQuery(FIX_QUEUE_MAX_PAGE, 50).extend({
      month: calendarMonth().openapi({ description: 'The month they were asked in (YYYY-MM, Shanghai)' }),
    }),
  },
  responses: {
    200: {
      description: 'A page of the queue',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(QueuedFixSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    ...errorResponses(400, 401, 403),
  },
});

const decideRoute = createRoute({
  method: 'post',
  path: '/v1/admin/journey-fixes/{journeyId}/decision',
  operationId: 'setJourneyFixDecision',
  tags: ['operator'],
  security: OPERATOR_SECURITY,
  summary: 'Approve or refuse a queued fix, with a reason',
  description:
    'Approving prices the named exit as the holder’s own fix would (the same engine, at the entry’s own time) and gives the difference back on the entry’s counter, in the same transaction that marks the fix decided: once, however many operators decide at once. Refusing moves nothing. A fix decided already answers its decision. 422 JOURNEY_NOT_FIXABLE if the journey is no longer open on the card.',
  request: {
    params: JourneyIdParam,
    body: jsonBody(
      z.strictObject({
        month: calendarMonth().openapi({ description: 'The queue’s month (from the list)' }),
        decision: z
          .enum(['approve', 'refuse'])
          .openapi({ description: 'approve: give the difference back; refuse: nothing moves' }),
        reason: OperatorReason,
      }),
    ),
  },
  responses: {
    200: { description: 'Decided', content: { 'application/json': { schema: QueuedFixSchema } } },
    ...errorResponses(400, 401, 403, 404, 422, 503),
  },
});

/** The operator's queue of journey fixes past a holder's monthly two. */
export function journeyFixRoutes(app: Router, deps: AppDeps) {
  const fixDeps = { ...deps, cardRules: async () => (await deps.city()).card };
  app.openapi(listRoute, async (c) => {
    const { month, limit, cursor } = c.req.valid('query');
    return c.json(await fixQueuePage(deps.store, month, { limit, ...(cursor ? { cursor } : {}) }), 200);
  });
  app.openapi(decideRoute, async (c) => {
    const { month, decision, reason } = c.req.valid('json');
    const decided = await decideFix(fixDeps, {
      month,
      journeyId: c.req.valid('param').journeyId,
      decision,
      reason,
      principal: c.get('operator').principal,
    });
    return c.json(decided, 200);
  });
}
