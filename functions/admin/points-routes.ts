import { createRoute, z } from '@hono/zod-openapi';
import { RefusedError } from '../../shared/errors';
import { lapseStep, MAX_LAPSE_CARDS } from '../../shared/points/lapse';
import { monthOf } from '../../shared/points/lots';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { calendarMonth, errorResponses, jsonBody, OPERATOR_SECURITY } from '../http/schemas';

const LapseStepSchema = z
  .object({
    month: z.string(),
    cards: z.number().int().openapi({ description: 'Cards of the month’s list this step took' }),
    pointsLapsed: z.number().int().openapi({ description: 'Points this step took off them, into the alliance’s pool' }),
    more: z.boolean().openapi({ description: 'Cards are left in the month’s list: run again' }),
  })
  .openapi('PointsLapseStep');

const startPointsLapseRoute = createRoute({
  method: 'post',
  path: '/v1/admin/points-lapses',
  operationId: 'startPointsLapse',
  tags: ['operator'],
  security: OPERATOR_SECURITY,
  summary: 'Lapse the alliance points whose 12 months ended by a month: one step of up to 1000 cards',
  description:
    'Points earned in a month lapse when the 13th month after it begins (earned in November 2026: on 1 December 2027), each card’s as one posting from its points into the alliance’s pool. Only the cards that held points of that earning month are read (a list made as they earned), at most `limit` a step: repeat while `more` is true. Safe to repeat and to run at once: each card’s lapse is once. The scheduled job does the same on the first three days of every month. A month after the current one (Asia/Shanghai) is 422 MONTH_IN_FUTURE.',
  request: {
    body: jsonBody(
      z.strictObject({
        month: calendarMonth().openapi({ description: 'The lapse month, YYYY-MM (Asia/Shanghai)', example: '2027-12' }),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_LAPSE_CARDS)
          .default(MAX_LAPSE_CARDS)
          .openapi({ description: 'Cards this step takes at most (1 to 1000)' }),
      }),
    ),
  },
  responses: {
    200: { description: 'What the step lapsed', content: { 'application/json': { schema: LapseStepSchema } } },
    ...errorResponses(400, 401, 403, 422, 503),
  },
});

/** The monthly lapse of alliance points, by hand (the job runs it on schedule). */
export function pointsRoutes(app: Router, deps: AppDeps) {
  app.openapi(startPointsLapseRoute, async (c) => {
    const { month, limit } = c.req.valid('json');
    const now = deps.clock();
    if (month > monthOf(now)) throw new RefusedError('MONTH_IN_FUTURE', 'Points lapse in a month once it has begun');
    return c.json(await lapseStep(deps.store, month, now, limit), 200);
  });
}
